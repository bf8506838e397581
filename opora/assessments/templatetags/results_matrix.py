"""The cells of the results table, rendered in Python: a region's table has 1,000 schools × 8–16
assessments, and the template language spends ~50 µs on each variable it resolves, so a cell
written as a template made the page take seconds. The output is the markup the template wrote."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_EMPTY = '<td class="num empty">—</td>'
_STEPS = {1: Decimal("0.1"), 2: Decimal("0.01")}


def _number(value: float | None, places: int) -> str:
    """As `floatformat:places` writes it in Russian: half up, decimal comma."""
    if value is None:
        return ""
    rounded = Decimal(repr(value)).quantize(_STEPS[places], rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # floatformat writes no «-0,0»
    return str(rounded).replace(".", ",")


def _cell(cell, metric: str) -> str:
    if not cell:
        return _EMPTY
    value = cell.value
    alarm = " alarm" if metric == "twos" and value is not None and value >= 30 else ""
    shown = _number(value, 2 if metric == "average" else 1)
    change = ""
    if cell.change is not None:
        sign = "+" if cell.change > 0 else ""
        change = f'<span class="change {cell.direction}">{sign}{_number(cell.change, 1)}</span>'
    return f'<td class="num{alarm}" title="участников: {cell.participants}">{shown}{change}</td>'


@register.simple_tag
def matrix_cells(row, metric: str):
    return mark_safe("".join(_cell(cell, metric) for cell in row.cells))  # noqa: S308
