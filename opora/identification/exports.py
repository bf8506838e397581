"""The identification list as a table, the same for `manage.py identify` and the page export."""

from collections.abc import Iterable, Iterator

import polars as pl

from opora.columnar import read_frame
from opora.registry.models import School

COLUMNS = ["school_code", "school_name", "flagged", "rule", "reasons"]


def verdict_rows(verdicts: pl.DataFrame | None, *, rule_code: str) -> Iterator[list]:
    """Header, then school_code, school_name, flagged (1/0), rule, reasons joined by «; »."""
    yield COLUMNS
    if verdicts is None or verdicts.is_empty():
        return
    # The names joined as columns: a list of 40,000 codes in the query took longer than reading
    # every school's name.
    names = read_frame(
        School.objects.values_list("code", "short_name"),
        {"school_code": pl.String, "school_name": pl.String},
    )
    rows = verdicts.join(names, on="school_code", how="left", maintain_order="left").select(
        "school_code",
        "school_name",
        pl.col("flagged").cast(pl.Int8),
        pl.col("reasons").list.join("; "),
    )
    for code, name, flagged, reasons in rows.iter_rows():
        yield [code, name, flagged, rule_code, reasons]


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
