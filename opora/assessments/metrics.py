"""Derived figures of results, the same everywhere: доля «2», успеваемость (3+4+5), качество
знаний (4+5) in percent, and the average mark. Pure polars; SchoolResult has the one-row twins.
"""

import polars as pl

MARK_COUNTS = ["participants", "mark_2", "mark_3", "mark_4", "mark_5"]  # what they are made of
METRICS = {
    "twos": "доля «2»",
    "success": "успеваемость",
    "quality": "качество знаний",
    "average": "средняя отметка",
}
# For colouring: a rise of доля «2» is bad, a rise of the others is good.
HIGHER_IS_WORSE = {"twos": True, "success": False, "quality": False, "average": False}


def with_metrics(results: pl.DataFrame) -> pl.DataFrame:
    """Adds twos, success, quality (percent) and average; null where nobody took part."""
    participants = pl.when(pl.col("participants") > 0).then(pl.col("participants"))
    marks = [pl.col(f"mark_{m}") for m in (2, 3, 4, 5)]
    return results.with_columns(
        twos=100 * marks[0] / participants,
        success=100 * (marks[1] + marks[2] + marks[3]) / participants,
        quality=100 * (marks[2] + marks[3]) / participants,
        average=(2 * marks[0] + 3 * marks[1] + 4 * marks[2] + 5 * marks[3]) / participants,
    )


def with_change(results: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """Results of `year` with each metric's change from `year − 1` (percentage points)."""
    keys = ["school_code", "kind", "subject", "grade"]
    measured = with_metrics(results)
    current = measured.filter(pl.col("year") == year)
    previous = measured.filter(pl.col("year") == year - 1).select(
        *keys, *[pl.col(m).alias(f"{m}_before") for m in METRICS]
    )
    return current.join(previous, on=keys, how="left").with_columns(
        *[(pl.col(m) - pl.col(f"{m}_before")).alias(f"{m}_change") for m in METRICS]
    )
