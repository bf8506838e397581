"""Quorum and vote outcomes as pure functions: the rule is a majority of members present
unless the group's rules say otherwise; a vote never counts more voters than are present."""

import pytest

from opora.meetings.voting import (
    MAJORITY_OF_MEMBERS,
    TWO_THIRDS_PRESENT,
    Quorum,
    vote_outcome,
)


@pytest.mark.parametrize(
    ("members", "present", "reached"),
    [(7, 7, True), (7, 4, True), (7, 3, False), (6, 3, False), (6, 4, True), (0, 0, False)],
)
def test_quorum_is_more_than_half_of_the_members(members, present, reached):
    assert Quorum(members=members, present=present).reached is reached


def vote(kind="counted", votes=(None, None, None), present=5, members=7, **kwargs):
    return vote_outcome(
        kind=kind,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstained=votes[2],
        present=present,
        members=members,
        **kwargs,
    )


def test_unanimous_vote_passes_when_anyone_is_present():
    assert vote("unanimous").passed is True
    refused = vote("unanimous", present=0)
    assert refused.passed is False
    assert "ни один член группы" in refused.problems[0]


def test_no_vote_has_no_outcome():
    assert vote("none", present=0).passed is None


def test_majority_of_members_present_decides_by_default():
    assert vote(votes=(3, 2, 0)).passed is True
    assert vote(votes=(2, 2, 1)).passed is False  # abstentions do not help either side


def test_more_votes_than_members_present_are_refused():
    outcome = vote(votes=(4, 1, 1), present=5)
    assert outcome.problems == [
        "Голосов (6) больше, чем присутствует членов группы (5): приглашённые не голосуют."
    ]


def test_counts_must_be_given_for_a_counted_vote():
    assert vote(votes=(3, None, 0)).problems


def test_group_rules_can_ask_for_two_thirds_or_a_majority_of_the_whole_group():
    assert vote(votes=(3, 2, 0), rule=TWO_THIRDS_PRESENT).passed is False
    assert vote(votes=(4, 1, 0), rule=TWO_THIRDS_PRESENT).passed is True
    # 4 of 5 present is a clear majority, but not of a group of 9.
    assert vote(votes=(4, 1, 0), members=9, rule=MAJORITY_OF_MEMBERS).passed is False
    assert vote(votes=(5, 0, 0), members=9, rule=MAJORITY_OF_MEMBERS).passed is True
