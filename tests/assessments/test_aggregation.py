"""Aggregation of a student-level import file to school results, without personal data."""

import random
from collections import Counter

import polars as pl
import pytest

from opora.assessments.aggregation import OUTPUT_COLUMNS, aggregate_student_results

SCHEMA = {
    "school_code": pl.String,
    "year": pl.Int64,
    "assessment": pl.String,
    "subject": pl.String,
    "grade": pl.Int64,
    "student_id": pl.String,
    "primary_score": pl.Int64,
    "mark": pl.Int64,
    "journal_mark": pl.Int64,
}


def students(*rows, journal=True):
    """Rows (school, assessment, subject, grade, mark, journal_mark) of 2023 in the file format."""
    frame = pl.DataFrame(
        [
            {
                "school_code": school,
                "year": 2023,
                "assessment": assessment,
                "subject": subject,
                "grade": grade,
                "student_id": f"st-{number}",
                "primary_score": 10 + number,
                "mark": mark,
                "journal_mark": journal_mark,
            }
            for number, (school, assessment, subject, grade, mark, journal_mark) in enumerate(rows)
        ],
        schema=SCHEMA,
    )
    return frame if journal else frame.drop("journal_mark")


def aggregated(frame):
    return aggregate_student_results(frame).sort("school_code", "kind", "subject", "grade")


def test_counts_participants_and_marks_per_school_assessment_and_grade():
    frame = aggregated(
        students(
            ("A1", "VPR", "math", 5, 2, None),
            ("A1", "VPR", "math", 5, 2, None),
            ("A1", "VPR", "math", 5, 3, None),
            ("A1", "VPR", "math", 5, 5, None),
            ("A1", "VPR", "math", 6, 4, None),
            ("B7", "OGE", "rus", 9, 4, None),
        )
    )

    assert frame.select(
        "school_code",
        "kind",
        "subject",
        "grade",
        "participants",
        "mark_2",
        "mark_3",
        "mark_4",
        "mark_5",
    ).rows() == [
        ("A1", "VPR", "math", 5, 4, 2, 1, 0, 1),
        ("A1", "VPR", "math", 6, 1, 0, 0, 1, 0),
        ("B7", "OGE", "rus", 9, 1, 0, 0, 1, 0),
    ]


def test_vpr_marks_are_compared_with_journal_marks():
    frame = aggregated(
        students(
            ("A1", "VPR", "rus", 5, 2, 3),  # понизили
            ("A1", "VPR", "rus", 5, 3, 4),  # понизили
            ("A1", "VPR", "rus", 5, 4, 4),  # подтвердили
            ("A1", "VPR", "rus", 5, 5, 4),  # повысили
        )
    )

    assert frame.select("journal_lowered", "journal_confirmed", "journal_raised").row(0) == (
        2,
        1,
        1,
    )


def test_students_without_a_journal_mark_count_as_participants_only():
    frame = aggregated(students(("A1", "VPR", "rus", 5, 4, 4), ("A1", "VPR", "rus", 5, 2, None)))

    assert frame.select(
        "participants", "journal_lowered", "journal_confirmed", "journal_raised"
    ).row(0) == (2, 0, 1, 0)


def test_journal_comparison_is_null_when_the_file_has_no_journal_column():
    frame = aggregated(students(("A1", "VPR", "rus", 5, 4, None), journal=False))

    assert frame.select("journal_lowered", "journal_confirmed", "journal_raised").row(0) == (
        None,
        None,
        None,
    )
    assert frame["journal_lowered"].dtype == pl.Int64


def test_no_personal_data_is_kept():
    frame = aggregated(students(("A1", "VPR", "rus", 5, 4, 4)))

    assert frame.columns == list(OUTPUT_COLUMNS)
    assert "student_id" not in frame.columns
    assert "primary_score" not in frame.columns


def test_kind_column_may_be_named_kind_or_assessment():
    file_format = students(("A1", "EGE", "math_prof", 11, 2, None))

    assert aggregated(file_format).equals(aggregated(file_format.rename({"assessment": "kind"})))


def test_lazy_input_is_aggregated_the_same_way():
    frame = students(("A1", "VPR", "rus", 5, 4, 4), ("A1", "VPR", "rus", 5, 2, 3))

    assert aggregated(frame.lazy()).equals(aggregated(frame))


def test_output_has_stable_types_even_when_empty():
    frame = aggregate_student_results(students())

    assert frame.height == 0
    assert frame.schema == pl.Schema(
        {
            "school_code": pl.String,
            "year": pl.Int64,
            "kind": pl.String,
            "subject": pl.String,
            "grade": pl.Int64,
            **{name: pl.Int64 for name in OUTPUT_COLUMNS[5:]},
        }
    )


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="grade"):
        aggregate_student_results(students(("A1", "VPR", "rus", 5, 4, 4)).drop("grade"))


def test_aggregation_agrees_with_counting_by_hand_on_random_rows():
    rng = random.Random(7)
    rows = [
        (
            rng.choice(["A1", "A2", "B7"]),
            rng.choice(["VPR", "OGE"]),
            rng.choice(["rus", "math"]),
            rng.choice([5, 9]),
            rng.randint(2, 5),
            rng.choice([None, 2, 3, 4, 5]),
        )
        for _ in range(2_000)
    ]

    frame = aggregate_student_results(students(*rows))

    counted = Counter()
    for school, kind, subject, grade, mark, journal_mark in rows:
        key = (school, kind, subject, grade)
        counted[key, "participants"] += 1
        counted[key, f"mark_{mark}"] += 1
        if journal_mark is not None:
            outcome = (
                "lowered"
                if mark < journal_mark
                else "raised"
                if mark > journal_mark
                else "confirmed"
            )
            counted[key, f"journal_{outcome}"] += 1
    for row in frame.to_dicts():
        key = (row["school_code"], row["kind"], row["subject"], row["grade"])
        for column in OUTPUT_COLUMNS[5:]:
            assert row[column] == counted[key, column], (key, column)
        assert row["participants"] == sum(row[f"mark_{mark}"] for mark in (2, 3, 4, 5))
    assert frame.height == len({key for key, _ in counted})


def test_school_codes_read_as_numbers_come_back_as_text():
    frame = students(("101", "VPR", "rus", 5, 4, 4), ("7", "VPR", "rus", 5, 2, None))
    numeric = frame.with_columns(pl.col("school_code").cast(pl.Int64))

    assert aggregated(numeric)["school_code"].to_list() == ["101", "7"]
    assert aggregated(numeric).drop("school_code").equals(aggregated(frame).drop("school_code"))


def test_each_call_numbers_its_own_values():
    # Codes are given per call: a school first met in one file must not take another's number.
    first = aggregated(students(("A1", "VPR", "rus", 5, 2, None), ("B7", "VPR", "rus", 5, 5, None)))
    second = aggregated(students(("B7", "OGE", "math", 9, 3, None), ("C3", "VPR", "rus", 6, 4, 4)))

    assert first.select("school_code", "mark_2", "mark_5").rows() == [("A1", 1, 0), ("B7", 0, 1)]
    assert second.select("school_code", "kind", "grade", "mark_3", "mark_4").rows() == [
        ("B7", "OGE", 9, 1, 0),
        ("C3", "VPR", 6, 0, 1),
    ]


def test_a_missing_key_value_is_refused_not_merged_into_another_group():
    frame = students(("A1", "VPR", "rus", 5, 4, 4), ("A2", "VPR", "rus", 5, 4, 4))

    with pytest.raises(ValueError, match="пустые значения в столбцах: subject"):
        aggregate_student_results(frame.with_columns(subject=pl.lit(None, pl.String)))
