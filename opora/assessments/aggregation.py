"""Aggregation of student-level results to school results, so that no personal data is stored
(152-ФЗ). Pure polars, no Django: the import service and the benchmark share it.
"""

from __future__ import annotations

import polars as pl

KEYS = ("school_code", "year", "kind", "subject", "grade")
MARKS = (2, 3, 4, 5)
JOURNAL_COLUMNS = ("journal_lowered", "journal_confirmed", "journal_raised")
OUTPUT_COLUMNS = (*KEYS, "participants", *(f"mark_{mark}" for mark in MARKS), *JOURNAL_COLUMNS)


def aggregate_student_results(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One row per school × year × kind × subject × grade from validated student rows.

    Input: school_code, year, kind (or `assessment`, its name in the import file), subject, grade,
    mark (2–5) and optionally journal_mark (nullable); other columns (student_id, primary_score)
    are dropped. Output: the keys, participants (rows), mark_2 … mark_5 and the comparison with the
    journal over rows that have a journal mark — journal_lowered (mark below it), journal_confirmed,
    journal_raised; these three are null when the input has no journal_mark column. Row order is
    unspecified: sorting 600,000 groups would cost a third of the time and no caller needs it.
    """
    lazy = frame.lazy()
    names = lazy.collect_schema().names()
    if "kind" not in names and "assessment" in names:
        lazy, names = lazy.rename({"assessment": "kind"}), [*names, "kind"]
    missing = [name for name in (*KEYS, "mark") if name not in names]
    if missing:
        raise ValueError(f"Во входных данных нет столбцов: {', '.join(missing)}")
    mark = pl.col("mark")
    counts = [pl.len().alias("participants")]
    counts += [(mark == value).sum().alias(f"mark_{value}") for value in MARKS]
    return (
        lazy.group_by(KEYS)
        .agg(*counts, *_journal_counts(has_journal="journal_mark" in names))
        .select(
            pl.col("school_code").cast(pl.String),
            pl.col("year", "grade").cast(pl.Int64),
            pl.col("kind", "subject").cast(pl.String),
            pl.col("participants", *(f"mark_{value}" for value in MARKS)).cast(pl.Int64),
            pl.col(*JOURNAL_COLUMNS).cast(pl.Int64),
        )
        .select(OUTPUT_COLUMNS)
        .collect(engine="streaming")
    )


def _journal_counts(*, has_journal: bool) -> list[pl.Expr]:
    if not has_journal:
        return [pl.lit(None, dtype=pl.Int64).alias(name) for name in JOURNAL_COLUMNS]
    # A comparison with a missing journal mark is null, and sum() skips nulls: such rows
    # count as participants but not in the comparison.
    mark, journal = pl.col("mark"), pl.col("journal_mark")
    return [
        (mark < journal).sum().alias("journal_lowered"),
        (mark == journal).sum().alias("journal_confirmed"),
        (mark > journal).sum().alias("journal_raised"),
    ]
