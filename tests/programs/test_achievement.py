"""An indicator is achieved when the value measured meets the target as the seed writes it."""

import pytest

from opora.programs.achievement import ACHIEVED, NO_DATA, NOT_ACHIEVED, achievement, read


@pytest.mark.parametrize(
    "target,actual,higher_is_better,expected",
    [
        ("не менее 75%", "75", None, ACHIEVED),  # exactly at the target
        ("не менее 75%", "74,9", None, NOT_ACHIEVED),
        ("не более 10 %", "10", None, ACHIEVED),
        ("не более 10 %", "10,5", None, NOT_ACHIEVED),
        ("100%", "100%", True, ACHIEVED),
        ("100%", "67%", True, NOT_ACHIEVED),
        (
            "9%",
            "13%",
            False,
            NOT_ACHIEVED,
        ),  # seed 000: share of students needing support should fall
        ("9%", "9%", False, ACHIEVED),
        ("3", "3", None, ACHIEVED),  # no direction given: only equality counts
        ("3", "4", None, NOT_ACHIEVED),
        ("да", "да", None, ACHIEVED),
        ("да", "нет", None, NOT_ACHIEVED),
        ("да", "", None, NO_DATA),
        ("75%", "", True, NO_DATA),
        ("", "50", True, NO_DATA),
        ("повышение качества", "50", True, NO_DATA),
    ],
)
def test_achievement_reads_targets_as_written(target, actual, higher_is_better, expected):
    assert achievement(target=target, actual=actual, higher_is_better=higher_is_better) == expected


def test_reading_understands_russian_decimal_and_non_breaking_space():
    reading = read("не\u00a0менее 12,5 %")
    assert (reading.number, reading.comparison) == (12.5, ">=")
