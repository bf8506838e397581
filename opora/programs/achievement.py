"""Whether an indicator reached its target: the seeds write targets as text («не менее 75 %»,
«100%», «да»), so both sides are read the way a person reads them. Pure Python, no Django."""

import re
from dataclasses import dataclass

ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
NO_DATA = "no_data"
LABELS = {ACHIEVED: "достигнут", NOT_ACHIEVED: "не достигнут", NO_DATA: "нет данных"}

_AT_LEAST = ("не менее", "не ниже", "больше или равно", ">=", "≥", "от ")
_AT_MOST = ("не более", "не выше", "меньше или равно", "<=", "≤", "до ")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_YES = {"да", "есть", "имеется", "создан", "создана", "выполнено"}
_NO = {"нет", "отсутствует", "не выполнено"}


@dataclass(frozen=True)
class Reading:
    number: float | None
    yes_no: bool | None
    comparison: str  # ">=", "<=" or "" when the text does not say


def read(text: str) -> Reading:
    """«не менее 75 %» → 75 with «>=»; «да» → True; anything else without a number → nothing."""
    cleaned = " ".join(text.lower().replace("\u00a0", " ").split())
    if cleaned in _YES or cleaned in _NO:
        return Reading(None, cleaned in _YES, "")
    match = _NUMBER.search(cleaned)
    number = float(match.group().replace(",", ".")) if match else None
    before = cleaned[: match.start()] if match else cleaned
    comparison = (
        ">=" if before.startswith(_AT_LEAST) else "<=" if before.startswith(_AT_MOST) else ""
    )
    return Reading(number, None, comparison)


def achievement(*, target: str, actual: str, higher_is_better: bool | None) -> str:
    """ACHIEVED, NOT_ACHIEVED or NO_DATA for one target and the value measured against it."""
    goal, fact = read(target), read(actual)
    if goal.yes_no is not None or fact.yes_no is not None:
        if goal.yes_no is None or fact.yes_no is None:
            return NO_DATA
        return ACHIEVED if fact.yes_no == goal.yes_no else NOT_ACHIEVED
    if goal.number is None or fact.number is None:
        return NO_DATA
    comparison = goal.comparison or {True: ">=", False: "<="}.get(higher_is_better, "")
    if comparison == ">=":
        met = fact.number >= goal.number
    elif comparison == "<=":
        met = fact.number <= goal.number
    else:
        met = fact.number == goal.number
    return ACHIEVED if met else NOT_ACHIEVED


def chart_points(row) -> dict[str, list[tuple[float, float]]]:
    """An indicator row's targets by year and its measured values as numbers to plot, a value
    placed at its month within the year; a text without a number («да») is left out."""
    targets = [(year, read(value).number) for year, value in sorted(row.targets.items())]
    measured = [
        (v.measured_on.year + (v.measured_on.month - 1) / 12, read(v.value).number)
        for v in row.values
    ]
    return {
        "targets": [(x, y) for x, y in targets if y is not None],
        "measured": [(x, y) for x, y in measured if y is not None],
    }
