"""Early warning on small hand-built frames: who is near the rule, in words; checked on history."""

import polars as pl
import pytest

from opora.identification.early_warning import EarlyWarningRule, early_warning, warning_check
from opora.identification.engine import SHNOR_FIOCO

WARNING = EarlyWarningRule()


def result(code, year, n, twos, subject="math", grade=5, kind="VPR"):
    return {
        "school_code": code,
        "year": year,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "participants": n,
        "mark_2": twos,
    }


@pytest.fixture
def warned():
    rows = [
        # Already in the list for 2023/24: two assessments at 40 % in 2022/23.
        result("listed", 2023, 20, 8),
        result("listed", 2023, 20, 8, "rus"),
        # Exactly at the threshold once (3 of 10): one more such year and it is in.
        result("edge", 2022, 10, 1),
        result("edge", 2023, 10, 3),
        result("edge", 2023, 10, 1, "rus"),
        # Rising three years toward the threshold, but criterion A needs two assessments.
        result("rising", 2021, 100, 10),
        result("rising", 2022, 100, 17),
        result("rising", 2023, 100, 25),
        result("rising", 2023, 100, 12, "rus"),
        # Steady and far from it.
        result("steady", 2021, 100, 5),
        result("steady", 2022, 100, 5),
        result("steady", 2023, 100, 4),
        # A class of 9 with 2 «2».
        result("tiny", 2022, 9, 1),
        result("tiny", 2023, 9, 2),
        # No results in 2022/23.
        result("gone", 2021, 30, 9),
        result("gone", 2022, 30, 9),
    ]
    frame = early_warning(pl.DataFrame(rows), rule=SHNOR_FIOCO, warning=WARNING, year=2024)
    return {row["school_code"]: row for row in frame.iter_rows(named=True)}


def test_a_school_at_the_threshold_once_is_warned_first_with_the_criterion(warned):
    edge = warned["edge"]
    assert edge["warned"] and edge["rank"] == 1
    assert 0.3 <= edge["probability"] < 1
    assert edge["reasons"][0].startswith("оценка вероятности войти в список на 2024/25:")
    assert edge["reasons"][1] == (
        "ВПР математика 5 кл., 2022/23: 30,0 % «2» (3 из 10) ≥ 30 % — если в 2023/24 хотя бы "
        "одна процедура снова даст ≥ 30 %, школа войдёт в список по критерию «2 года подряд»"
    )
    assert any(r.startswith("мало участников (в среднем 10 в процедуре)") for r in edge["reasons"])


def test_listed_schools_are_not_in_the_risk_group(warned):
    assert warned["listed"]["listed"] and not warned["listed"]["warned"]
    assert warned["listed"]["reasons"] == []


def test_a_rising_school_is_explained_but_one_assessment_cannot_meet_criterion_a(warned):
    rising = warned["rising"]
    assert not rising["warned"]
    assert rising["probability"] < 0.05
    assert (
        "доля «2» по учитываемым процедурам растёт три года подряд: 10,0 % → 17,0 % → 18,5 %"
        in (rising["reasons"])
    )
    assert (
        "ВПР математика 5 кл., 2022/23: 25,0 % «2» (25 из 100), годом раньше 17,0 % — до порога "
        "5,0 п. п." in rising["reasons"]
    )


def test_steady_and_tiny_schools_are_not_warned(warned):
    assert not warned["steady"]["warned"] and warned["steady"]["probability"] < 0.01
    assert not warned["tiny"]["warned"]
    assert any("одна «2» меняет долю на 11,1 п. п." in r for r in warned["tiny"]["reasons"])


def test_missing_last_year_cannot_be_estimated(warned):
    gone = warned["gone"]
    assert gone["probability"] is None and not gone["warned"]
    assert gone["reasons"] == ["нет результатов учитываемых процедур за 2022/23 — оценить нельзя"]


def test_a_higher_class_share_means_a_higher_chance():
    rows = [result(f"s{twos}", 2023, 20, twos) for twos in range(0, 7)]
    frame = early_warning(pl.DataFrame(rows), rule=SHNOR_FIOCO, warning=WARNING, year=2024)
    chances = frame.sort("school_code")["probability"].to_list()
    assert chances == sorted(chances)


def test_check_against_history_counts_who_entered():
    rows = [
        result("edge", 2022, 10, 3),
        result("edge", 2023, 10, 4),  # warned with the list for 2023, in the list for 2024
        result("calm", 2022, 50, 1),
        result("calm", 2023, 50, 1),
    ]
    check = warning_check(pl.DataFrame(rows), rule=SHNOR_FIOCO, warning=WARNING, years=[2023])
    row = check.row(0, named=True)
    assert (row["warned"], row["entered"], row["hits"]) == (1, 1, 1)
    assert row["precision"] == row["recall"] == 1.0
    assert row["simple_warned"] == 1


def test_parameters_round_trip_and_are_checked():
    assert EarlyWarningRule.from_params(WARNING.to_params()) == WARNING
    with pytest.raises(ValueError, match="Порог вероятности"):
        EarlyWarningRule(min_probability=1.5)
