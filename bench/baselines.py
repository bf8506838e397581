"""Straightforward implementations the benchmark compares against: pandas for the aggregation of
student rows, a row-by-row Python loop for identification. Same semantics as the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from opora.identification.engine import (
    LowResultsRule,
    format_ignored_reason,
    format_low_result_reason,
    format_years,
)

KEYS = ["school_code", "year", "kind", "subject", "grade"]
_KIND_RANK = {"VPR": 0, "OGE": 1, "EGE": 2, "KDR": 3}


def aggregate_student_results_pandas(frame: pd.DataFrame) -> pd.DataFrame:
    """The aggregation of opora.assessments.aggregation written the plain pandas way."""
    mark, journal = frame["mark"], frame["journal_mark"]  # NaN journal marks compare as False
    counts = frame[KEYS].assign(
        participants=1,
        mark_2=mark == 2,
        mark_3=mark == 3,
        mark_4=mark == 4,
        mark_5=mark == 5,
        journal_lowered=mark < journal,
        journal_confirmed=mark == journal,
        journal_raised=mark > journal,
    )
    return counts.groupby(KEYS, sort=False).sum().reset_index()


def identify_low_results_rows(
    rows: Iterable[Mapping],
    *,
    rule: LowResultsRule,
    year: int,
    subject_labels: Mapping[str, str] | None = None,
) -> dict[str, tuple[bool, list[str]]]:
    """identify_low_results one row at a time, as a loop over ORM objects would do it.

    Returns school_code → (flagged, reasons) for every school present in `rows`.
    """
    years = [year - back for back in range(1, rule.years_back + 1)]
    schools: dict[str, dict[str, list]] = {}
    for row in rows:
        school = schools.setdefault(row["school_code"], {"hits": [], "ignored": [], "seen": []})
        if row["year"] not in years or not _selected(row, rule):
            continue
        school["seen"].append(row)
        if row["participants"] < rule.min_participants:
            school["ignored"].append(row)
        elif row["mark_2"] / row["participants"] >= rule.threshold:
            school["hits"].append(row)
    return {
        code: _verdict(school, rule=rule, year=year, years=years, subject_labels=subject_labels)
        for code, school in schools.items()
    }


def _selected(row: Mapping, rule: LowResultsRule) -> bool:
    return any(
        row["kind"] == selector.kind
        and selector.subject in (None, row["subject"])
        and selector.grade in (None, row["grade"])
        for selector in rule.selectors
    )


def _order(row: Mapping) -> tuple:
    rank = _KIND_RANK.get(row["kind"], len(_KIND_RANK))
    return (-row["year"], rank, row["grade"], row["subject"])


def _verdict(school, *, rule, year, years, subject_labels) -> tuple[bool, list[str]]:
    hits = sorted(school["hits"], key=_order)
    last_year = sum(1 for row in hits if row["year"] == year - 1)
    hit_years = len({row["year"] for row in hits})
    flagged = (rule.min_hits_last_year is not None and last_year >= rule.min_hits_last_year) or (
        rule.consecutive_years is not None and hit_years >= rule.consecutive_years
    )
    reasons = [
        format_low_result_reason(
            kind=row["kind"],
            subject=row["subject"],
            grade=row["grade"],
            year=row["year"],
            twos=row["mark_2"],
            participants=row["participants"],
            threshold=rule.threshold,
            subject_labels=subject_labels,
        )
        for row in hits
    ]
    reasons += [
        format_ignored_reason(
            kind=row["kind"],
            subject=row["subject"],
            grade=row["grade"],
            year=row["year"],
            participants=row["participants"],
            min_participants=rule.min_participants,
            subject_labels=subject_labels,
        )
        for row in sorted(school["ignored"], key=_order)
    ]
    if not school["seen"]:
        reasons.append(f"нет результатов учитываемых оценочных процедур за {format_years(years)}")
    return flagged, reasons
