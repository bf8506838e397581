"""Academic years: stored by their ending calendar year (2023 = 2022/23), shown as «2022/23»;
read from addresses by one parser, so a malformed year is a message or a 404, never a 500."""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db.models import QuerySet, Value
from django.utils import timezone


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{year % 100:02d}"


def current_academic_year(today: datetime.date) -> int:
    # The school year starts on 1 September.
    return today.year + 1 if today.month >= 9 else today.year


def academic_year_end(year: int) -> datetime.date:
    return datetime.date(year, 8, 31)


def deadlines_as_of(year: int, today: datetime.date) -> datetime.date:
    """The day deadlines of `year` are counted against: today while the year runs (or is still
    ahead), its last day once it is over. A coordinator looking back at a past year asks what was
    left undone when it ended, not what a later calendar says of every plan of that year."""
    return min(today, academic_year_end(year))


def deadline_day(user) -> datetime.date:
    """The day the user's pages mark deadlines «просрочено» against: of the year in view."""
    return deadlines_as_of(year_in_view(user), timezone.localdate())


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


# --- The year in view ------------------------------------------------------------------------
# Each app that holds yearly data registers here (in its AppConfig.ready) a function
# user → a query of the years of its data in the user's scope (a column `year`). The registry sits
# below those apps, so it asks them this way instead of importing them; it reads all of them
# in one UNION, since every page's header asks, and a page that needs one app's years (the
# results table, the home page) takes them from the same read.
YearSource = Callable[..., QuerySet]
_YEAR_SOURCES: list[YearSource] = []


def year_source(source: YearSource) -> YearSource:
    """Register `source(*, user)`: a query of the academic years an app has data for in the
    user's scope, in a column named `year`."""
    if source not in _YEAR_SOURCES:
        _YEAR_SOURCES.append(source)
    return source


def years_in_scope(user) -> list[int]:
    """The years with results, lists, programs or campaigns in the user's scope, newest first."""
    every = {year for years in _years_by_source(user).values() for year in years}
    return sorted(every, reverse=True)


def years_of(source: YearSource, user) -> list[int]:
    """The years of one registered source in the user's scope, newest first, from the same read
    as the header's (a copy: the page may change its list, the next reader must not see it)."""
    return list(_years_by_source(user)[source])


def _years_by_source(user) -> dict[YearSource, list[int]]:
    """Each source's years, read once per request (kept on the user object the request carries):
    one UNION whose rows say which source they come from."""
    cached = getattr(user, "_years_by_source", None)
    if cached is None:
        first, *others = (
            source(user=user).order_by().values_list("year", Value(index))
            for index, source in enumerate(_YEAR_SOURCES)
        )
        cached = {source: [] for source in _YEAR_SOURCES}
        for year, index in sorted(first.union(*others), key=lambda row: row[0] or 0, reverse=True):
            if year:
                cached[_YEAR_SOURCES[index]].append(year)
        user._years_by_source = cached
    return cached


def year_in_view(user) -> int:
    """The academic year every section opens on: the one the user chose in the header, else the
    latest year with data in the user's scope (a new region opens on its first data, the demo on
    its own last year, not on an empty calendar year), else the calendar's."""
    if user.is_authenticated and user.academic_year:
        return user.academic_year
    years = years_in_scope(user) if user.is_authenticated else []
    return years[0] if years else current_academic_year(timezone.localdate())


def latest_up_to(year: int, years) -> int | None:
    """The latest of `years` not after `year`: the year in view, or before its own data are in,
    the last year that has them (a list for Y is made from the results of Y − 1)."""
    return max((y for y in years if y <= year), default=None)


def page_year(request, *, years: list[int] | None = None) -> int:
    """The year a page shows: `?year=` when asked, else the year in view. A page whose own data
    (`years`, e.g. the years with results) lack the year in view shows the latest earlier year
    that has them, and says so: a list for 2023/24 is made from the results of 2022/23, so those
    are the results to show beside it, not an empty table."""
    chosen = year_in_view(request.user)
    if request.GET.get("year", "").strip():
        return requested_year(request, default=chosen)
    if not years or chosen in years:
        return chosen
    shown = latest_up_to(chosen, years) or min(years)
    messages.info(
        request,
        f"За {academic_year_label(chosen)} учебный год здесь данных пока нет: "
        f"показан {academic_year_label(shown)}.",
    )
    return shown


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
