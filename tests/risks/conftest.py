"""Helpers of the risks stories: answers by question code, a profile with chosen levels."""

from decimal import Decimal

import pytest

from opora.risks.profiles import profile_answers_save, profile_open


def answer(profile, user, **answers):
    return profile_answers_save(
        profile=profile,
        user=user,
        answers={code: None if v is None else Decimal(str(v)) for code, v in answers.items()},
    )


# Answers that make «ВСОКО» and «Компетентность» high and «Среда» medium in a profile.
RISKY = {
    "vsoko_regulation": 0,
    "results_by_teacher": 0,
    "vshk_plan": 0,
    "teachers_diagnosed": 20,
    "methodical_work": 1,
    "bullying_share": 6,
    "school_climate": 4,
}


@pytest.fixture
def risky_profile(school_a1, school_team_a1):
    profile = profile_open(school=school_a1, year=2024, user=school_team_a1)
    answer(profile, school_team_a1, **RISKY)
    return profile
