"""How the staff figures look on pages: a share with its count, a cell coloured by its share."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def share(pair) -> str:
    """(numerator, denominator) → «66,7 %» with «2 из 3» under it; no pair → «—»."""
    if not pair:
        return "—"
    numerator, denominator = pair
    percent = f"{100 * numerator / denominator:.1f}".replace(".", ",")
    return format_html(
        "{}\u00a0%<span class='change'>{} из {}</span>", percent, int(numerator), int(denominator)
    )


@register.filter
def share_sort(pair) -> str:
    return "" if not pair else f"{100 * pair[0] / pair[1]:.3f}"


@register.filter
def heat(value: float | None) -> str:
    """A background from pale green (no deficits) to red (all diagnosed teachers have them)."""
    if value is None:
        return ""
    hue = round(120 * (1 - value / 100))  # 120 green … 0 red
    return f"background: hsl({hue} 70% 88%)"


@register.filter
def at_risk_share(cell) -> str:
    """A cell of the at-risk overview (students, at risk, …) as the share of students at risk."""
    return share((cell[1], cell[0])) if cell and cell[0] else "—"
