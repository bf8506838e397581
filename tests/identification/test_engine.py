"""The identification engine on small hand-built frames: ШНОР by low results (seed 003, section
2.1), the social-context index of ШНСУ and signs of non-objective ВПР."""

import random
from decimal import Decimal

import polars as pl
import pytest

from opora.identification.engine import (
    SHNOR_EXTENDED,
    SHNOR_FIOCO,
    AssessmentSelector,
    LowResultsRule,
    ObjectivityRule,
    SocialIndexRule,
    format_ignored_reason,
    format_low_result_reason,
    format_percent,
    format_threshold,
    identify_low_results,
    objectivity_flags,
    social_index,
)
from opora.words import agree  # noqa: E402

YEAR = 2024  # identification for 2023/24: «last year» is 2022/23, the year before is 2021/22
LAST, BEFORE = YEAR - 1, YEAR - 2


def result(school, kind, subject, grade, year, participants, twos):
    return {
        "school_code": school,
        "year": year,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "participants": participants,
        "mark_2": twos,
    }


def results(*rows):
    schema = {
        "school_code": pl.String,
        "year": pl.Int64,
        "kind": pl.String,
        "subject": pl.String,
        "grade": pl.Int64,
        "participants": pl.Int64,
        "mark_2": pl.Int64,
    }
    return pl.DataFrame(list(rows), schema=schema)


def verdict(frame, school):
    return frame.filter(pl.col("school_code") == school).row(0, named=True)


def identify(*rows, rule=SHNOR_FIOCO, **options):
    return identify_low_results(results(*rows), rule=rule, year=YEAR, **options)


# --- ШНОР by low results ---------------------------------------------------------------------


def test_reason_names_assessment_year_share_and_counts():
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 26, 9),
        result("A1", "OGE", "rus", 9, LAST, 10, 3),
    )

    assert verdict(frame, "A1")["reasons"] == [
        "ВПР математика 5 кл., 2022/23: 34,6 % «2» (9 из 26) ≥ 30 %",
        "ОГЭ русский язык 9 кл., 2022/23: 30,0 % «2» (3 из 10) ≥ 30 %",
    ]


def test_share_of_exactly_30_percent_is_low():
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 10, 3),
        result("A1", "VPR", "rus", 5, LAST, 20, 6),
    )

    assert verdict(frame, "A1")["flagged"] is True
    assert verdict(frame, "A1")["hits_last_year"] == 2


def test_share_of_29_99_percent_is_not_low():
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 10_000, 2_999),
        result("A1", "VPR", "rus", 5, LAST, 10_000, 2_999),
    )

    assert verdict(frame, "A1")["flagged"] is False
    assert verdict(frame, "A1")["reasons"] == []


def test_threshold_is_compared_without_float_error():
    # 0.07 * 100 is 7.000000000000001 in floats; 7 of 100 must still reach a 7 % threshold.
    rule = LowResultsRule(code="r", title="r", selectors=SHNOR_FIOCO.selectors, threshold=0.07)
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 100, 7),
        result("A1", "VPR", "rus", 5, LAST, 100, 7),
        rule=rule,
    )

    assert verdict(frame, "A1")["flagged"] is True
    assert verdict(frame, "A1")["reasons"][0].endswith("7,0 % «2» (7 из 100) ≥ 7 %")


def test_two_hits_in_last_year_flag_the_school():
    frame = identify(
        result("A1", "OGE", "math", 9, LAST, 40, 14),
        result("A1", "EGE", "math_prof", 11, LAST, 12, 4),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is True
    assert row["summary"].startswith(
        "2 процедуры с долей «2» ≥ 30 % в 2022/23 (нужно не менее 2) — выполнено"
    )


def test_one_hit_in_each_of_the_two_previous_years_flags_the_school():
    frame = identify(
        result("A1", "VPR", "math", 6, LAST, 25, 10),
        result("A1", "VPR", "rus", 6, BEFORE, 25, 8),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is True
    assert row["hits_last_year"] == 1
    assert row["years_with_hits"] == 2
    assert row["summary"].endswith("в 2 из 2 лет (2021/22–2022/23, нужно в каждом) — выполнено")


def test_one_hit_in_last_year_alone_does_not_flag():
    frame = identify(
        result("A1", "VPR", "math", 6, LAST, 25, 10),
        result("A1", "VPR", "rus", 6, LAST, 25, 2),
        result("A1", "VPR", "rus", 6, BEFORE, 25, 2),
    )

    assert verdict(frame, "A1")["flagged"] is False
    assert verdict(frame, "A1")["reasons"] == [
        "ВПР математика 6 кл., 2022/23: 40,0 % «2» (10 из 25) ≥ 30 %"
    ]


def test_missing_year_before_last_cannot_meet_the_two_year_criterion():
    frame = identify(result("A1", "VPR", "math", 5, LAST, 20, 10))

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["years_with_hits"] == 1


def test_low_results_of_the_year_before_last_only_do_not_flag_but_are_shown():
    frame = identify(
        result("A1", "VPR", "math", 5, BEFORE, 20, 10),
        result("A1", "VPR", "rus", 5, BEFORE, 20, 10),
        result("A1", "VPR", "math", 5, LAST, 20, 1),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert [reason.split(":")[0] for reason in row["reasons"]] == [
        "ВПР математика 5 кл., 2021/22",
        "ВПР русский язык 5 кл., 2021/22",
    ]


def test_results_older_than_the_rule_looks_and_of_the_year_itself_are_not_used():
    frame = identify(
        result("A1", "VPR", "math", 5, YEAR - 3, 20, 10),
        result("A1", "VPR", "math", 5, YEAR, 20, 10),
        result("A1", "VPR", "rus", 5, YEAR, 20, 10),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"] == ["нет результатов учитываемых оценочных процедур за 2021/22–2022/23"]


def test_assessment_with_fewer_participants_than_the_minimum_is_ignored_and_explained():
    rule = LowResultsRule(code="r", title="r", selectors=SHNOR_FIOCO.selectors, min_participants=5)
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 3, 3),
        result("A1", "VPR", "rus", 5, LAST, 5, 2),
        rule=rule,
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert [hit["subject"] for hit in row["hits"]] == ["rus"]
    assert row["reasons"] == [
        "ВПР русский язык 5 кл., 2022/23: 40,0 % «2» (2 из 5) ≥ 30 %",
        "ВПР математика 5 кл., 2022/23: 3 участника — меньше минимума (5), не учитывается",
    ]


def test_assessment_without_participants_is_ignored_with_the_default_minimum():
    frame = identify(
        result("A1", "VPR", "rus", 6, LAST, 0, 0),
        result("A1", "VPR", "math", 6, LAST, 10, 4),
    )

    assert verdict(frame, "A1")["reasons"] == [
        "ВПР математика 6 кл., 2022/23: 40,0 % «2» (4 из 10) ≥ 30 %",
        "ВПР русский язык 6 кл., 2022/23: 0 участников — меньше минимума (1), не учитывается",
    ]


def test_school_without_results_gets_a_row_saying_so():
    frame = identify(result("A1", "VPR", "math", 5, LAST, 10, 1), schools=["A1", "B7"])

    assert frame["school_code"].to_list() == ["A1", "B7"]
    row = verdict(frame, "B7")
    assert row["flagged"] is False
    assert row["reasons"] == ["нет результатов учитываемых оценочных процедур за 2021/22–2022/23"]
    assert row["hits"] == []


def test_schools_outside_the_given_scope_are_left_out():
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 10, 5),
        result("Z9", "VPR", "math", 5, LAST, 10, 5),
        schools=["A1"],
    )

    assert frame["school_code"].to_list() == ["A1"]


def test_assessment_outside_the_list_is_not_counted():
    frame = identify(
        result("A1", "VPR", "math", 7, LAST, 20, 15),
        result("A1", "OGE", "bio", 9, LAST, 20, 15),
        result("A1", "VPR", "math", 5, LAST, 20, 15),
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["hits_last_year"] == 1


def test_extended_rule_counts_every_subject_of_vpr_grade_7():
    rows = (
        result("A1", "VPR", "bio", 7, LAST, 20, 7),
        result("A1", "VPR", "math", 5, LAST, 20, 7),
    )

    assert verdict(identify(*rows), "A1")["flagged"] is False
    extended = verdict(identify(*rows, rule=SHNOR_EXTENDED), "A1")
    assert extended["flagged"] is True
    assert extended["reasons"][0] == "ВПР математика 5 кл., 2022/23: 35,0 % «2» (7 из 20) ≥ 30 %"
    assert extended["reasons"][1] == "ВПР bio 7 кл., 2022/23: 35,0 % «2» (7 из 20) ≥ 30 %"


def test_extended_rule_counts_kdr_but_not_vpr_grade_6_other_subjects():
    rows = (
        result("A1", "KDR", "reading", 6, LAST, 20, 7),
        result("A1", "VPR", "history", 6, LAST, 20, 7),
    )

    assert verdict(identify(*rows, rule=SHNOR_EXTENDED), "A1")["hits_last_year"] == 1


def test_reasons_list_latest_year_first_then_vpr_oge_ege_kdr():
    frame = identify(
        result("A1", "KDR", "reading", 4, LAST, 10, 5),
        result("A1", "EGE", "math_base", 11, LAST, 10, 5),
        result("A1", "VPR", "rus", 5, BEFORE, 10, 5),
        result("A1", "VPR", "math", 6, LAST, 10, 5),
        result("A1", "VPR", "math", 5, LAST, 10, 5),
        result("A1", "OGE", "math", 9, LAST, 10, 5),
        rule=SHNOR_EXTENDED,
    )

    assert [reason.split(",")[0] for reason in verdict(frame, "A1")["reasons"]] == [
        "ВПР математика 5 кл.",
        "ВПР математика 6 кл.",
        "ОГЭ математика 9 кл.",
        "ЕГЭ математика (база) 11 кл.",
        "КДР reading 4 кл.",
        "ВПР русский язык 5 кл.",
    ]


def test_hits_trace_every_counted_assessment():
    frame = identify(result("A1", "EGE", "math_prof", 11, LAST, 8, 4))

    assert verdict(frame, "A1")["hits"] == [
        {
            "kind": "EGE",
            "subject": "math_prof",
            "grade": 11,
            "year": LAST,
            "share": 0.5,
            "twos": 4,
            "participants": 8,
        }
    ]


def test_subject_labels_come_from_the_caller_with_the_code_as_fallback():
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 10, 5),
        result("A1", "VPR", "chem", 8, LAST, 10, 5),
        rule=SHNOR_EXTENDED,
        subject_labels={"math": "математика (ВПР)"},
    )

    assert [reason.split(":")[0] for reason in verdict(frame, "A1")["reasons"]] == [
        "ВПР математика (ВПР) 5 кл., 2022/23",
        "ВПР chem 8 кл., 2022/23",
    ]


def test_a_criterion_can_be_switched_off():
    only_last_year = LowResultsRule(
        code="r", title="r", selectors=SHNOR_FIOCO.selectors, consecutive_years=None
    )
    frame = identify(
        result("A1", "VPR", "math", 5, LAST, 10, 5),
        result("A1", "VPR", "math", 5, BEFORE, 10, 5),
        rule=only_last_year,
    )

    row = verdict(frame, "A1")
    assert row["flagged"] is False
    assert row["reasons"] == ["ВПР математика 5 кл., 2022/23: 50,0 % «2» (5 из 10) ≥ 30 %"]
    assert "лет" not in row["summary"]


def test_three_consecutive_years_look_three_years_back():
    rule = LowResultsRule(code="r", title="r", selectors=SHNOR_FIOCO.selectors, consecutive_years=3)
    rows = [result("A1", "VPR", "math", 5, YEAR - back, 10, 5) for back in (1, 2)]

    assert verdict(identify(*rows, rule=rule), "A1")["flagged"] is False
    rows.append(result("A1", "VPR", "math", 5, YEAR - 3, 10, 5))
    assert verdict(identify(*rows, rule=rule), "A1")["flagged"] is True


def test_missing_input_columns_are_named():
    frame = results(result("A1", "VPR", "math", 5, LAST, 10, 5)).drop("mark_2")

    with pytest.raises(ValueError, match="mark_2"):
        identify_low_results(frame, rule=SHNOR_FIOCO, year=YEAR)


def test_rule_parameters_round_trip_through_plain_data():
    params = SHNOR_EXTENDED.to_params()

    assert params["selectors"][-1] == {"kind": "KDR", "subject": None, "grade": 8}
    assert LowResultsRule.from_params(params) == SHNOR_EXTENDED


def test_rule_accepts_parameters_as_stored_in_the_database():
    rule = LowResultsRule(
        code="r",
        title="r",
        selectors=[AssessmentSelector("VPR", "math", 5)],
        threshold=Decimal("0.30"),
    )

    assert rule.selectors == (AssessmentSelector("VPR", "math", 5),)
    assert rule.threshold == 0.3


@pytest.mark.parametrize(
    "options",
    [{"threshold": 0}, {"threshold": 1.5}, {"min_participants": 0}, {"selectors": ()}],
)
def test_rule_refuses_impossible_parameters(options):
    params = {"code": "r", "title": "r", "selectors": SHNOR_FIOCO.selectors, **options}

    with pytest.raises(ValueError):
        LowResultsRule(**params)


def test_texts_round_half_up_and_agree_in_number():
    assert format_percent(9, 26) == "34,6"
    assert format_percent(1, 16) == "6,3"  # 6,25 rounds up, not to even
    assert format_percent(0, 7) == "0,0"
    assert format_threshold(0.3) == "30"
    assert format_threshold(0.275) == "27,5"
    assert [agree(n, "участник") for n in (1, 3, 5, 11, 21, 112)] == [
        "участник",
        "участника",
        "участников",
        "участников",
        "участник",
        "участников",
    ]


# --- The engine against a row-by-row reference ------------------------------------------------


def _reference(rows, *, rule, year):
    """The rule as a person would apply it, one school and one row at a time."""
    years = [year - back for back in range(1, rule.years_back + 1)]
    rank = {"VPR": 0, "OGE": 1, "EGE": 2, "KDR": 3}
    verdicts = {}
    for code in sorted({row["school_code"] for row in rows}):
        mine = [
            row
            for row in rows
            if row["school_code"] == code
            and row["year"] in years
            and any(
                row["kind"] == s.kind
                and s.subject in (None, row["subject"])
                and s.grade in (None, row["grade"])
                for s in rule.selectors
            )
        ]
        order = lambda row: (-row["year"], rank[row["kind"]], row["grade"], row["subject"])  # noqa: E731
        ignored = sorted((r for r in mine if r["participants"] < rule.min_participants), key=order)
        hits = sorted(
            (
                r
                for r in mine
                if r["participants"] >= rule.min_participants
                and r["mark_2"] / r["participants"] >= rule.threshold
            ),
            key=order,
        )
        last = sum(1 for r in hits if r["year"] == year - 1)
        flagged = last >= rule.min_hits_last_year or len({r["year"] for r in hits}) >= len(years)
        reasons = [
            format_low_result_reason(
                **{k: r[k] for k in ("kind", "subject", "grade", "year", "participants")},
                twos=r["mark_2"],
                threshold=rule.threshold,
            )
            for r in hits
        ] + [
            format_ignored_reason(
                **{k: r[k] for k in ("kind", "subject", "grade", "year", "participants")},
                min_participants=rule.min_participants,
            )
            for r in ignored
        ]
        if not mine:
            reasons = ["нет результатов учитываемых оценочных процедур за 2021/22–2022/23"]
        verdicts[code] = (flagged, reasons)
    return verdicts


def _random_results(seed):
    rng = random.Random(seed)
    assessments = [
        ("VPR", "math", 5),
        ("VPR", "rus", 6),
        ("VPR", "math", 7),
        ("VPR", "bio", 8),
        ("OGE", "math", 9),
        ("OGE", "bio", 9),
        ("EGE", "math_prof", 11),
        ("KDR", "reading", 6),
    ]
    rows = []
    for school in range(80):
        for kind, subject, grade in assessments:
            for year in range(YEAR - 3, YEAR + 1):
                if rng.random() < 0.3:
                    continue
                participants = rng.choice([0, 1, 3, 10, 10, 20, 26])
                twos = rng.randint(0, participants)
                rows.append(
                    result(f"S{school:03d}", kind, subject, grade, year, participants, twos)
                )
    return rows


@pytest.mark.parametrize(
    "rule",
    [
        SHNOR_FIOCO,
        SHNOR_EXTENDED,
        LowResultsRule(
            code="r", title="r", selectors=SHNOR_EXTENDED.selectors, min_participants=10
        ),
    ],
    ids=["fioco", "extended", "min-10"],
)
def test_engine_agrees_with_a_row_by_row_reference_on_random_data(rule):
    rows = _random_results(seed=20240901)

    frame = identify(*rows, rule=rule)

    expected = _reference(rows, rule=rule, year=YEAR)
    actual = {row["school_code"]: (row["flagged"], row["reasons"]) for row in frame.to_dicts()}
    assert actual == expected
    assert 0 < frame["flagged"].sum() < frame.height  # the data exercises both outcomes


# --- ШНСУ by social context ------------------------------------------------------------------

SHNSU = SocialIndexRule(code="shnsu", weights={"poor": 0.02, "higher_ed": -0.005}, threshold=0.5)
LABELS = {"poor": "доля малообеспеченных семей, %", "higher_ed": "доля родителей с высшим, %"}


def context(*rows):
    return pl.DataFrame(
        [{"school_code": s, "indicator": i, "value": v} for s, i, v in rows],
        schema={"school_code": pl.String, "indicator": pl.String, "value": pl.Float64},
    )


def test_social_index_is_the_weighted_sum_with_each_contribution_explained():
    frame = social_index(
        context(("A1", "poor", 40.0), ("A1", "higher_ed", 20.0), ("A1", "unused", 99.0)),
        rule=SHNSU,
        indicator_labels=LABELS,
    )

    row = verdict(frame, "A1")
    assert row["index"] == pytest.approx(0.7)
    assert row["flagged"] is True
    assert row["reasons"] == [
        "индекс социального контекста 0,70 ≥ 0,5",
        "доля малообеспеченных семей, %: 40,00 × 0,02 = 0,80",
        "доля родителей с высшим, %: 20,00 × -0,005 = -0,10",
    ]


def test_social_index_exactly_at_the_threshold_flags_the_school():
    rule = SocialIndexRule(code="s", weights={"a": 0.1, "b": 0.2}, threshold=0.3)

    frame = social_index(context(("A1", "a", 1.0), ("A1", "b", 1.0)), rule=rule)

    assert verdict(frame, "A1")["flagged"] is True


def test_school_missing_an_indicator_is_not_flagged_and_the_missing_data_are_named():
    frame = social_index(
        context(("A1", "poor", 90.0)), rule=SHNSU, schools=["A1", "B7"], indicator_labels=LABELS
    )

    a1, b7 = verdict(frame, "A1"), verdict(frame, "B7")
    assert (a1["index"], a1["flagged"]) == (None, False)
    assert a1["reasons"][0] == (
        "индекс социального контекста не рассчитан: нет данных — «доля родителей с высшим, %»"
    )
    assert b7["reasons"] == [
        "индекс социального контекста не рассчитан: нет данных — "
        "«доля малообеспеченных семей, %», «доля родителей с высшим, %»"
    ]


def test_two_values_of_one_indicator_for_a_school_are_refused():
    with pytest.raises(ValueError, match="poor"):
        social_index(context(("A1", "poor", 1.0), ("A1", "poor", 2.0)), rule=SHNSU)


# --- Signs of non-objective ВПР --------------------------------------------------------------

OBJECTIVITY = ObjectivityRule(code="objectivity", threshold=0.4, min_participants=5)


def compared(school, subject, grade, year, lowered, confirmed, raised, kind="VPR"):
    return {
        "school_code": school,
        "year": year,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "journal_lowered": lowered,
        "journal_confirmed": confirmed,
        "journal_raised": raised,
    }


def journal(*rows):
    return pl.DataFrame(
        list(rows),
        schema={
            "school_code": pl.String,
            "year": pl.Int64,
            "kind": pl.String,
            "subject": pl.String,
            "grade": pl.Int64,
            "journal_lowered": pl.Int64,
            "journal_confirmed": pl.Int64,
            "journal_raised": pl.Int64,
        },
    )


def test_share_of_lowered_or_raised_marks_at_the_threshold_is_a_sign():
    frame = objectivity_flags(
        journal(
            compared("A1", "math", 5, LAST, 8, 10, 2),
            compared("A1", "rus", 6, LAST, 1, 5, 4),
            compared("B7", "math", 5, LAST, 7, 10, 3),
        ),
        rule=OBJECTIVITY,
        year=YEAR,
    )

    assert verdict(frame, "A1")["flagged"] is True
    assert verdict(frame, "A1")["reasons"] == [
        "ВПР математика 5 кл., 2022/23: понизили 40,0 % (8 из 20) ≥ 40 %",
        "ВПР русский язык 6 кл., 2022/23: повысили 40,0 % (4 из 10) ≥ 40 %",
    ]
    assert verdict(frame, "A1")["hits"][1]["direction"] == "raised"
    assert verdict(frame, "B7")["flagged"] is False


def test_objectivity_looks_at_last_years_vpr_only():
    frame = objectivity_flags(
        journal(
            compared("A1", "math", 5, YEAR, 9, 1, 0),
            compared("A1", "math", 5, BEFORE, 9, 1, 0),
            compared("A1", "math", 9, LAST, 9, 1, 0, kind="OGE"),
        ),
        rule=OBJECTIVITY,
        year=YEAR,
    )

    assert verdict(frame, "A1")["flagged"] is False
    assert verdict(frame, "A1")["reasons"] == []


def test_assessment_without_enough_compared_marks_is_ignored_and_explained():
    frame = objectivity_flags(
        journal(
            compared("A1", "math", 5, LAST, 3, 0, 0),
            compared("A1", "rus", 5, LAST, None, None, None),
        ),
        rule=OBJECTIVITY,
        year=YEAR,
    )

    assert verdict(frame, "A1")["flagged"] is False
    assert verdict(frame, "A1")["reasons"] == [
        "ВПР математика 5 кл., 2022/23: 3 участника с отметкой в журнале — меньше минимума (5), "
        "не учитывается",
        "ВПР русский язык 5 кл., 2022/23: нет сравнения с отметками в журнале, не учитывается",
    ]


def test_selector_matches_grade_with_any_subject():
    selector = AssessmentSelector("VPR", None, 7)
    rule = LowResultsRule(code="r", title="r", selectors=(selector,), min_hits_last_year=1)

    frame = identify(result("A1", "VPR", "geo", 7, LAST, 10, 3), rule=rule)

    assert verdict(frame, "A1")["flagged"] is True


def test_selector_of_a_kind_alone_matches_all_its_assessments():
    rule = LowResultsRule(
        code="r",
        title="r",
        selectors=(AssessmentSelector("KDR"), AssessmentSelector("VPR", "math", 5)),
        min_hits_last_year=2,
    )

    frame = identify(
        result("A1", "KDR", "reading", 6, LAST, 10, 3),
        result("A1", "KDR", "science", 8, LAST, 10, 3),
        result("A1", "VPR", "math", 6, LAST, 10, 3),
        rule=rule,
    )

    assert verdict(frame, "A1")["hits_last_year"] == 2
