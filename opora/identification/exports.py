"""The identification list as a table, the same for `manage.py identify` and the page export."""

from collections.abc import Iterable, Iterator

import polars as pl

from opora.registry.models import School

COLUMNS = ["school_code", "school_name", "flagged", "rule", "reasons"]


def verdict_rows(verdicts: pl.DataFrame | None, *, rule_code: str) -> Iterator[list]:
    """Header, then school_code, school_name, flagged (1/0), rule, reasons joined by «; »."""
    yield COLUMNS
    if verdicts is None or verdicts.is_empty():
        return
    names = dict(
        School.objects.filter(code__in=verdicts["school_code"].to_list()).values_list(
            "code", "short_name"
        )
    )
    for code, flagged, reasons in verdicts.select("school_code", "flagged", "reasons").iter_rows():
        yield [code, names[code], int(flagged), rule_code, "; ".join(reasons)]


WARNING_COLUMNS = [
    "place",
    "school_code",
    "school_name",
    "municipality",
    "probability_percent",
    "reasons",
]


def warning_rows(entries: Iterable) -> Iterator[list]:
    """«Группа риска на следующий год» as a table: place, school, municipality, the estimated
    chance in percent and the reasons joined by «; »."""
    yield WARNING_COLUMNS
    for entry in entries:
        yield [
            entry.rank,
            entry.school.code,
            entry.school.short_name,
            entry.school.municipality.name,
            entry.percent,
            "; ".join(entry.reasons),
        ]
