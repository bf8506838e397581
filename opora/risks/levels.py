"""The level rule of a risk profile, as pure functions (no Django), so the page, the demo and
the tests read one rule.

1. Each answered question scores points: 0 (низкий риск), 1 (средний) or 2 (высокий).
   Numbers, shares and scales compare the answer with the question's two thresholds, upwards
   when a larger value is worse, downwards otherwise; a yes/no answer scores 2 when it is the
   risky answer, 0 when not.
2. A factor's score is the mean of the points of its answered questions; the factor is
   «высокий» from `high_from` points, «средний» from `medium_from`, «низкий» below (defaults
   1,5 and 0,5, set per factor in the admin). A factor with no answers has no level.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class Threshold:
    answer_type: str  # number, share, scale, yes_no
    higher_is_worse: bool = True
    medium_at: Decimal | None = None
    high_at: Decimal | None = None
    risky_answer: bool | None = None


def question_points(rule: Threshold, value: Decimal | None) -> int | None:
    if value is None:
        return None
    if rule.answer_type == "yes_no":
        if rule.risky_answer is None:
            return None
        return 2 if bool(value) == rule.risky_answer else 0
    worse = (lambda v, t: v >= t) if rule.higher_is_worse else (lambda v, t: v <= t)
    if rule.high_at is not None and worse(value, rule.high_at):
        return 2
    if rule.medium_at is not None and worse(value, rule.medium_at):
        return 1
    return 0


def factor_level(
    points: list[int | None], *, medium_from: Decimal, high_from: Decimal
) -> tuple[str, Decimal | None]:
    """(level, score) of a factor from its questions' points; ("", None) without answers."""
    answered = [p for p in points if p is not None]
    if not answered:
        return "", None
    score = (Decimal(sum(answered)) / len(answered)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if score >= high_from:
        return HIGH, score
    if score >= medium_from:
        return MEDIUM, score
    return LOW, score


ORDER = {HIGH: 2, MEDIUM: 1, LOW: 0}


def level_change(before: str, after: str) -> str:
    """«worse», «better» or «same» between two years' levels; "" when either is missing."""
    if not before or not after:
        return ""
    delta = ORDER[after] - ORDER[before]
    return "worse" if delta > 0 else "better" if delta < 0 else "same"
