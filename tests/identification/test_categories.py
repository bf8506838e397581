"""Regional categories of schools on small hand-built frames: positive dynamics and context
conditions (clusters 3 and 2 of seed 003), high results (seed 000) and one category per school."""

import json

import polars as pl
import pytest

from opora.identification.categories import (
    Condition,
    ContextConditionsRule,
    HighResultsRule,
    PositiveDynamicsRule,
    assign_categories,
    context_conditions,
    high_results,
    positive_dynamics,
)
from opora.identification.engine import SHNOR_FIOCO, format_percent, identify_low_results

YEAR = 2024  # identification for 2023/24: «last year» is 2022/23, the year before is 2021/22
LAST, BEFORE = YEAR - 1, YEAR - 2

DYNAMICS = PositiveDynamicsRule("dynamics")
HIGH = HighResultsRule("high")
RISK = ContextConditionsRule(
    "risk",
    (
        Condition("is_small", "==", 1, "малокомплектная школа"),
        Condition("vacancies", ">=", 1, "вакантных ставок"),
        Condition("pupils_per_pc", ">", 10, "учеников на компьютер"),
    ),
)

SCHEMA = {
    "school_code": pl.String,
    "year": pl.Int64,
    "kind": pl.String,
    "subject": pl.String,
    "grade": pl.Int64,
    "participants": pl.Int64,
    "mark_2": pl.Int64,
    "mark_3": pl.Int64,
    "mark_4": pl.Int64,
    "mark_5": pl.Int64,
}


def result(school, kind, subject, grade, year, participants, twos, good, *, fives=0):
    """A row with `twos` «2» and `good` «4»/«5» (of them `fives` «5»); the rest are «3»."""
    return {
        "school_code": school,
        "year": year,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "participants": participants,
        "mark_2": twos,
        "mark_3": participants - twos - good,
        "mark_4": good - fives,
        "mark_5": fives,
    }


def results(*rows):
    return pl.DataFrame(list(rows), schema=SCHEMA)


def context(*rows):
    return pl.DataFrame(
        list(rows),
        schema={"school_code": pl.String, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )


def verdict(frame, school):
    return frame.filter(pl.col("school_code") == school).row(0, named=True)


def dynamics(*rows, rule=DYNAMICS, schools=("A1",), **options):
    return positive_dynamics(results(*rows), rule=rule, year=YEAR, schools=schools, **options)


def high(*rows, rule=HIGH, schools=("A1",), **options):
    return high_results(results(*rows), rule=rule, year=YEAR, schools=schools, **options)


def improved_pair(school, subject, grade=5, kind="VPR"):
    """Share of «2» 20 % → 10 %, качество 40 % → 50 %."""
    return (
        result(school, kind, subject, grade, BEFORE, 10, 2, 4),
        result(school, kind, subject, grade, LAST, 10, 1, 5),
    )


# --- Output shape ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "apply",
    [
        lambda schools: positive_dynamics(results(), rule=DYNAMICS, year=YEAR, schools=schools),
        lambda schools: high_results(results(), rule=HIGH, year=YEAR, schools=schools),
        lambda schools: context_conditions(context(), rule=RISK, schools=schools),
    ],
    ids=["dynamics", "high", "context"],
)
def test_every_rule_answers_each_school_in_scope_once_sorted_with_exact_columns(apply):
    frame = apply(["B2", "A1", "B2"])

    assert frame.columns == ["school_code", "flagged", "reasons"]
    assert frame.schema["reasons"] == pl.List(pl.String)
    assert frame["school_code"].to_list() == ["A1", "B2"]
    assert frame["flagged"].to_list() == [False, False]
    assert all(reasons[0].startswith("нет данных") for reasons in frame["reasons"])


def test_rows_of_schools_outside_the_scope_are_ignored():
    frame = dynamics(*improved_pair("Z9", "math"), *improved_pair("Z9", "rus"), schools=["A1"])

    assert frame["school_code"].to_list() == ["A1"]
    assert frame["flagged"].to_list() == [False]


def test_lazy_frames_and_integer_school_codes_are_accepted():
    rows = results(*improved_pair("101", "math"), *improved_pair("101", "rus")).with_columns(
        pl.col("school_code").cast(pl.Int64)
    )

    frame = positive_dynamics(rows.lazy(), rule=DYNAMICS, year=YEAR, schools=["101"])

    assert frame.row(0, named=True)["flagged"] is True


def test_results_without_mark_columns_are_refused():
    with pytest.raises(ValueError, match="нет столбцов: mark_4, mark_5"):
        positive_dynamics(
            results().drop("mark_4", "mark_5"), rule=DYNAMICS, year=YEAR, schools=["A1"]
        )


def test_a_repeated_assessment_is_refused():
    row = result("A1", "VPR", "math", 5, LAST, 10, 1, 5)

    with pytest.raises(ValueError, match="Несколько строк результатов школы A1"):
        high(row, row)


def test_a_bare_string_is_not_taken_for_a_list_of_schools():
    with pytest.raises(TypeError):
        high(schools="A1")


# --- Positive dynamics -------------------------------------------------------------------------


def test_improved_assessment_reads_with_twos_and_quality_of_both_years():
    frame = dynamics(
        result("A1", "VPR", "math", 5, BEFORE, 40, 5, 16),
        result("A1", "VPR", "math", 5, LAST, 80, 5, 44),
    )

    assert verdict(frame, "A1")["reasons"][1] == (
        "ВПР математика 5 кл.: доля «2» 12,5 % → 6,3 %, качество 40,0 % → 55,0 % — улучшение"
    )


def test_two_improved_and_none_worsened_flag_positive_dynamics():
    frame = dynamics(*improved_pair("A1", "math"), *improved_pair("A1", "rus", kind="OGE", grade=9))

    row = verdict(frame, "A1")
    assert row["flagged"] is True
    assert row["reasons"] == [
        "положительная динамика 2021/22 → 2022/23: улучшение — 2 из 2 сравнимых процедур"
        " (нужно не менее 2), ухудшение — 0 (допускается не более 0)",
        "ВПР математика 5 кл.: доля «2» 20,0 % → 10,0 %, качество 40,0 % → 50,0 % — улучшение",
        "ОГЭ русский язык 9 кл.: доля «2» 20,0 % → 10,0 %, качество 40,0 % → 50,0 % — улучшение",
    ]


def test_one_improved_assessment_is_short_of_the_minimum_of_two():
    frame = dynamics(*improved_pair("A1", "math"))

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"][0] == (
        "нет положительной динамики 2021/22 → 2022/23: улучшение — 1 из 1 сравнимой процедуры"
        " (нужно не менее 2), ухудшение — 0 (допускается не более 0)"
    )


def test_a_rise_in_twos_counts_as_worsened_and_blocks_positive_dynamics():
    frame = dynamics(
        *improved_pair("A1", "math"),
        *improved_pair("A1", "rus"),
        result("A1", "OGE", "math", 9, BEFORE, 10, 1, 8),
        result("A1", "OGE", "math", 9, LAST, 10, 2, 8),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert "ухудшение — 1 (допускается не более 0)" in row["reasons"][0]
    assert row["reasons"][3] == (
        "ОГЭ математика 9 кл.: доля «2» 10,0 % → 20,0 %, качество 80,0 % → 80,0 %"
        " — ухудшение: доля «2» выросла"
    )


def test_worsened_up_to_the_allowed_maximum_still_flags():
    rule = PositiveDynamicsRule("dynamics", max_worsened=1)
    frame = dynamics(
        *improved_pair("A1", "math"),
        *improved_pair("A1", "rus"),
        result("A1", "OGE", "math", 9, BEFORE, 10, 1, 8),
        result("A1", "OGE", "math", 9, LAST, 10, 2, 8),
        rule=rule,
    )

    assert verdict(frame, "A1")["flagged"] is True


def test_fewer_twos_with_lower_quality_is_not_an_improvement():
    frame = dynamics(
        *improved_pair("A1", "math"),
        result("A1", "VPR", "rus", 5, BEFORE, 10, 2, 6),
        result("A1", "VPR", "rus", 5, LAST, 10, 1, 5),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"][2] == (
        "ВПР русский язык 5 кл.: доля «2» 20,0 % → 10,0 %, качество 60,0 % → 50,0 %"
        " — без улучшения: качество снизилось"
    )


def test_fewer_twos_with_equal_quality_is_an_improvement():
    # 4 of 10 and 8 of 20 are the same 40 %: качество did not fall.
    frame = dynamics(
        *improved_pair("A1", "math"),
        result("A1", "VPR", "rus", 5, BEFORE, 10, 2, 4),
        result("A1", "VPR", "rus", 5, LAST, 20, 2, 8),
    )

    assert verdict(frame, "A1")["flagged"] is True


def test_unchanged_share_of_twos_is_neither_improved_nor_worsened():
    frame = dynamics(
        result("A1", "VPR", "rus", 5, BEFORE, 10, 1, 4),
        result("A1", "VPR", "rus", 5, LAST, 20, 2, 12),
    )

    row = verdict(frame, "A1")
    assert "улучшение — 0 из 1 сравнимой процедуры" in row["reasons"][0]
    assert "ухудшение — 0" in row["reasons"][0]
    assert row["reasons"][1].endswith("— без улучшения: доля «2» не изменилась")


def test_pair_with_exactly_the_minimum_of_participants_is_compared():
    frame = dynamics(
        result("A1", "VPR", "math", 5, BEFORE, 5, 1, 2),
        result("A1", "VPR", "math", 5, LAST, 5, 0, 3),
        result("A1", "VPR", "rus", 5, BEFORE, 5, 2, 2),
        result("A1", "VPR", "rus", 5, LAST, 5, 1, 2),
    )

    assert verdict(frame, "A1")["flagged"] is True


def test_pair_with_fewer_participants_than_the_minimum_in_either_year_is_not_counted():
    frame = dynamics(
        *improved_pair("A1", "math"),
        result("A1", "VPR", "rus", 5, BEFORE, 4, 2, 1),
        result("A1", "VPR", "rus", 5, LAST, 10, 0, 8),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert "улучшение — 1 из 1 сравнимой процедуры" in row["reasons"][0]
    assert row["reasons"][-1] == (
        "ВПР русский язык 5 кл.: 4 участника в 2021/22 — меньше минимума (5), не учитывается"
    )


def test_missing_previous_year_leaves_nothing_to_compare():
    frame = dynamics(
        result("A1", "VPR", "math", 5, LAST, 10, 0, 9),
        result("A1", "VPR", "rus", 5, LAST, 10, 0, 9),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"] == [
        "нет положительной динамики 2021/22 → 2022/23: улучшение — 0 из 0 сравнимых процедур"
        " (нужно не менее 2), ухудшение — 0 (допускается не более 0)",
        "нет данных за 2021/22: динамику не с чем сравнить",
    ]


def test_assessment_held_in_one_year_only_is_named_as_having_no_pair():
    frame = dynamics(
        *improved_pair("A1", "math"),
        *improved_pair("A1", "rus"),
        result("A1", "OGE", "math", 9, LAST, 10, 0, 9),
        result("A1", "EGE", "rus", 11, BEFORE, 10, 0, 9),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is True
    assert row["reasons"][-2:] == [
        "нет результатов за 2021/22 — не с чем сравнить: ОГЭ математика 9 кл.",
        "нет результатов за 2022/23 — не с чем сравнить: ЕГЭ русский язык 11 кл.",
    ]


def test_school_with_no_results_gets_a_no_data_reason():
    frame = dynamics(*improved_pair("A1", "math"), schools=["A1", "B2"])

    assert verdict(frame, "B2") == {
        "school_code": "B2",
        "flagged": False,
        "reasons": ["нет данных: нет результатов ВПР, ОГЭ, ЕГЭ, КДР за 2021/22 и 2022/23"],
    }


def test_dynamics_ignore_other_years_and_kinds_outside_the_rule():
    rule = PositiveDynamicsRule("dynamics", kinds=("OGE",))
    frame = dynamics(
        *improved_pair("A1", "math"),
        *improved_pair("A1", "rus"),
        result("A1", "OGE", "math", 9, YEAR - 3, 10, 5, 1),
        result("A1", "OGE", "math", 9, LAST, 10, 0, 9),
        rule=rule,
    )

    assert verdict(frame, "A1")["reasons"] == [
        "нет положительной динамики 2021/22 → 2022/23: улучшение — 0 из 0 сравнимых процедур"
        " (нужно не менее 2), ухудшение — 0 (допускается не более 0)",
        "нет данных за 2021/22: динамику не с чем сравнить",
    ]


def test_assessment_without_the_distribution_of_marks_is_not_counted():
    before = result("A1", "VPR", "math", 5, BEFORE, 10, 2, 4) | {"mark_4": None, "mark_5": None}
    frame = dynamics(before, result("A1", "VPR", "math", 5, LAST, 10, 1, 5))

    assert verdict(frame, "A1")["reasons"][-1] == (
        "ВПР математика 5 кл.: нет распределения отметок за 2021/22, не учитывается"
    )


def test_subject_labels_of_the_region_name_assessments():
    frame = dynamics(*improved_pair("A1", "bio"), subject_labels={"bio": "биология"})

    assert verdict(frame, "A1")["reasons"][1].startswith("ВПР биология 5 кл.:")


def test_percentages_agree_with_the_engine_rounding():
    frame = dynamics(
        result("A1", "VPR", "math", 5, BEFORE, 26, 9, 3),
        result("A1", "VPR", "math", 5, LAST, 7, 1, 1),
    )

    expected = (
        f"доля «2» {format_percent(9, 26)} % → {format_percent(1, 7)} %,"
        f" качество {format_percent(3, 26)} % → {format_percent(1, 7)} %"
    )
    assert expected in verdict(frame, "A1")["reasons"][1]


# --- High results ------------------------------------------------------------------------------


def test_quality_and_twos_exactly_at_the_thresholds_are_high():
    frame = high(
        result("A1", "VPR", "math", 5, LAST, 20, 1, 10),
        result("A1", "OGE", "rus", 9, LAST, 20, 1, 10),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is True
    assert row["reasons"][0] == (
        "высокие образовательные результаты в 2022/23: качество ≥ 50 % и доля «2» ≤ 5 %"
        " — по 2 из 2 учтённых процедур (нужно по всем, не менее 2)"
    )


def test_one_assessment_below_the_bar_is_named_with_the_condition_it_failed():
    frame = high(
        result("A1", "VPR", "math", 5, LAST, 20, 0, 18),
        result("A1", "VPR", "rus", 5, LAST, 20, 0, 18),
        result("A1", "OGE", "rus", 9, LAST, 20, 2, 9),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"][0].endswith("— по 2 из 3 учтённых процедур (нужно по всем, не менее 2)")
    assert row["reasons"][2] == (
        "ОГЭ русский язык 9 кл., 2022/23: качество 45,0 % < 50 %; доля «2» 10,0 % > 5 %"
    )


def test_weakest_assessment_is_named_even_when_all_pass():
    frame = high(
        result("A1", "VPR", "math", 5, LAST, 20, 0, 18),
        result("A1", "OGE", "rus", 9, LAST, 20, 0, 12),
        result("A1", "EGE", "rus", 11, LAST, 20, 1, 12),
    )

    assert verdict(frame, "A1")["reasons"][1] == (
        "слабейшая из учтённых процедур — ЕГЭ русский язык 11 кл., 2022/23:"
        " качество 60,0 %, доля «2» 5,0 %"
    )


def test_fewer_counted_assessments_than_the_minimum_do_not_make_high_results():
    frame = high(
        result("A1", "VPR", "math", 5, LAST, 20, 0, 18),
        result("A1", "VPR", "rus", 5, LAST, 4, 0, 4),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"] == [
        "нет высоких образовательных результатов в 2022/23: качество ≥ 50 % и доля «2» ≤ 5 %"
        " — по 1 из 1 учтённой процедуры (нужно по всем, не менее 2)",
        "слабейшая из учтённых процедур — ВПР математика 5 кл., 2022/23:"
        " качество 90,0 %, доля «2» 0,0 %",
        "ВПР русский язык 5 кл., 2022/23: 4 участника — меньше минимума (5), не учитывается",
    ]


def test_small_assessment_below_the_bar_does_not_spoil_high_results():
    frame = high(
        result("A1", "VPR", "math", 5, LAST, 20, 0, 18),
        result("A1", "VPR", "rus", 5, LAST, 20, 0, 18),
        result("A1", "OGE", "math", 9, LAST, 3, 3, 0),
    )

    assert verdict(frame, "A1")["flagged"] is True


def test_high_results_look_at_last_year_only():
    frame = high(
        result("A1", "VPR", "math", 5, BEFORE, 20, 0, 18),
        result("A1", "VPR", "rus", 5, BEFORE, 20, 0, 18),
    )

    assert verdict(frame, "A1")["reasons"] == [
        "нет данных: нет результатов ВПР, ОГЭ, ЕГЭ, КДР за 2022/23"
    ]


# --- Context conditions ------------------------------------------------------------------------


def test_met_conditions_read_as_yes_or_as_a_comparison():
    frame = context_conditions(
        context(("A1", "is_small", 1.0), ("A1", "vacancies", 2.0), ("A1", "pupils_per_pc", 12.5)),
        rule=RISK,
        schools=["A1"],
    )

    assert verdict(frame, "A1") == {
        "school_code": "A1",
        "flagged": True,
        "reasons": [
            "выполнено условий: 3 из 3 (нужно не менее 1)",
            "малокомплектная школа: да",
            "вакантных ставок: 2 ≥ 1",
            "учеников на компьютер: 12,5 > 10",
        ],
    }


def test_unmet_conditions_say_what_was_needed():
    frame = context_conditions(
        context(("A1", "is_small", 0.0), ("A1", "vacancies", 0.0), ("A1", "pupils_per_pc", 10.0)),
        rule=RISK,
        schools=["A1"],
    )

    assert verdict(frame, "A1")["reasons"] == [
        "выполнено условий: 0 из 3 (нужно не менее 1)",
        "малокомплектная школа: нет — не выполнено",
        "вакантных ставок: 0, нужно ≥ 1 — не выполнено",
        "учеников на компьютер: 10, нужно > 10 — не выполнено",
    ]


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [
        (">=", 1.0, True),
        ("<=", 1.0, True),
        ("==", 1.0, True),
        (">", 1.0, False),
        ("<", 1.0, False),
        (">", 0.999, True),
        ("<", 1.001, True),
    ],
)
def test_each_comparison_is_inclusive_or_strict_as_written(op, value, holds):
    rule = ContextConditionsRule("r", (Condition("vacancies", op, value, "вакансий"),))
    frame = context_conditions(context(("A1", "vacancies", 1.0)), rule=rule, schools=["A1"])

    assert verdict(frame, "A1")["flagged"] is holds


def test_float_noise_does_not_decide_a_condition_at_its_boundary():
    rule = ContextConditionsRule("r", (Condition("share", ">=", 0.3, "доля"),))
    frame = context_conditions(context(("A1", "share", 0.1 + 0.2)), rule=rule, schools=["A1"])

    assert verdict(frame, "A1")["flagged"] is True


def test_missing_indicator_does_not_hold_and_min_met_counts_the_rest():
    rule = ContextConditionsRule("risk", RISK.conditions, min_met=2)
    frame = context_conditions(
        context(("A1", "is_small", 1.0), ("A1", "vacancies", 1.0), ("B2", "is_small", 1.0)),
        rule=rule,
        schools=["A1", "B2"],
    )

    assert verdict(frame, "A1")["flagged"] is True
    assert verdict(frame, "A1")["reasons"][-1] == "учеников на компьютер: нет данных — не выполнено"
    assert verdict(frame, "B2")["flagged"] is False
    assert verdict(frame, "B2")["reasons"] == [
        "выполнено условий: 1 из 3 (нужно не менее 2)",
        "малокомплектная школа: да",
        "вакантных ставок: нет данных — не выполнено",
        "учеников на компьютер: нет данных — не выполнено",
    ]


def test_null_value_is_missing_data():
    frame = context_conditions(
        context(("A1", "is_small", None), ("A1", "vacancies", 3.0)), rule=RISK, schools=["A1"]
    )

    assert verdict(frame, "A1")["reasons"][1] == "малокомплектная школа: нет данных — не выполнено"


def test_school_with_none_of_the_indicators_gets_a_no_data_reason():
    frame = context_conditions(
        context(("A1", "is_small", 1.0), ("B2", "other", 5.0)), rule=RISK, schools=["A1", "B2"]
    )

    assert verdict(frame, "B2")["reasons"] == [
        "нет данных: нет ни одного показателя условий"
        " (малокомплектная школа, вакантных ставок, учеников на компьютер)"
    ]


def test_condition_without_a_label_uses_the_indicator_label():
    rule = ContextConditionsRule("r", (Condition("teachers_60plus", ">=", 0.25),))
    frame = context_conditions(
        context(("A1", "teachers_60plus", 0.4)),
        rule=rule,
        schools=["A1"],
        indicator_labels={"teachers_60plus": "доля учителей старше 60 лет"},
    )

    assert verdict(frame, "A1")["reasons"][1] == "доля учителей старше 60 лет: 0,4 ≥ 0,25"


def test_two_values_of_one_indicator_are_refused():
    with pytest.raises(ValueError, match="Несколько значений показателя «vacancies» у школы A1"):
        context_conditions(
            context(("A1", "vacancies", 1.0), ("A1", "vacancies", 2.0)), rule=RISK, schools=["A1"]
        )


# --- Categories --------------------------------------------------------------------------------


def flags(*rows):
    """A verdict frame from (school, flagged, reasons) rows."""
    return pl.DataFrame(
        list(rows),
        schema={"school_code": pl.String, "flagged": pl.Boolean, "reasons": pl.List(pl.String)},
        orient="row",
    )


def test_school_flagged_by_two_categories_takes_the_first_in_priority_order():
    shnor = flags(("A1", True, ["доля «2» высока"]), ("B2", False, []))
    risk = flags(("A1", True, ["малокомплектная школа: да"]), ("B2", True, ["вакансии"]))

    frame = assign_categories([("ШНОР", shnor), ("зона риска", risk)], schools=["A1", "B2"])

    assert frame.to_dicts() == [
        {"school_code": "A1", "category": "ШНОР", "reasons": ["доля «2» высока"]},
        {"school_code": "B2", "category": "зона риска", "reasons": ["вакансии"]},
    ]


def test_reversing_the_priority_reverses_the_choice():
    shnor = flags(("A1", True, ["ШНОР"]))
    risk = flags(("A1", True, ["риск"]))

    frame = assign_categories([("зона риска", risk), ("ШНОР", shnor)], schools=["A1"])

    assert frame.row(0, named=True)["category"] == "зона риска"


def test_school_in_no_category_gets_null_and_every_category_reasons():
    shnor = flags(("A1", False, ["нет долей «2» ≥ 30 %"]))
    risk = flags(("A1", False, ["выполнено условий: 0 из 3", "вакансий: 0"]))

    frame = assign_categories([("ШНОР", shnor), ("зона риска", risk)], schools=["A1"])

    assert frame.to_dicts() == [
        {
            "school_code": "A1",
            "category": None,
            "reasons": [
                "не отнесена ни к одной категории: не выполнены правила категорий"
                " «ШНОР», «зона риска»",
                "«ШНОР»: нет долей «2» ≥ 30 %",
                "«зона риска»: выполнено условий: 0 из 3",
                "«зона риска»: вакансий: 0",
            ],
        }
    ]


def test_school_in_no_category_gets_the_default_category():
    risk = flags(("A1", True, ["риск"]), ("B2", False, []))

    frame = assign_categories(
        [("зона риска", risk)], schools=["A1", "B2", "C3"], default="профилактика"
    )

    assert frame["category"].to_list() == ["зона риска", "профилактика", "профилактика"]
    assert frame.row(2, named=True)["reasons"] == [
        "категория по умолчанию «профилактика»: не выполнены правила категорий «зона риска»"
    ]


def test_categories_combine_verdicts_of_every_rule_kind():
    rows = results(
        result("A1", "VPR", "math", 5, LAST, 20, 8, 2),
        result("A1", "VPR", "rus", 5, LAST, 20, 7, 2),
        result("B2", "VPR", "math", 5, LAST, 20, 0, 16),
        result("B2", "VPR", "rus", 5, LAST, 20, 1, 12),
    )
    schools = ["A1", "B2", "C3"]
    categories = [
        (
            "высокие образовательные результаты",
            high_results(rows, rule=HIGH, year=YEAR, schools=schools),
        ),
        ("ШНОР", identify_low_results(rows, rule=SHNOR_FIOCO, year=YEAR, schools=schools)),
        (
            "зона риска",
            context_conditions(context(("C3", "is_small", 1.0)), rule=RISK, schools=schools),
        ),
    ]

    frame = assign_categories(categories, schools=schools)

    assert frame["category"].to_list() == [
        "ШНОР",
        "высокие образовательные результаты",
        "зона риска",
    ]
    assert frame.row(0, named=True)["reasons"][0].startswith(
        "ВПР математика 5 кл., 2022/23: 40,0 %"
    )


def test_repeated_category_names_are_refused():
    with pytest.raises(ValueError, match="повторяются"):
        assign_categories([("ШНОР", flags()), ("ШНОР", flags())], schools=["A1"])


def test_without_categories_every_school_gets_the_default():
    frame = assign_categories([], schools=["A1"], default="прочие")

    assert frame.to_dicts() == [
        {
            "school_code": "A1",
            "category": "прочие",
            "reasons": ["категория по умолчанию «прочие»: категории не заданы"],
        }
    ]


# --- Parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        PositiveDynamicsRule("dynamics", min_improved=3, max_worsened=1, kinds=("VPR", "KDR")),
        HighResultsRule("high", min_quality=0.6, max_twos=0.0, min_assessments=3),
        ContextConditionsRule("risk", RISK.conditions, min_met=2),
    ],
    ids=["dynamics", "high", "context"],
)
def test_rule_parameters_survive_a_json_round_trip(rule):
    params = json.loads(json.dumps(rule.to_params(), ensure_ascii=False))

    assert type(rule).from_params(params) == rule


def test_context_rule_parameters_are_plain_json():
    assert RISK.to_params() == {
        "code": "risk",
        "conditions": [
            {"indicator": "is_small", "op": "==", "value": 1.0, "label": "малокомплектная школа"},
            {"indicator": "vacancies", "op": ">=", "value": 1.0, "label": "вакантных ставок"},
            {
                "indicator": "pupils_per_pc",
                "op": ">",
                "value": 10.0,
                "label": "учеников на компьютер",
            },
        ],
        "min_met": 1,
    }


@pytest.mark.parametrize(
    "make",
    [
        lambda: Condition("vacancies", "=>", 1),
        lambda: ContextConditionsRule("r", RISK.conditions, min_met=4),
        lambda: ContextConditionsRule("r", ()),
        lambda: PositiveDynamicsRule("d", min_improved=0),
        lambda: PositiveDynamicsRule("d", kinds=()),
        lambda: HighResultsRule("h", min_quality=1.5),
        lambda: HighResultsRule("h", min_participants=0),
    ],
)
def test_invalid_parameters_are_refused(make):
    with pytest.raises(ValueError):
        make()
