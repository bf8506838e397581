"""The «Сроки» column of a roadmap as dates: «Март-апрель 2023» → 2023-03-01..2023-04-30.

Pure Python (no Django), so importers, reports and tests share one reading of the column.

Kinds of period:

- ``date`` — one day («03.07.2023», «15.11.2021»), or the span between two named days;
- ``month`` — one month («Август 2023»); ``months`` — several («Март-апрель 2022 г», «сентябрь
  2023 – май 2024», «июнь, январь 2022»: a list spans its earliest to its latest month);
- ``year`` — calendar years («2024», «2022 год», «2022-2024 гг.»);
- ``academic_year`` — school years, 1 September to 31 August («2023-2024 уч. год»);
- ``within_year`` — «в течение года» (the context year) or «в течение учебного года» (the
  school year that starts in the context year); no dates without a context year;
- ``until`` — a deadline: start None, end the day named («до 01.09.2023»);
- ``recurring`` — only a recurrence, no dates («ежегодно», «2 раза в год», «постоянно»);
- ``schedule`` — only a reference to a plan, order or need («по отдельному графику», «по
  запросу», «по итогам года», «по мере необходимости»);
- ``unknown`` — nothing recognised; start and end None.

Dated kinds can also carry ``recurrence`` («Октябрь 2023 (ежегодно)» → month, «ежегодно») and
``schedule`` («2023-24 уч. год по отдельному плану» → academic year, «по отдельному плану»).
A month or range written without a year takes ``year`` (the calendar year the period starts in);
without it the kind is still found, but start and end stay None.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

KINDS = (
    "date",
    "month",
    "months",
    "year",
    "academic_year",
    "within_year",
    "schedule",
    "recurring",
    "until",
    "unknown",
)
NEVER_OVERDUE = frozenset({"recurring", "schedule", "unknown"})


@dataclass(frozen=True)
class Period:
    text: str  # as written
    kind: str  # one of KINDS
    start: date | None
    end: date | None  # the last day of the period, inclusive
    recurrence: str = ""  # words of recurrence, lower case: «ежегодно», «2 раза в год»
    schedule: str = ""  # words naming a plan or trigger: «по отдельному плану», «по запросу»


# Stems of month names, with their usual abbreviations; the first group of each is the month.
_MONTH_FORMS = (
    (1, r"январ[ьяюе]|янв"),
    (2, r"феврал[ьяюе]|февр?"),
    (3, r"март[аеу]?|мар"),
    (4, r"апрел[ьяюе]|апр"),
    (5, r"ма[йяюе]"),
    (6, r"июн[ьяюе]?"),
    (7, r"июл[ьяюе]?"),
    (8, r"август[аеу]?|авг"),
    (9, r"сентябр[ьяюе]|сент?"),
    (10, r"октябр[ьяюе]|окт"),
    (11, r"ноябр[ьяюе]|нояб?"),
    (12, r"декабр[ьяюе]|дек"),
)
_GENITIVE = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_END_OF_WORD = r"(?![а-яa-z])\.?"
_MONTH = "|".join(f"(?P<m{n}>{forms})" for n, forms in _MONTH_FORMS)
_YEAR = r"(?:19|20)\d{2}"

# One scan, left to right; at each place the first alternative that matches wins.
_TOKEN = re.compile(
    rf"(?P<date>(?<![\d.])(?P<d_day>\d{{1,2}})\.(?P<d_month>\d{{1,2}})\.(?P<d_year>\d{{4}}|\d{{2}})"
    r"(?!\d)(?!\.\d))"
    rf"|(?P<word_date>(?<!\d)(?P<w_day>\d{{1,2}})\s*(?P<w_month>{_GENITIVE})(?![а-я])"
    rf"(?:\s*(?P<w_year>{_YEAR})(?!\d))?)"
    rf"|(?P<month_num>(?<![\d.])(?P<n_month>\d{{1,2}})\.(?P<n_year>{_YEAR})(?!\d)(?!\.\d))"
    rf"|(?P<pair>(?<!\d)(?P<p_first>{_YEAR})\s*(?P<p_sep>[-/])\s*(?P<p_second>{_YEAR}|\d{{2}})"
    r"(?!\d))"
    rf"|(?P<month>(?<![а-я])(?:{_MONTH}){_END_OF_WORD}(?:\s*(?P<m_year>{_YEAR})(?!\d)(?!\s*[-/]\s*\d))?)"
    rf"|(?P<year>(?<!\d){_YEAR}(?!\d))"
)
_GENITIVE_NUMBER = {name: n for n, name in enumerate(_GENITIVE.split("|"), start=1)}

_UNIT = r"(?:год[ау]?|четверть|четв\.?|месяц|квартал|полугодие|неделю|триместр|семестр)(?![а-я])"
_RECURRENCE = re.compile(
    r"(?<![а-я])(?:ежегодно|ежемесячно|ежеквартально|еженедельно|ежедневно|постоянно|регулярно"
    r"|систематически|периодически)(?![а-я])"
    rf"|(?:не\s+(?:реже|менее)\s+)?(?:\d+\s*|(?:один|два|три|четыре)\s+)?(?<![а-я])раза?\s*(?:в|/)\s*{_UNIT}"
    rf"|(?:не\s+(?:реже|менее)\s+)?\d+\s*р\.?\s*(?:в\s+|/)\s*{_UNIT}"
    rf"|(?:дважды|трижды)\s+в\s+{_UNIT}"
    r"|(?<![а-я])кажд[а-я]*\s+(?:тек\.\s*|текущ[а-я]*\s+|учебн[а-я]*\s+|календарн[а-я]*\s+)?"
    r"(?:год|четверт|месяц|квартал|полугоди|недел|триместр|семестр)[а-я]*"
)
_SCHEDULE = re.compile(
    r"(?<![а-я])(?:по|согласно)\s+(?:отдельному\s+|утвержденному\s+)?"
    r"(?:плану-графику|план-графику|графику|плану|расписанию)(?![а-я])"
    r"|(?<![а-я])по\s+срокам(?:\s+[а-я]+)?"
    r"|(?<![а-я])по\s+(?:мере\s+)?необходимости"
    r"|(?<![а-я])по\s+мере\s+[а-я]+"
    r"|(?<![а-я])по\s+(?:запросу|запросам|факту)(?![а-я])"
    r"|(?<![а-я])по\s+итогам(?:\s+(?:кажд|отчетн|учебн|календарн)[а-я]*)?(?:\s+[а-я]+)?"
    r"|(?:(?<![а-я])в\s+течение\s+[а-я]+\s+)?(?<![а-я])после\s+[а-я]+(?:\s+[а-я]+)?"
)
_WITHIN_YEAR = re.compile(
    r"(?<![а-я])в\s+течени[еи]\s+(?:всего\s+)?(?:(?P<kind>календарного|учебного)\s+)?года"
    r"|(?<![а-я])(?:круглогодично|весь\s+год)(?![а-я])"
)
_ACADEMIC = re.compile(r"(?<![а-я])уч(?:\.|еб|(?![а-я]))")
_CALENDAR_YEARS = re.compile(r"\s*(?:гг|годы|годах|год)(?![а-я])")
_UNTIL = re.compile(r"(?:^|[^а-я])(?:до|не\s+позднее|не\s+позже|к)\s*$")
_UNTIL_END_OF = re.compile(r"(?:^|[^а-я])до\s+конца\s*$")
_LIST = re.compile(r",|;|(?<![а-я])и(?![а-я])")

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_TAGS = re.compile(r"<[^>]*>")


def parse_period(text: str, *, year: int | None = None) -> Period:
    """Read one «Сроки» cell; never raises: what cannot be read is kind «unknown»."""
    raw = text if isinstance(text, str) else ""
    try:
        return _parse(raw, year if isinstance(year, int) else None)
    except Exception:  # the promise is «never raises»: an impossible date, a year out of range
        return Period(raw, "unknown", None, None)


def is_overdue(period: Period, *, today: date, done: bool) -> bool:
    """Not done, and the period's last day is before today; undated periods are never overdue."""
    if done or period.kind in NEVER_OVERDUE or period.end is None:
        return False
    return period.end < today


def _normalise(text: str) -> str:
    text = _TAGS.sub(" ", text).replace("\u00ad", "")
    text = _DASHES.sub("-", text).lower().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def _phrases(pattern: re.Pattern, text: str) -> str:
    found: list[str] = []
    for match in pattern.finditer(text):
        phrase = match.group(0).strip(" .,")
        if phrase and phrase not in found:
            found.append(phrase)
    return ", ".join(found)


def _parse(raw: str, year: int | None) -> Period:
    text = _normalise(raw)
    recurrence = _phrases(_RECURRENCE, text)
    schedule = _phrases(_SCHEDULE, text)

    def period(kind: str, start: date | None = None, end: date | None = None) -> Period:
        return Period(raw, kind, start, end, recurrence, schedule)

    tokens = list(_TOKEN.finditer(text))
    days = [t for t in tokens if t.lastgroup in ("date", "word_date")]
    months = [t for t in tokens if t.lastgroup in ("month", "month_num")]
    pairs = [t for t in tokens if t.lastgroup == "pair"]
    years = [int(t.group("year")) for t in tokens if t.lastgroup == "year"]

    dated = _days(days, year)
    if dated is not None:
        first, last = dated
        if _UNTIL.search(text[: days[0].start()]):
            return period("until", None, last)
        return period("date", first, last)

    academic: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] = []
    for token in pairs:
        first, second = _pair(token)
        if second <= first:
            continue
        short = token.group("p_sep") == "/" or len(token.group("p_second")) == 2
        is_academic = (short or _ACADEMIC.search(text) is not None) and not _CALENDAR_YEARS.match(
            text, token.end()
        )
        (academic if is_academic else spans).append((first, second))

    if months:
        fallback = years[0] if years else None
        if fallback is None and academic:
            fallback = academic[0]
        elif fallback is None and spans:
            fallback = spans[0][0]
        return _months(text, months, fallback if fallback is not None else year, period)

    if academic:
        start = date(min(a for a, _ in academic), 9, 1)
        return period("academic_year", start, date(max(b for _, b in academic), 8, 31))

    if spans or years:
        first = min([a for a, _ in spans] + years)
        last = max([b for _, b in spans] + years)
        first_token = next(t for t in tokens if t.lastgroup in ("pair", "year"))
        before = text[: first_token.start()]
        if _UNTIL_END_OF.search(before):
            return period("until", None, date(last, 12, 31))
        if _UNTIL.search(before):
            return period("until", None, date(first - 1, 12, 31))
        return period("year", date(first, 1, 1), date(last, 12, 31))

    within = _WITHIN_YEAR.search(text)
    if within:
        if year is None:
            return period("within_year")
        if within.group("kind") == "учебного":
            return period("within_year", date(year, 9, 1), date(year + 1, 8, 31))
        return period("within_year", date(year, 1, 1), date(year, 12, 31))

    if recurrence:
        return period("recurring")
    if schedule:
        return period("schedule")
    return period("unknown")


def _days(tokens: list[re.Match], year: int | None) -> tuple[date | None, date | None] | None:
    """First and last of the named days; None when no day is named (or none is a real date)."""
    found: list[date | None] = []
    for token in tokens:
        if token.lastgroup == "date":
            day, month = int(token.group("d_day")), int(token.group("d_month"))
            y = int(token.group("d_year"))
            y = y + 2000 if y < 100 else y
        else:
            day, month = int(token.group("w_day")), _GENITIVE_NUMBER[token.group("w_month")]
            y = int(token.group("w_year")) if token.group("w_year") else year
        if y is None:
            found.append(None)
            continue
        try:
            found.append(date(y, month, day))
        except ValueError:
            continue
    if not found:
        return None
    known = [d for d in found if d is not None]
    if not known:
        return None, None
    return min(known), max(known)


def _pair(token: re.Match) -> tuple[int, int]:
    first, second = int(token.group("p_first")), token.group("p_second")
    if len(second) == 2:
        return first, first // 100 * 100 + int(second)
    return first, int(second)


def _months(
    text: str,
    tokens: list[re.Match],
    fallback: int | tuple[int, int] | None,
    period: Callable[..., Period],
) -> Period:
    """Months in the order written, each with its year when written next to it."""
    numbers: list[int] = []
    years: list[int | None] = []
    for token in tokens:
        if token.lastgroup == "month_num":
            numbers.append(int(token.group("n_month")))
            years.append(int(token.group("n_year")))
        else:
            numbers.append(next(n for n in range(1, 13) if token.group(f"m{n}")))
            years.append(int(token.group("m_year")) if token.group("m_year") else None)
    if not all(1 <= n <= 12 for n in numbers):
        return period("unknown")
    # Between two months: a comma or «и» makes a list (same year); a dash, «по» or nothing a
    # range, where a smaller month number means the next year («сентябрь – май»).
    ranges = [
        not _LIST.search(text[left.end() : right.start()])
        for left, right in zip(tokens, tokens[1:], strict=False)
    ]
    for i in range(len(tokens) - 2, -1, -1):
        if years[i] is None and years[i + 1] is not None:
            years[i] = years[i + 1] - int(ranges[i] and numbers[i] > numbers[i + 1])
    if years[0] is None and fallback is not None:
        if isinstance(fallback, tuple):  # a school year: September..December in its first year
            years[0] = fallback[0] if numbers[0] >= 9 else fallback[1]
        else:
            years[0] = fallback
    for i in range(1, len(tokens)):
        if years[i] is None and years[i - 1] is not None:
            years[i] = years[i - 1] + int(ranges[i - 1] and numbers[i] < numbers[i - 1])

    kind = "month" if len(set(zip(numbers, years, strict=True))) == 1 else "months"
    if years[0] is None:
        return period(kind)
    first_year, first_month = min(zip(years, numbers, strict=True))
    last_year, last_month = max(zip(years, numbers, strict=True))
    start = date(first_year, first_month, 1)
    end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    before = text[: tokens[0].start()]
    if kind == "month" and _UNTIL_END_OF.search(before):
        return period("until", None, end)
    if kind == "month" and _UNTIL.search(before):
        return period("until", None, date.fromordinal(start.toordinal() - 1))
    return period(kind, start, end)


_YEAR = re.compile(r"(?<!\d)(\d{4})(?:(\s*[-–—/]\s*)(\d{2})(?!\d))?(?!\d)")


def shift_years(text: str, *, first: int, last: int, by: int) -> str:
    """The years of a program's period moved `by` years in its text: «на 2022-2024 годы» →
    «на 2025-2027 годы», «2023-24 уч. год» → «2026-27 уч. год», «до 30.09.2023» → «до
    30.09.2026». Years outside first-1..last+1 (a law of 2012 in the basis) stay as written."""

    def shifted(match: re.Match) -> str:
        year = int(match[1])
        if not first - 1 <= year <= last + 1:
            return match[0]
        if match[3] is None:
            return str(year + by)
        return f"{year + by}{match[2]}{(int(match[3]) + by) % 100:02d}"

    return _YEAR.sub(shifted, text)


def shift_date(day: date | None, *, by: int) -> date | None:
    """The same day `by` years later; 29 February becomes the 28th in a common year."""
    if day is None:
        return None
    if day.month == 2 and day.day == 29 and not calendar.isleap(day.year + by):
        return date(day.year + by, 2, 28)
    return day.replace(year=day.year + by)
