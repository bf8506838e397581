"""How figures look on pages: academic years as «2022/23», numbers with a decimal comma, stored
links as links only when they are web links."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from opora import words
from opora.links import is_web_link
from opora.registry.years import academic_year_label

register = template.Library()


@register.filter
def academic_year(year: int | None) -> str:
    return academic_year_label(year) if year else ""


def _number(value: Decimal | int | float) -> str:
    text = format(Decimal(value).normalize(), "f")
    whole, _, fraction = text.partition(".")
    sign = "−" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", "\u00a0")
    return sign + grouped + ("," + fraction if fraction else "")


@register.filter
def figure(value, unit: str = "") -> str:
    """A context figure in the unit of its indicator."""
    if value is None or value == "":
        return "—"
    if unit == "yes_no":
        return "да" if value else "нет"
    if unit == "text":
        return value
    if unit == "year":
        return str(int(value))
    text = _number(value)
    return f"{text}\u00a0%" if unit == "percent" else text


@register.filter
def change(value, unit: str = "") -> str:
    """A change from the year before: «+2,5 п.п.» for shares, «−3» for counts."""
    if value is None:
        return ""
    text = _number(value)
    text = text if text.startswith("−") else "+" + text
    return f"{text}\u00a0п.п." if unit == "percent" else text


@register.filter
def count_noun(number, noun: str) -> str:
    """A count with its noun agreed by pymorphy3 (opora/words.py): `{{ n|count_noun:"школа" }}`
    gives «1 школа», «2 школы», «5 школ», «21 школа»; a case after a comma,
    `{{ n|count_noun:"школа,gent" }}`, gives «из 1 школы», «из 5 школ». A phrase gives its three
    forms: `{{ n|count_noun:"балла,баллов,баллов" }}`."""
    parts = noun.split(",")
    if len(parts) == 3:
        number = int(number or 0)
        return f"{number}\u00a0{words.plural(number, *parts)}"
    return words.count_noun(number, parts[0], parts[1] if len(parts) == 2 else "nomn")


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def is_overdue(activity, today) -> bool:
    return activity.is_overdue(today)


@register.filter
def web_link(value: str, label: str = "") -> str:
    """A stored link as <a> when it is an http(s) link, else as plain text: a row saved before
    links were checked must not become a live `javascript:` link."""
    if not value:
        return "—"
    if not is_web_link(value):
        return value  # autoescaped as text
    return format_html('<a href="{}" rel="noopener">{}</a>', value, label or value)
