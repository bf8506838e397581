"""Dynamics on hand-built frames: changes in percentage points and pooled group figures."""

import polars as pl
import pytest

from opora.monitoring import dynamics


def results(rows):
    return pl.DataFrame(
        rows,
        schema=["school_code", "year", "kind", "subject", "grade", "participants",
                "mark_2", "mark_3", "mark_4", "mark_5"],
        orient="row",
    )  # fmt: skip


def test_change_is_in_percentage_points_from_the_year_before():
    frame = results([
        ("a", 2022, "OGE", "rus", 9, 10, 0, 4, 4, 2),
        ("a", 2023, "OGE", "rus", 9, 11, 0, 9, 1, 1),
    ])  # fmt: skip
    row = dynamics.school_dynamics(frame, year=2023).row(0, named=True)
    assert row["quality"] == pytest.approx(100 * 2 / 11)
    assert row["quality_change"] == pytest.approx(100 * 2 / 11 - 60)  # seed 000: «на 42%»
    assert row["success_change"] == pytest.approx(0)


def test_a_school_without_last_year_has_no_change():
    frame = results([("a", 2023, "VPR", "math", 5, 8, 2, 3, 2, 1)])
    row = dynamics.school_dynamics(frame, year=2023).row(0, named=True)
    assert row["twos"] == 25
    assert row["twos_change"] is None


def test_groups_pool_counts_instead_of_averaging_shares():
    frame = results([
        ("small", 2023, "VPR", "math", 5, 2, 2, 0, 0, 0),    # 100 % «2»
        ("big", 2023, "VPR", "math", 5, 98, 0, 50, 40, 8),   # 0 % «2»
    ])  # fmt: skip
    pooled = dynamics.pooled_dynamics(
        frame, year=2023, groups={"район": ["small", "big"], "пусто": []}
    )
    assert pooled["school_code"].to_list() == ["район"]
    assert pooled.row(0, named=True)["twos"] == pytest.approx(2.0)  # not (100 + 0) / 2


def test_sentence_uses_the_words_of_the_report():
    row = {"quality": 20.0, "quality_before": 62.0, "success": 100.0, "success_before": 90.0,
           "twos": 0.0, "twos_before": 0.0}  # fmt: skip
    text = dynamics.change_sentence(row, subject_label="русский язык", assessment_label="ОГЭ")
    assert text == (
        "ОГЭ: качество знаний снизилось на 42,0 п. п.; успеваемость достигла 100 %; "
        "доля «2» не изменилась"
    )


def test_assessments_come_in_the_order_of_the_tables():
    frame = results([
        ("a", 2023, "OGE", "rus", 9, 1, 0, 1, 0, 0),
        ("a", 2023, "VPR", "rus", 6, 1, 0, 1, 0, 0),
        ("a", 2023, "VPR", "math", 5, 1, 0, 1, 0, 0),
    ])  # fmt: skip
    assert dynamics.assessments_of(frame) == [
        ("VPR", "math", 5), ("VPR", "rus", 6), ("OGE", "rus", 9)
    ]  # fmt: skip
