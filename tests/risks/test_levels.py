"""The level rule of a risk profile as pure functions: question points, factor level, change."""

from decimal import Decimal

from opora.risks.levels import Threshold, factor_level, level_change, question_points

SHARE_UP = Threshold("share", higher_is_worse=True, medium_at=Decimal(15), high_at=Decimal(30))
SHARE_DOWN = Threshold("share", higher_is_worse=False, medium_at=Decimal(70), high_at=Decimal(30))


def test_a_share_scores_by_its_thresholds_inclusive():
    assert question_points(SHARE_UP, Decimal("14.9")) == 0
    assert question_points(SHARE_UP, Decimal(15)) == 1
    # Seed 003's criterion: 30 % «двоек» and more is low — the threshold itself counts.
    assert question_points(SHARE_UP, Decimal(30)) == 2
    assert question_points(SHARE_UP, None) is None


def test_when_less_is_worse_the_thresholds_read_downwards():
    assert question_points(SHARE_DOWN, Decimal(90)) == 0
    assert question_points(SHARE_DOWN, Decimal(70)) == 1
    assert question_points(SHARE_DOWN, Decimal(20)) == 2


def test_yes_no_scores_two_for_the_risky_answer_only():
    no_regulation_is_risky = Threshold("yes_no", risky_answer=False)
    assert question_points(no_regulation_is_risky, Decimal(0)) == 2
    assert question_points(no_regulation_is_risky, Decimal(1)) == 0
    assert question_points(Threshold("yes_no"), Decimal(1)) is None  # not configured


def test_factor_level_is_by_the_mean_of_answered_questions():
    rule = {"medium_from": Decimal("0.5"), "high_from": Decimal("1.5")}
    assert factor_level([2, 2, None], **rule) == ("high", Decimal("2.00"))
    assert factor_level([2, 1], **rule) == ("high", Decimal("1.50"))
    assert factor_level([2, 0], **rule) == ("medium", Decimal("1.00"))
    assert factor_level([1, 0, 0], **rule) == ("low", Decimal("0.33"))
    assert factor_level([None, None], **rule) == ("", None)


def test_thresholds_of_a_factor_are_configurable():
    strict = {"medium_from": Decimal("0.2"), "high_from": Decimal("1.0")}
    assert factor_level([2, 0], **strict) == ("high", Decimal("1.00"))


def test_change_between_years():
    assert level_change("low", "high") == "worse"
    assert level_change("high", "medium") == "better"
    assert level_change("medium", "medium") == "same"
    assert level_change("", "high") == ""
