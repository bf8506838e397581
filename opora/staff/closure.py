"""Whether an ИОМ closed the deficits it addressed, judged by the diagnostics that followed.

Pure functions of plain values, so the page, the indicator and the tests use one rule:
a deficit is closed when, after the latest diagnostic that found it, the teacher took another
diagnostic in the same subject that did not find it. Found and not re-diagnosed: still open.
Never found by a diagnostic (chosen from a self-assessment): open until a diagnostic confirms it.
"""

import datetime
from dataclasses import dataclass

CLOSED, OPEN, NOT_DIAGNOSED = "closed", "open", "not_diagnosed"
LABELS = {
    CLOSED: "устранён",
    OPEN: "не подтверждено повторной диагностикой",
    NOT_DIAGNOSED: "диагностикой не выявлялся",
}


@dataclass(frozen=True)
class Finding:
    """One diagnostic of the teacher: when, in which subject, which deficits it found."""

    taken_on: datetime.date
    subject_id: int | None
    deficit_ids: frozenset[int]


@dataclass(frozen=True)
class Closure:
    deficit_id: int
    status: str
    found_on: datetime.date | None
    checked_on: datetime.date | None  # the later diagnostic that no longer found it


def deficit_closure(deficit_id: int, findings: list[Finding]) -> Closure:
    found = [f for f in findings if deficit_id in f.deficit_ids]
    if not found:
        return Closure(deficit_id, NOT_DIAGNOSED, None, None)
    last = max(found, key=lambda f: f.taken_on)
    later = [
        f
        for f in findings
        if f.taken_on > last.taken_on
        and (f.subject_id == last.subject_id or None in (f.subject_id, last.subject_id))
    ]
    if later:
        return Closure(deficit_id, CLOSED, last.taken_on, min(f.taken_on for f in later))
    return Closure(deficit_id, OPEN, last.taken_on, None)


def route_closure(deficit_ids: list[int], findings: list[Finding]) -> list[Closure]:
    return [deficit_closure(d, findings) for d in deficit_ids]
