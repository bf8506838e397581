"""Dynamics of results: each school's figures of a year with the change from the year before,
and the same figures pooled for groups (municipality, region, ШНОР and the other schools).
Pooled means the counts are summed first, so a group's share is of all its students, not the
mean of its schools' shares. Pure polars, no Django."""

from collections.abc import Mapping

import polars as pl

from opora.assessments.metrics import MARK_COUNTS, METRICS, with_change

ASSESSMENT = ["kind", "subject", "grade"]
# What the seeds' reports compare (seed 000: «качество знаний», «успеваемость», «2»).
SENTENCE_METRICS = {"quality": "качество знаний", "success": "успеваемость", "twos": "доля «2»"}


def school_dynamics(results: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """One row per school × assessment of `year`: counts, metrics and `<metric>_change` in
    percentage points from `year − 1` (null when the school had no result that year)."""
    return with_change(results.select("school_code", "year", *ASSESSMENT, *MARK_COUNTS), year=year)


def pooled_dynamics(
    results: pl.DataFrame, *, year: int, groups: Mapping[str, list[str]]
) -> pl.DataFrame:
    """The same columns for groups of schools: `school_code` is the group's name. A school may
    be in several groups (the municipality and ШНОР); an empty group gives no rows."""
    membership = pl.DataFrame(
        [(name, code) for name, codes in groups.items() for code in codes],
        schema={"group": pl.String, "school_code": pl.String},
        orient="row",
    )
    summed = (
        results.filter(pl.col("year").is_in([year - 1, year]))
        .join(membership, on="school_code")
        .group_by("group", "year", *ASSESSMENT)
        .agg(pl.col(c).sum() for c in MARK_COUNTS)
        .rename({"group": "school_code"})
    )
    return school_dynamics(summed, year=year)


def assessments_of(dynamics: pl.DataFrame) -> list[tuple[str, str, int]]:
    """The assessments present, ВПР before ОГЭ before ЕГЭ, by grade, then subject."""
    order = {"VPR": 0, "OGE": 1, "EGE": 2, "KDR": 3}
    keys = dynamics.select(ASSESSMENT).unique().rows()
    return sorted(keys, key=lambda k: (order.get(k[0], 9), k[2], k[1]))


def change_sentence(row: Mapping, *, subject_label: str, assessment_label: str) -> str:
    """A school's change in one assessment in the words of seed 000's report: «ОГЭ русский
    язык 9 кл.: качество знаний снизилось на 42,0 п. п.; успеваемость стабильна»."""
    parts = []
    for metric, label in SENTENCE_METRICS.items():
        before, now = row.get(f"{metric}_before"), row.get(metric)
        if before is None or now is None:
            continue
        change = now - before
        if metric == "success" and now == 100 and before < 100:
            parts.append(f"{label} достигла 100 %")
        elif abs(change) < 0.05:
            parts.append(f"{label} {_STABLE[metric]}")
        else:
            verb = _verb(metric, change > 0)
            parts.append(f"{label} {verb} на {_pp(abs(change))}")
    if not parts:
        return f"{assessment_label}: нет данных за прошлый год — динамику не с чем сравнить"
    return f"{assessment_label}: " + "; ".join(parts)


_STABLE = {"quality": "стабильно", "success": "стабильна", "twos": "не изменилась"}


def _verb(metric: str, rose: bool) -> str:
    # «качество» is neuter, «успеваемость» and «доля» feminine.
    if metric == "quality":
        return "выросло" if rose else "снизилось"
    return "выросла" if rose else "снизилась"


def _pp(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " п. п."


def figure(value: float | None, digits: int = 1) -> str:
    """A percent or mark the way documents print it: «12,5»; «—» for nothing."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def signed(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) < 0.05:
        return "0,0"
    return ("+" if value > 0 else "−") + figure(abs(value))


__all__ = [
    "METRICS",
    "assessments_of",
    "change_sentence",
    "figure",
    "pooled_dynamics",
    "school_dynamics",
    "signed",
]
