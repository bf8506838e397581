"""Reading the reports of ФИС ОКО as a coordinator downloads them (XLSX): «Статистика по
отметкам» and «Сравнение отметок с отметками по журналу». Pure Python, no Django: the import
service matches the rows to schools and subjects and hands them to the one result pipeline.

A report starts with title lines (the procedure, year and grade, «Предмет: …», the report's
name), then a header row found by its labels, not by its position, then one row (or, in the
journal report, one block of rows) per group of participants: «Вся выборка», the region, the
municipality, and schools, each named «(login) name».
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from opora.tabular import ImportRefused, Problem, header_key

MARKS = "marks"
JOURNAL = "journal"
TITLES = {
    MARKS: "Статистика по отметкам",
    JOURNAL: "Сравнение отметок с отметками по журналу",
}
GROUPS = "Группы участников"
PARTICIPANTS = "Кол-во участников"
DISTRIBUTION = "Распределение групп баллов в %"
PERCENT = "%"
MARK_FIELDS = {"2": "mark_2", "3": "mark_3", "4": "mark_4", "5": "mark_5"}
JOURNAL_FIELDS = {
    "понизили": "journal_lowered",
    "подтвердили": "journal_confirmed",
    "повысили": "journal_raised",
}
TOTAL = "всего"
COUNTRY = "вся выборка"
HEADER_SEARCHED = 30  # title lines above the header: a handful in every report seen
_PROCEDURES = {"всероссийские проверочные работы": "VPR", "впр": "VPR"}
_TITLE = re.compile(
    r"(?P<procedure>всероссийские проверочные работы|впр)\s*(?P<year>\d{4})\s*"
    r"\(\s*(?P<grade>\d{1,2})\s*класс",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"^\s*предмет\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)
_SCHOOL = re.compile(r"^\((?P<login>[^()\s]+)\)\s*(?P<name>.*)$")

EXPECTED = (
    "ожидается отчёт ФИС ОКО «Статистика по отметкам» или «Сравнение отметок с отметками по "
    "журналу» (строки заголовка: процедура и год, «Предмет: …», название отчёта)"
)


@dataclass
class Group:
    """One row of «Статистика по отметкам», or one block of the journal report."""

    number: int  # the row in the file
    label: str  # as written: «Вся выборка», «Саратовская обл.», «(sch640101) МОУ …»
    participants: int | None = None
    counts: dict[str, int] = field(default_factory=dict)  # mark_2… or journal_…
    shares: dict[str, Decimal] = field(default_factory=dict)  # percent, as the report gives it

    @property
    def login(self) -> str:
        found = _SCHOOL.match(self.label)
        return found["login"].lower() if found else ""

    @property
    def name(self) -> str:
        found = _SCHOOL.match(self.label)
        return found["name"] if found else self.label


@dataclass
class Report:
    kind: str  # MARKS or JOURNAL
    assessment: str  # VPR
    year: int  # the year the academic year ends: ВПР 2023 is 2022/23
    grade: int
    subject: str  # the subject's name as written
    subject_row: int
    groups: list[Group]

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def territories(self) -> list[tuple[str, Group]]:
        """(level, group) of the rows that are not schools: «Вся выборка» is the country, the
        first row after it the region, the others municipalities (each before its schools)."""
        levels, seen_region = [], False
        for group in self.groups:
            if group.login:
                continue
            if header_key(group.label) == header_key(COUNTRY):
                levels.append(("country", group))
            elif not seen_region:
                levels.append(("region", group))
                seen_region = True
            else:
                levels.append(("municipality", group))
        return levels

    def schools(self) -> list[Group]:
        return [g for g in self.groups if g.login]


def is_report(lines: list[list[str]]) -> bool:
    """Whether the sheet is a report of ФИС ОКО rather than a table with a first-row header."""
    return _header_row(lines) is not None


def read_report(lines: list[list[str]], *, filename: str) -> Report:
    """The report in the sheet's `lines`; refused, naming the row and column, when anything in
    it cannot be read."""
    header_index = _header_row(lines)
    if header_index is None:
        raise ImportRefused(filename, [Problem(None, None, EXPECTED)])
    titles = [(i + 1, " ".join(c for c in line if c).strip()) for i, line in enumerate(lines)]
    titles = titles[:header_index]
    kind = next(
        (k for k, t in TITLES.items() for _, text in titles if header_key(t) in header_key(text)),
        None,
    )
    title = next((m for _, text in titles if (m := _TITLE.search(text))), None)
    subject = next(((n, m) for n, text in titles if (m := _SUBJECT.match(text))), None)
    problems = []
    if kind is None:
        problems.append(Problem(None, None, f"не найдено название отчёта: {EXPECTED}"))
    if title is None:
        problems.append(
            Problem(
                None,
                None,
                "в строках над заголовком не найдены процедура, год и класс, например "
                "«Всероссийские проверочные работы 2023 (5 класс)»",
            )
        )
    if subject is None:
        problems.append(Problem(None, None, "в строках над заголовком нет строки «Предмет: …»"))
    if problems:
        raise ImportRefused(filename, problems)
    read = _marks_groups if kind == MARKS else _journal_groups
    groups, problems = read(lines, header_index)
    if problems:
        raise ImportRefused(filename, problems)
    return Report(
        kind=kind,
        assessment=_PROCEDURES[title["procedure"].lower()],
        year=int(title["year"]),
        grade=int(title["grade"]),
        subject=subject[1]["name"],
        subject_row=subject[0],
        groups=groups,
    )


def _header_row(lines: list[list[str]]) -> int | None:
    """The 0-based index of the row holding «Группы участников» and «Кол-во участников»."""
    for index, line in enumerate(lines[:HEADER_SEARCHED]):
        keys = {header_key(c) for c in line if c}
        if header_key(GROUPS) in keys and header_key(PARTICIPANTS) in keys:
            return index
    return None


def _column(line: list[str], label: str) -> int | None:
    keys = [header_key(c) for c in line]
    return keys.index(header_key(label)) if header_key(label) in keys else None


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _place(index: int, label: str) -> str:
    """A column as a coordinator finds it in Excel: its letter and its header."""
    return f"{_letter(index)} — {label}"


def _marks_groups(lines: list[list[str]], header_index: int) -> tuple[list[Group], list[Problem]]:
    header = lines[header_index]
    groups_at, participants_at = _column(header, GROUPS), _column(header, PARTICIPANTS)
    # «Распределение групп баллов в %» is merged over four columns; the row below names them.
    marks_row = lines[header_index + 1] if len(lines) > header_index + 1 else []
    marks_at = {mark: _column(marks_row, mark) for mark in MARK_FIELDS}
    if _column(header, DISTRIBUTION) is None or None in marks_at.values():
        return [], [
            Problem(
                header_index + 2,
                None,
                f"под заголовком «{DISTRIBUTION}» ожидается строка «2 | 3 | 4 | 5»",
            )
        ]
    groups, problems = [], []
    for index in range(header_index + 2, len(lines)):
        cells = lines[index] + [""] * len(header)
        label = cells[groups_at].strip()
        if not label:
            continue
        group = Group(number=index + 1, label=label)
        group.participants = _whole(
            cells[participants_at], group.number, _place(participants_at, PARTICIPANTS), problems
        )
        for mark, at in marks_at.items():
            share = _percent(cells[at], group.number, _place(at, f"{mark} (%)"), problems)
            if share is not None:
                group.shares[MARK_FIELDS[mark]] = share
        # Only a school's counts are kept. A territory's are not recovered: two decimals of a
        # percent of tens of thousands of participants do not give each count exactly.
        complete = group.participants is not None and len(group.shares) == len(MARK_FIELDS)
        if group.login and complete:
            _recover_counts(group, problems, _place(participants_at, PARTICIPANTS))
        groups.append(group)
    return groups, problems


def _recover_counts(group: Group, problems: list[Problem], column: str) -> None:
    """Counts of marks from percentages given to two decimals: participants × percent / 100,
    rounded, exact for a school (under 10 000 participants); when they do not add up, the
    percentages do not belong to the participants."""
    group.counts = {
        name: int((group.participants * share / 100).quantize(Decimal(1), ROUND_HALF_UP))
        for name, share in group.shares.items()
    }
    total = sum(group.counts.values())
    if total != group.participants:
        counts = ", ".join(f"«{m}» — {group.counts[f]}" for m, f in MARK_FIELDS.items())
        problems.append(
            Problem(
                group.number,
                column,
                f"участников {group.participants}, а по процентам выходит {total} ({counts})",
            )
        )


def _journal_groups(lines: list[list[str]], header_index: int) -> tuple[list[Group], list[Problem]]:
    """Blocks of a group's name row, then «Понизили…», «Подтвердили…», «Повысили…», «Всего»."""
    header = lines[header_index]
    groups_at, count_at = _column(header, GROUPS), _column(header, PARTICIPANTS)
    percent_at = _column(header, PERCENT)
    if percent_at is None:
        return [], [Problem(header_index + 1, None, "в заголовке нет столбца «%»")]
    groups, problems, group, totals = [], [], None, {}
    for index in range(header_index + 1, len(lines)):
        cells = lines[index] + [""] * len(header)
        label = cells[groups_at].strip()
        if not label:
            continue
        number = index + 1
        word = header_key(label.split("(")[0])
        kind = next((f for w, f in JOURNAL_FIELDS.items() if word.startswith(w)), None)
        if kind is None and not word.startswith(TOTAL):
            group = Group(number=number, label=label)
            groups.append(group)
            continue
        if group is None:
            problems.append(Problem(number, _place(groups_at, GROUPS), "нет строки группы выше"))
            continue
        count = _whole(cells[count_at], number, _place(count_at, PARTICIPANTS), problems)
        share = _percent(cells[percent_at], number, _place(percent_at, PERCENT), problems)
        if kind is None:
            group.participants, totals[id(group)] = count, number
        elif count is not None:
            group.counts[kind] = count
            if share is not None:
                group.shares[kind] = share
    for group in groups:
        if len(group.counts) != len(JOURNAL_FIELDS):
            problems.append(
                Problem(
                    group.number,
                    _place(groups_at, GROUPS),
                    "у группы нет трёх строк «Понизили», «Подтвердили», «Повысили»",
                )
            )
        elif group.participants is None:
            group.participants = sum(group.counts.values())
        elif sum(group.counts.values()) != group.participants:
            problems.append(
                Problem(
                    totals[id(group)],
                    _place(count_at, PARTICIPANTS),
                    f"всего {group.participants}, а понизили, подтвердили и повысили "
                    f"вместе {sum(group.counts.values())}",
                )
            )
    return groups, problems


def _number_text(text: str) -> str:
    return text.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()


def _whole(text: str, row: int, column: str, problems: list[Problem]) -> int | None:
    """A count of participants: a whole number, even when Excel keeps it as text."""
    digits = _number_text(text)
    if digits.endswith(".0"):  # a number stored as 12.0
        digits = digits[:-2]
    if not digits.isdecimal():
        problems.append(Problem(row, column, f"ожидается целое число участников, а не «{text}»"))
        return None
    return int(digits)


def _percent(text: str, row: int, column: str, problems: list[Problem]) -> Decimal | None:
    """A percentage with a decimal comma or point, as number or as text."""
    try:
        share = Decimal(_number_text(text).removesuffix("%"))
    except InvalidOperation:
        problems.append(Problem(row, column, f"ожидается процент, а не «{text}»"))
        return None
    if not share.is_finite() or not 0 <= share <= 100:
        problems.append(Problem(row, column, f"процент должен быть от 0 до 100, а не «{text}»"))
        return None
    return share.quantize(Decimal("0.01"), ROUND_HALF_UP)
