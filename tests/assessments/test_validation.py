"""Checking result rows before they are stored: counts that no database column holds are
refused with their row and column, not left to overflow."""

import polars as pl

from opora.assessments.validation import SCHOOL_LEVEL, check_school_rows
from opora.tabular import ROW


def school_rows(*counts: str) -> pl.DataFrame:
    keys = ["a1", "2023", "ВПР", "math", "5"]
    return pl.DataFrame(
        {**dict(zip(SCHOOL_LEVEL, [[v] for v in [*keys, *counts]], strict=True)), ROW: [2]}
    )


def problems(frame: pl.DataFrame) -> list[str]:
    return [
        str(p) for p in check_school_rows(frame, school_codes=["a1"], subject_codes=["math"])[1]
    ]


def test_counts_beyond_any_integer_column_are_refused_with_row_and_column():
    assert problems(school_rows("99999999999999999999", "0", "0", "0", "0")) == [
        "строка 2, столбец «participants»: слишком большое число "
        "«99999999999999999999»: допустимо не больше 2147483647",
    ]


def test_counts_whose_sum_would_wrap_around_are_refused():
    huge = str(2**63 - 1)
    assert problems(school_rows("0", huge, huge, "2", "0")) == [
        f"строка 2, столбец «mark_2»: слишком большое число «{huge}»: "
        "допустимо не больше 2147483647",
        f"строка 2, столбец «mark_3»: слишком большое число «{huge}»: "
        "допустимо не больше 2147483647",
    ]


def test_the_largest_count_a_column_holds_is_accepted():
    assert problems(school_rows("2147483647", "2147483647", "0", "0", "0")) == []


def test_an_empty_or_malformed_count_is_still_refused():
    assert problems(school_rows("", "X", "0", "0", "0")) == [
        "строка 2, столбец «participants»: ожидается целое неотрицательное число, а не «»",
        "строка 2, столбец «mark_2»: ожидается целое неотрицательное число, а не «X»",
    ]
