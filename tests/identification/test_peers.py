"""Comparable schools and fair change on small hand-built frames with known answers."""

import math

import polars as pl
import pytest

from opora.identification.peers import (
    EFFECTIVE,
    NOT_EFFECTIVE,
    NOT_EVALUATED,
    PeerRule,
    comparable_groups,
    fair_change,
    fair_change_verdict,
    fair_change_verdicts,
)

RULE = PeerRule(min_peers=3)


def result(code, year, n, twos, fours=0, kind="VPR", subject="math", grade=5):
    return {
        "school_code": code,
        "year": year,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "participants": n,
        "mark_2": twos,
        "mark_3": n - twos - fours,
        "mark_4": fours,
        "mark_5": 0,
    }


def school(code, *, rural=True, kind="СОШ", index=None, region="R"):
    return {
        "school_code": code,
        "region": region,
        "school_type": kind,
        "is_rural": rural,
        "social_index": index,
    }


@pytest.fixture
def country():
    """Six steady rural schools of 100 (20 % «2» both years), a big one that halved its «2», a
    class of 9 that went from 3 to 1 «2», and a school without the earlier year."""
    schools = [school(f"p{i}") for i in range(6)] + [school("big"), school("tiny"), school("new")]
    rows = [
        r
        for i in range(6)
        for r in (result(f"p{i}", 2022, 100, 20), result(f"p{i}", 2023, 100, 20))
    ]
    rows += [result("big", 2022, 120, 36), result("big", 2023, 120, 12)]
    rows += [result("tiny", 2022, 9, 3), result("tiny", 2023, 9, 1)]
    rows += [result("new", 2023, 50, 5)]
    return pl.DataFrame(schools), pl.DataFrame(rows)


def _row(fair, code, metric="twos"):
    return fair.filter((pl.col("school_code") == code) & (pl.col("metric") == metric)).row(
        0, named=True
    )


def test_big_school_that_beat_its_peers_is_better_beyond_the_interval(country):
    fair = fair_change(*country, rule=RULE, year=2023)
    big = _row(fair, "big")
    assert big["change"] == pytest.approx(-20.0)
    # Its peers are the six steady schools of more than 60 (the class of 9 is another size).
    assert big["peer_change"] == pytest.approx(0.0)
    assert big["group_size"] == 7
    assert big["verdict"] == "better"
    assert big["high"] < 0
    assert "лучше похожих школ" in big["reason"]
    assert fair_change_verdict(fair, school_code="big")[0] == EFFECTIVE


def test_class_of_nine_with_the_same_drop_stays_within_the_interval(country):
    fair = fair_change(*country, rule=RULE, year=2023)
    tiny, big = _row(fair, "tiny"), _row(fair, "big")
    assert tiny["change"] == pytest.approx(-200 / 9)  # a bigger raw drop than the big school's
    assert tiny["margin"] > 3 * big["margin"]  # but 9 pupils carry far more uncertainty
    assert tiny["verdict"] == "same"
    assert "в пределах погрешности" in tiny["reason"]
    assert "участников 9 и 9" in tiny["reason"]
    verdict, reasons = fair_change_verdict(fair, school_code="tiny")
    assert verdict == NOT_EFFECTIVE
    assert reasons[0].startswith("доля «2»: 33,3 % → 11,1 % (−22,2 п. п.")


def test_interval_is_the_agresti_caffo_standard_error_of_both_changes(country):
    fair = fair_change(*country, rule=RULE, year=2023)
    tiny = _row(fair, "tiny")

    def variance(x, n):
        p = (x + 1) / (n + 2)
        return p * (1 - p) / (n + 2)

    # No other class of up to 10: the class of 9 is compared with the whole region.
    assert tiny["group_label"] == "школы региона «R»"
    own = variance(3, 9) + variance(1, 9)
    peers = variance(6 * 20 + 36, 720) + variance(6 * 20 + 12, 720)
    assert tiny["margin"] == pytest.approx(100 * 1.96 * math.sqrt(own + peers))


def test_missing_year_gives_no_verdict_and_says_why(country):
    fair = fair_change(*country, rule=RULE, year=2023)
    new = _row(fair, "new")
    assert new["verdict"] == "no_data"
    assert new["difference"] is None
    assert "нет результатов одних и тех же процедур за 2021/22 и 2022/23" in new["reason"]
    assert fair_change_verdict(fair, school_code="new")[0] == NOT_EVALUATED


def test_success_mirrors_twos_and_quality_counts_fours_and_fives(country):
    fair = fair_change(*country, rule=RULE, year=2023)
    assert _row(fair, "big", "success")["change"] == pytest.approx(20.0)
    assert _row(fair, "big", "success")["verdict"] == "better"
    assert _row(fair, "big", "quality")["change"] == pytest.approx(0.0)


def test_groups_drop_criteria_from_the_end_until_enough_peers():
    schools = pl.DataFrame(
        [school(f"r{i}", rural=True) for i in range(4)]
        + [school(f"u{i}", rural=False, kind="ООШ") for i in range(2)]
    )
    results = pl.DataFrame([result(row["school_code"], 2022, 20, 2) for row in schools.to_dicts()])
    groups = comparable_groups(schools, results, rule=RULE, year=2022)
    rural = groups.filter(pl.col("school_code") == "r0").row(0, named=True)
    urban = groups.filter(pl.col("school_code") == "u0").row(0, named=True)
    # Four rural СОШ: three peers each, enough with size, place and type.
    assert rural["group_size"] == 4
    assert rural["group_label"] == (
        "11–25 участников в процедуре, сельские, средние школы; школы региона «R»"
    )
    assert (
        "индекс социального контекста: индекс социального контекста не рассчитан"
        in (rural["criteria_dropped"])
    )
    # Two urban ООШ: too few; type, then place are dropped, the size keeps all six together.
    assert urban["group_size"] == 6
    assert urban["group_label"] == "11–25 участников в процедуре; школы региона «R»"
    assert "тип школы: иначе меньше 3 похожих школ" in urban["criteria_dropped"]


def test_social_index_is_cut_in_thirds_of_the_region():
    schools = pl.DataFrame([school(f"s{i}", index=float(i)) for i in range(9)])
    results = pl.DataFrame([result(f"s{i}", 2022, 20, 2) for i in range(9)])
    rule = PeerRule(min_peers=2, criteria=("social",))
    groups = comparable_groups(schools, results, rule=rule, year=2022)
    assert groups.group_by("group_key").len()["len"].sort().to_list() == [3, 3, 3]
    assert groups.row(8, named=True)["group_label"].startswith(
        "индекс социального контекста — высокий"
    )


def test_schools_of_another_region_are_never_peers():
    schools = pl.DataFrame([school("a", region="1"), school("b", region="2")])
    results = pl.DataFrame([result(c, y, 30, 3) for c in ("a", "b") for y in (2022, 2023)])
    fair = fair_change(schools, results, rule=PeerRule(min_peers=1), year=2023)
    assert set(fair["verdict"]) == {"no_data"}


def test_verdicts_need_a_beat_and_no_fall_behind():
    fair = pl.DataFrame(
        {
            "school_code": ["x", "x", "y", "y"],
            "metric": ["twos", "quality"] * 2,
            "verdict": ["better", "worse", "better", "same"],
            "reason": ["a", "b", "c", "d"],
        }
    )
    verdicts = dict(fair_change_verdicts(fair).select("school_code", "verdict").iter_rows())
    assert verdicts == {"x": NOT_EFFECTIVE, "y": EFFECTIVE}
    with pytest.raises(ValueError, match="Показатели"):
        fair_change_verdicts(fair, metrics=["average"])


def test_parameters_round_trip_and_are_checked():
    assert PeerRule.from_params(RULE.to_params()) == RULE
    assert RULE.confidence == 95
    with pytest.raises(ValueError, match="Неизвестные признаки"):
        PeerRule(criteria=("colour",))
    with pytest.raises(ValueError, match="Границы размера"):
        PeerRule(size_bounds=(25, 10))
