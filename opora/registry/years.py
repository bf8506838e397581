"""Academic years: stored by their ending calendar year (2023 = 2022/23), shown as «2022/23»;
read from addresses by one parser, so a malformed year is a message or a 404, never a 500."""

import datetime

from django import forms
from django.contrib import messages


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{year % 100:02d}"


def current_academic_year(today: datetime.date) -> int:
    # The school year starts on 1 September.
    return today.year + 1 if today.month >= 9 else today.year


# Academic years Opora keeps; the bound keeps a typo (20240) or an attack (20 digits) away from
# the database, whose integers overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_academic_year(text: str | None) -> int | None:
    """«2024» → 2024; None for anything else. Four ASCII digits only: `str.isdigit` also takes
    «²» and «٢٠٢٤», which `int` then refuses or reads."""
    text = (text or "").strip()
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


class AcademicYearFormField(forms.IntegerField):
    """A year typed in a form: an integer in Opora's range, so it never overflows a column."""

    def __init__(self, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


def requested_year(request, *, default: int | None, data=None) -> int | None:
    """The year asked by `?year=` (or by `data`, e.g. request.POST), else `default`. A year
    that does not parse shows the default with a message saying so: a bad link or a typo in the
    address still gives the page."""
    text = (request.GET if data is None else data).get("year", "")
    if not text.strip():
        return default
    year = parse_academic_year(text)
    if year is None:
        shown = f" Показан {academic_year_label(default)}." if default else ""
        messages.warning(
            request,
            f"Учебный год «{text[:20]}» не распознан: укажите год окончания четырьмя цифрами, "
            f"например 2024 (это 2023/24).{shown}",
        )
        return default
    return year


class AcademicYearConverter:
    """`<year:year>` in a route: four digits in Opora's range, anything else is not found."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = parse_academic_year(value)
        if year is None:
            raise ValueError(value)  # the resolver takes it as «no such page»
        return year

    def to_url(self, value: int) -> str:
        return str(value)
