"""The identification list as a table, the same for `manage.py identify` and the page export."""

from collections.abc import Iterable, Iterator

import polars as pl

from opora.columnar import read_frame
from opora.registry.models import School

COLUMNS = ["school_code", "school_name", "flagged", "rule", "reasons"]


def verdict_table(verdicts: pl.DataFrame | None, *, rule_code: str) -> pl.DataFrame:
    """school_code, school_name, flagged (1/0), rule, reasons joined by «; »."""
    if verdicts is None or verdicts.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String))
    # The names joined as columns: a list of 40,000 codes in the query took longer than reading
    # every school's name.
    names = read_frame(
        School.objects.values_list("code", "short_name"),
        {"school_code": pl.String, "school_name": pl.String},
    )
    return verdicts.join(names, on="school_code", how="left", maintain_order="left").select(
        "school_code",
        "school_name",
        pl.col("flagged").cast(pl.Int8),
        rule=pl.lit(rule_code),
        reasons=pl.col("reasons").list.join("; "),
    )


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
