"""Target indicators computed from data Opora already holds, instead of being typed in.

A source measures each school as a fraction (numerator, denominator): a municipality's value is
then pooled — the sum of numerators over the sum of denominators — so a school of 9 pupils weighs
as little as it should. Assessment-based sources take a filter (procedure, subject, grades);
other apps register their own sources (e.g. staff: доля педагогов с ИОМ) with `register`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from opora.assessments.selectors import results_frame
from opora.registry.models import School

# school_id -> (numerator, denominator); a school without data is absent.
Fractions = dict[int, tuple[float, float]]


@dataclass(frozen=True)
class IndicatorSource:
    code: str
    title: str  # what is counted, in the words of the seeds
    measure: Callable[..., Fractions]  # (*, school_ids, year, results_filter) -> Fractions
    uses_results_filter: bool = False


SOURCES: dict[str, IndicatorSource] = {}


def register(source: IndicatorSource) -> None:
    SOURCES[source.code] = source


def source_choices() -> list[tuple[str, str]]:
    return [("", "вносится вручную (школой или муниципалитетом)")] + [
        (source.code, source.title) for source in SOURCES.values()
    ]


def results_year(measured_on: datetime.date) -> int:
    """The academic year whose results are complete on a date: ВПР end in May and the exams in
    June, so a value «на январь 2023» reports the results of 2021/22 (written 2022)."""
    return measured_on.year if measured_on.month >= 7 else measured_on.year - 1


def pooled(fractions: Fractions) -> tuple[float, float] | None:
    """The municipality's fraction: sums over schools, or None when no school has data."""
    measured = [f for f in fractions.values() if f[1] > 0]
    if not measured:
        return None
    return sum(n for n, _ in measured), sum(d for _, d in measured)


def percent(fraction: tuple[float, float]) -> float:
    numerator, denominator = fraction
    return 100 * numerator / denominator


# ── Sources from assessment results ────────────────────────────────────────────────────────────


def _results(school_ids: list[int], years: list[int], results_filter: dict) -> pl.DataFrame:
    """Filtered results with school_id, one row per school × assessment × year."""
    schools = School.objects.filter(pk__in=school_ids)
    frame = results_frame(schools=schools, years=years)
    codes = pl.DataFrame(
        list(schools.values_list("code", "pk")),
        schema={"school_code": pl.String, "school_id": pl.Int64},
        orient="row",
    )
    frame = frame.filter(pl.col("kind") == results_filter["kind"])
    if results_filter.get("subject"):
        frame = frame.filter(pl.col("subject") == results_filter["subject"])
    if results_filter.get("grades"):
        frame = frame.filter(pl.col("grade").is_in(results_filter["grades"]))
    return frame.join(codes, on="school_code")


_PARTICIPANTS = pl.col("participants")


def _share_of_participants(numerator: pl.Expr, denominator: pl.Expr = _PARTICIPANTS):
    def measure(*, school_ids: list[int], year: int, results_filter: dict) -> Fractions:
        frame = (
            _results(school_ids, [year], results_filter)
            .group_by("school_id")
            .agg(numerator=numerator.sum(), denominator=denominator.sum())
        )
        return {r["school_id"]: (r["numerator"], r["denominator"]) for r in frame.to_dicts()}

    return measure


def positive_dynamics(*, school_ids: list[int], year: int, results_filter: dict) -> Fractions:
    """1 of 1 when the school's доля «2» (pooled over the filtered assessments) fell from the
    previous year, 0 of 1 when it did not; absent when either year has no results."""
    frame = (
        _results(school_ids, [year - 1, year], results_filter)
        .group_by("school_id", "year")
        .agg(twos=pl.col("mark_2").sum() / pl.col("participants").sum())
        .pivot(on="year", index="school_id", values="twos")
    )
    if str(year) not in frame.columns or str(year - 1) not in frame.columns:
        return {}
    frame = frame.drop_nulls([str(year), str(year - 1)])
    return {r["school_id"]: (float(r[str(year)] < r[str(year - 1)]), 1.0) for r in frame.to_dicts()}


_MARKS = {m: pl.col(f"mark_{m}") for m in (2, 3, 4, 5)}
_JOURNAL = pl.col("journal_lowered") + pl.col("journal_confirmed") + pl.col("journal_raised")

RESULTS_SOURCES = [
    IndicatorSource(
        "results_twos", "доля «2» (от числа участников)", _share_of_participants(_MARKS[2]), True
    ),
    IndicatorSource(
        "results_success",
        "доля справившихся — успеваемость («3», «4», «5»)",
        _share_of_participants(_MARKS[3] + _MARKS[4] + _MARKS[5]),
        True,
    ),
    IndicatorSource(
        "results_quality",
        "качество знаний («4» и «5»)",
        _share_of_participants(_MARKS[4] + _MARKS[5]),
        True,
    ),
    IndicatorSource(
        "results_journal_confirmed",
        "доля подтвердивших отметку в журнале (ВПР)",
        _share_of_participants(pl.col("journal_confirmed"), _JOURNAL),
        True,
    ),
    IndicatorSource(
        "results_journal_raised",
        "доля повысивших отметку в журнале (ВПР)",
        _share_of_participants(pl.col("journal_raised"), _JOURNAL),
        True,
    ),
    IndicatorSource(
        "results_positive_dynamics",
        "доля школ с положительной динамикой (доля «2» ниже, чем годом раньше)",
        positive_dynamics,
        True,
    ),
]
for _source in RESULTS_SOURCES:
    register(_source)
