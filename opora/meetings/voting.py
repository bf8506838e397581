"""Quorum and the outcome of a vote, as pure functions of counts, so the protocol page, the
service that saves a vote and the tests read them the same way.

A meeting is competent when more than half of the group's members are present; a decision
passes by a majority of the members present unless the group's rules say otherwise.
"""

from dataclasses import dataclass, field

MAJORITY_PRESENT = "majority_present"
TWO_THIRDS_PRESENT = "two_thirds_present"
MAJORITY_OF_MEMBERS = "majority_members"


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int

    @property
    def needed(self) -> int:
        return self.members // 2 + 1

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.needed


@dataclass(frozen=True)
class VoteOutcome:
    passed: bool | None  # None: there was no vote
    problems: list[str] = field(default_factory=list)


def vote_outcome(
    *,
    kind: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstained: int | None,
    present: int,
    members: int,
    rule: str = MAJORITY_PRESENT,
) -> VoteOutcome:
    """Whether the votes fit the attendance, and whether the decision passed under `rule`."""
    if kind == "none":
        return VoteOutcome(None)
    if present == 0:
        return VoteOutcome(
            False, ["Голосовать некому: ни один член группы не отмечен присутствующим."]
        )
    if kind == "unanimous":
        return VoteOutcome(True)
    counts = [votes_for, votes_against, votes_abstained]
    if any(c is None or c < 0 for c in counts):
        return VoteOutcome(False, ["Укажите число голосов «за», «против» и «воздержались»."])
    total = sum(counts)
    if total > present:
        return VoteOutcome(
            False,
            [
                f"Голосов ({total}) больше, чем присутствует членов группы ({present}): "
                "приглашённые не голосуют."
            ],
        )
    if rule == TWO_THIRDS_PRESENT:
        passed = votes_for * 3 >= present * 2
    elif rule == MAJORITY_OF_MEMBERS:
        passed = votes_for > members / 2
    else:
        passed = votes_for > present / 2
    return VoteOutcome(passed)
