"""Verdict rules and leaving the list, on hand-built data."""

import polars as pl
import pytest

from opora.monitoring import dynamics
from opora.monitoring import effectiveness as eff
from opora.registry.years import academic_year_label

TWOS = {"results": {"kinds": ["VPR", "OGE"], "min_fewer_twos": 2, "max_twos": 30}}
LABELS = {"rus": "русский язык", "math": "математика"}


def evidence(rows, params=TWOS):
    frame = pl.DataFrame(
        rows,
        schema=["school_code", "year", "kind", "subject", "grade", "participants",
                "mark_2", "mark_3", "mark_4", "mark_5"],
        orient="row",
    )  # fmt: skip
    criterion = eff.EffectivenessParams.from_params(params).results
    return eff.results_evidence(
        dynamics.school_dynamics(frame, year=2023), criterion, subject_labels=LABELS
    )


def judge(params, results=None, indicators=()):
    return eff.judge(
        eff.EffectivenessParams.from_params(params),
        results=results,
        indicators=list(indicators),
        year_label="2022/23",
    )


FELL_TWICE = [
    ("a", 2022, "VPR", "rus", 5, 10, 2, 4, 3, 1),
    ("a", 2023, "VPR", "rus", 5, 10, 1, 5, 3, 1),
    ("a", 2022, "OGE", "math", 9, 10, 2, 6, 2, 0),
    ("a", 2023, "OGE", "math", 9, 10, 0, 7, 2, 1),
]


def test_twos_fell_in_enough_assessments_and_none_above_threshold_is_effective():
    found = evidence(FELL_TWICE)["a"]
    judgement = judge(TWOS, found)
    assert judgement.verdict == eff.EFFECTIVE
    assert judgement.label == "эффективно"
    assert (
        "Доля «2» снизилась в 2 из 2 процедур ВПР, ОГЭ (нужно не менее 2)" in judgement.reasons[1]
    )
    assert "ВПР русский язык 5 кл.: 20,0 → 10,0 %" in judgement.reasons[1]
    assert judgement.reasons[2] == "Ни в одной процедуре 2022/23 доля «2» не достигает 30 %."


def test_one_assessment_at_the_threshold_makes_it_ineffective_and_says_where():
    rows = [*FELL_TWICE, ("a", 2022, "VPR", "math", 6, 10, 2, 4, 4, 0),
            ("a", 2023, "VPR", "math", 6, 10, 3, 4, 3, 0)]  # fmt: skip
    judgement = judge(TWOS, evidence(rows)["a"])
    assert judgement.verdict == eff.INEFFECTIVE
    assert "Доля «2» 30 % и выше в 2022/23: ВПР математика 6 кл.: 30,0 %." in judgement.reasons
    assert any(r.startswith("Доля «2» выросла: ВПР математика 6 кл.") for r in judgement.reasons)


def test_too_few_falls_is_ineffective():
    judgement = judge(
        {"results": {**TWOS["results"], "min_fewer_twos": 3}}, evidence(FELL_TWICE)["a"]
    )
    assert judgement.verdict == eff.INEFFECTIVE
    assert "(нужно не менее 3)" in judgement.reasons[1]


def test_no_results_of_last_year_is_not_enough_data():
    rows = [("a", 2023, "VPR", "rus", 5, 10, 1, 5, 3, 1)]
    assert judge(TWOS, evidence(rows).get("a")).verdict == eff.NO_DATA
    assert judge(TWOS, None).reasons[1].startswith("Нет результатов ВПР, ОГЭ за 2022/23")


def test_schools_below_the_minimum_of_participants_are_left_out():
    params = {"results": {**TWOS["results"], "min_participants": 11}}
    assert evidence(FELL_TWICE, params) == {}


def test_indicators_share_achieved_decides():
    params = {"indicators": {"min_achieved_percent": 50}}
    reached = eff.IndicatorOutcome("Охват диагностикой", eff.ACHIEVED, "100", "100")
    missed = eff.IndicatorOutcome("Доля учителей", eff.NOT_ACHIEVED, "0", "100")
    unmeasured = eff.IndicatorOutcome("Без цели", eff.NOT_MEASURED)
    assert judge(params, indicators=[reached, missed]).verdict == eff.EFFECTIVE
    judgement = judge(params, indicators=[missed, unmeasured])
    assert judgement.verdict == eff.INEFFECTIVE
    assert "Достигнуто целевых показателей: 0 из 1 (0 %, нужно не менее 50 %)." in judgement.reasons
    assert "«Доля учителей» не достигнут: факт 0, цель 100." in judgement.reasons
    assert "Нет значения за год или целевого значения: «Без цели»." in judgement.reasons
    assert judge(params, indicators=[unmeasured]).verdict == eff.NO_DATA


def test_a_measure_without_indicators_is_judged_by_results_alone():
    both = {**TWOS, "indicators": {"min_achieved_percent": 50}}
    judgement = judge(both, evidence(FELL_TWICE)["a"], indicators=[])
    assert judgement.verdict == eff.EFFECTIVE
    assert "условие по показателям не применяется" in " ".join(judgement.reasons)


@pytest.mark.parametrize(
    "params",
    [{}, {"results": {"kinds": []}}, {"results": {"kinds": ["XXX"]}}, {"results": {"oops": 1}},
     {"indicators": {"min_achieved_percent": 150}}, {"other": {}}],
)  # fmt: skip
def test_wrong_parameters_are_refused_in_russian(params):
    with pytest.raises(ValueError):
        eff.EffectivenessParams.from_params(params)


def status(flags):
    return eff.list_status(flags, year_label=academic_year_label)


def test_a_school_leaves_the_list_after_two_years_not_selected():
    found = status({2021: True, 2022: True, 2023: False, 2024: False})
    assert found.status == eff.LEFT
    assert found.reason == "не отбирается 2 года подряд (2022/23, 2023/24) после списка на 2021/22"
    assert found.history == [(2021, True), (2022, True), (2023, False), (2024, False)]


def test_one_year_out_is_not_yet_leaving():
    found = status({2022: True, 2023: False})
    assert found.status == eff.LEAVING
    assert "нужно 2 года подряд" in found.reason


def test_a_gap_year_without_a_list_proves_nothing():
    assert status({2021: True, 2022: False, 2024: False}).status == eff.LEAVING


def test_back_in_the_list_and_never_in_it():
    assert status({2021: True, 2022: False, 2023: True}).status == eff.IN_LIST
    assert status({2022: False, 2023: False}).status == eff.NEVER


PEERS = eff.EffectivenessParams.from_params({"peers": {"metrics": ["twos"]}})


def test_beating_comparable_schools_beyond_the_interval_is_effective():
    said = ["доля «2»: … разница −20,0 ± 10,8 п. п. — лучше похожих школ"]
    judgement = eff.judge(
        PEERS,
        results=None,
        indicators=[],
        year_label="2022/23",
        peers=eff.PeersEvidence("эффективно", said),
    )
    assert judgement.verdict == eff.EFFECTIVE
    assert judgement.reasons[-2:] == [
        "Относительно похожих школ школа опередила их больше погрешности.",
        *said,
    ]


def test_a_change_within_the_interval_does_not_count_as_effective():
    judgement = eff.judge(
        PEERS,
        results=None,
        indicators=[],
        year_label="2022/23",
        peers=eff.PeersEvidence("неэффективно", ["… — в пределах погрешности"]),
    )
    assert judgement.verdict == eff.INEFFECTIVE


def test_a_school_without_two_years_is_not_judged_against_peers():
    judgement = eff.judge(PEERS, results=None, indicators=[], year_label="2022/23", peers=None)
    assert judgement.verdict == eff.NO_DATA


def test_peer_metrics_are_checked():
    with pytest.raises(ValueError, match="похожими школами"):
        eff.EffectivenessParams.from_params({"peers": {"metrics": ["average"]}})
