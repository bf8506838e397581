"""A program as the seeds lay it out: DOCX and PDF with the passport, goals, indicators and a
landscape roadmap in the columns of the document the program was made from (Program.table_model,
ROADMAP_LAYOUTS); XLSX with a sheet of indicators and one of the roadmap, which is loaded back
(services.program_tables_import) and so keeps one set of columns for every program.

What an official document never carries: the analyst's notes on a source (Indicator.note,
Program.flags), activity statuses and anything measured against today's date. Invented demo
content (Program.is_example) says «ПРИМЕР» on its first page."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from opora.exports import xlsx_workbook_bytes
from opora.programs.models import PASSPORT_FIELDS, Activity, Program, TableModel
from opora.programs.selectors import indicator_rows
from opora.registry.years import academic_year_label
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx
from opora.reports.pdf import render_pdf_document

INDICATOR_SHEET = "Целевые показатели"
ROADMAP_SHEET = "Дорожная карта"
INDICATOR_COLUMNS = [
    "№",
    "Раздел",
    "Показатель",
    "Единица",
    "Базовое значение",
    "Год базового",
    "Цели по годам",
    "Примечание",
]
ROADMAP_COLUMNS = [
    "№",
    "Раздел",
    "Мероприятие",
    "Сроки",
    "Ответственные",
    "Адресаты",
    "Ожидаемый результат",
    "Показатель выполнения",
    "Статус",
]
# The XLSX is loaded back (services.program_tables_import), so it also carries what identifies a
# row: the school of a per-school indicator (indicators of several schools share a number) and a
# roadmap's schools by code, apart from the addressees written in words.
INDICATOR_SHEET_COLUMNS = [*INDICATOR_COLUMNS, "Код школы"]
ROADMAP_SHEET_COLUMNS = [*ROADMAP_COLUMNS, "Коды школ"]


def _listing() -> Iterator[Document]:
    for program in Program.objects.order_by("pk"):
        yield Document(f"program-{program.pk}", "program", program.name, ("docx", "xlsx", "pdf"))


def indicator_sheet(program: Program) -> Iterator[list]:
    yield INDICATOR_SHEET_COLUMNS
    for row in indicator_rows(program=program):
        indicator = row.indicator
        targets = "; ".join(f"{year}: {value}" for year, value in row.targets.items())
        yield [
            indicator.number,
            indicator.section,
            indicator.name,
            indicator.get_unit_display(),
            indicator.baseline,
            indicator.baseline_year or "",
            targets,
            indicator.note,
            indicator.school.code if indicator.school else "",
        ]


def roadmap_sheet(program: Program) -> Iterator[list]:
    """The addressees in words and the schools by code in a column of their own."""
    yield ROADMAP_SHEET_COLUMNS
    for activity in program.activities.prefetch_related("schools"):
        schools = sorted(activity.schools.all(), key=lambda s: s.code)
        yield [
            activity.number,
            activity.section,
            activity.text,
            activity.period,
            activity.responsible,
            activity.addressees,
            activity.expected_result,
            activity.implementation_indicator,
            activity.get_status_display(),
            ", ".join(s.code for s in schools),
        ]


def program_xlsx(program: Program) -> bytes:
    return xlsx_workbook_bytes(
        {INDICATOR_SHEET: indicator_sheet(program), ROADMAP_SHEET: roadmap_sheet(program)}
    )


@dataclass(frozen=True)
class Column:
    heading: str
    width_cm: float  # of a landscape page, 25.7 cm in all
    value: Callable[[Activity], str]
    # Printed once for a run of equal values, as the seed merges the cells (003's tasks and
    # their planned results): a continuation row leaves it blank.
    once: bool = False


def _numbered_text(activity: Activity) -> str:
    return f"{activity.number} {activity.text}".strip()


def _task(activity: Activity) -> str:
    task = activity.task
    return f"{task.number} {task.text}".strip() if task else ""


def _addressees_and_schools(activity: Activity) -> str:
    names = [s.short_name for s in sorted(activity.schools.all(), key=lambda s: s.code)]
    return ", ".join([activity.addressees] * bool(activity.addressees) + names)


# The roadmap of each seed in its own columns (headings verbatim from the seed, domain §§ in
# ../shared/domain); GENERIC is the grid of a program made in Opora without a template.
ROADMAP_LAYOUTS: dict[str, list[Column]] = {
    TableModel.GENERIC: [
        Column("№", 1.2, lambda a: a.number),
        Column("Мероприятие", 6.5, lambda a: a.text),
        Column("Сроки", 3.0, lambda a: a.period),
        Column("Ответственные", 3.5, lambda a: a.responsible),
        Column("Адресаты", 3.5, _addressees_and_schools),
        Column("Ожидаемый результат", 4.5, lambda a: a.expected_result),
        Column("Показатель выполнения", 3.5, lambda a: a.implementation_indicator),
    ],
    # 001 Тюмень: stages as heading rows.
    TableModel.STAGES: [
        Column("№", 1.2, lambda a: a.number),
        Column("Мероприятие", 9.5, lambda a: a.text),
        Column("Сроки", 3.5, lambda a: a.period),
        Column("Исполнители", 5.5, lambda a: a.responsible),
        Column("Результат", 6.0, lambda a: a.expected_result),
    ],
    # 002 Тербуны: eight numbered sections as heading rows.
    TableModel.SECTIONS: [
        Column("№", 1.5, lambda a: a.number),
        Column("Мероприятие", 14.2, lambda a: a.text),
        Column("Сроки", 4.0, lambda a: a.period),
        Column("Ответственный", 6.0, lambda a: a.responsible),
    ],
    # 003 Пировское: a heading row per risk factor; each task and its planned result once.
    TableModel.RISK_FACTORS: [
        Column("Задачи", 4.5, _task, once=True),
        Column("Планируемые результаты", 4.5, lambda a: a.expected_result, once=True),
        Column("Меры, мероприятия", 6.2, _numbered_text),
        Column("Сроки реализации", 2.8, lambda a: a.period),
        Column("Показатели реализации", 4.5, lambda a: a.implementation_indicator, once=True),
        Column("Ответственные", 3.2, lambda a: a.responsible),
    ],
    # 004 Свободный: seven columns, the task beside each activity, no sections.
    TableModel.TASKS: [
        Column("№ п/п", 1.5, lambda a: a.number),
        Column("Мероприятие", 4.6, lambda a: a.text),
        Column("Задача", 4.2, lambda a: a.task.text if a.task else ""),
        Column("Адресность мероприятия", 3.6, _addressees_and_schools),
        Column("Период (срок реализации)", 2.8, lambda a: a.period),
        Column("Ответственные", 3.2, lambda a: a.responsible),
        Column("Ожидаемые результаты", 5.8, lambda a: a.expected_result),
    ],
    # 000 Ивантеевка, «Перечень мероприятий»: sections and the «Отчет» column filled at year end.
    TableModel.REPORT: [
        Column("№ п/п", 1.2, lambda a: a.number),
        Column("Мероприятия", 8.0, lambda a: a.text),
        Column("Сроки", 3.0, lambda a: a.period),
        Column("Ответственные", 4.0, lambda a: a.responsible),
        Column("Планируемый результат", 6.0, lambda a: a.expected_result),
        Column("Отчет", 3.5, lambda a: ""),
    ],
    # 000 Ивантеевка, «Дорожная карта по направлению…»: indicative indicators.
    TableModel.INDICATIVE: [
        Column("№ п\\п", 1.2, lambda a: a.number),
        Column("Наименование мероприятия", 10.0, lambda a: a.text),
        Column("Срок исполнения (месяц, год)", 4.0, lambda a: a.period),
        Column("Индикативные показатели", 6.5, lambda a: a.implementation_indicator),
        Column("Исполнители", 4.0, lambda a: a.responsible),
    ],
}


def _group_heading(activity: Activity, layout: str) -> str:
    if layout == TableModel.RISK_FACTORS and activity.task and activity.task.goal.text:
        return f"{activity.section}\nЦель: {activity.task.goal.text}".strip()
    return activity.section


def roadmap_table(program: Program) -> L.Table:
    """The roadmap in its program's layout: a section, stage or risk factor heads its rows once;
    a column merged in the seed is printed once for its run of rows."""
    columns = ROADMAP_LAYOUTS[program.table_model]
    activities = program.activities.select_related("task__goal").prefetch_related("schools")
    rows: list = []
    group, previous = None, None
    for activity in activities:
        heading = _group_heading(activity, program.table_model)
        if heading != group:
            group, previous = heading, None
            if heading:
                rows.append(L.GroupRow(heading))
        values = [column.value(activity) or "" for column in columns]
        cells, same = [], previous is not None
        for i, (column, value) in enumerate(zip(columns, values, strict=True)):
            # A merged column continues while every merged column left of it continues.
            same = same and column.once and value == previous[i] if column.once else same
            cells.append("" if column.once and same else value)
        rows.append(cells)
        previous = values
    return L.Table(
        header=[[c.heading for c in columns]],
        rows=rows,
        widths_cm=[c.width_cm for c in columns],
        font_pt=L.MIN_TABLE_PT,
    )


def indicator_table(program: Program) -> L.Table:
    """Indicators under their sections, with the columns that have a value in some row: the
    seeds give no baselines (002, 003) or no targets (000), and an empty column is not printed.
    The analyst's note stays in Opora (the indicator's page)."""
    header = ["№", "Показатель", "Единица", "Базовое значение", "Целевые значения"]
    widths = [1.4, 12.3, 2.5, 3.5, 6.0]
    rows: list = []
    section = None
    for row in indicator_rows(program=program):
        indicator = row.indicator
        if indicator.section != section:
            section = indicator.section
            if section:
                rows.append(L.GroupRow(section))
        name = indicator.name
        if indicator.school:
            name = f"{name} ({indicator.school.short_name})"
        baseline = indicator.baseline
        if baseline and indicator.baseline_year:
            baseline = f"{baseline} ({academic_year_label(indicator.baseline_year)})"
        targets = "; ".join(f"{year}: {value}" for year, value in row.targets.items())
        rows.append([indicator.number, name, indicator.get_unit_display(), baseline, targets])
    keep = [
        i for i in range(len(header)) if i < 3 or any(r[i] for r in rows if isinstance(r, list))
    ]
    return L.Table(
        header=[[header[i] for i in keep]],
        rows=[r if isinstance(r, L.GroupRow) else [r[i] for i in keep] for r in rows],
        widths_cm=[widths[i] for i in keep],
        font_pt=L.MIN_TABLE_PT,
    )


# A passport field written as numbered «what — by whom» lines under «Group:» headings is one of
# the seed's tables (001's expected results, 003's resources): it is printed as that table.
PASSPORT_TABLES = {
    "expected_results": ["№ п/п", "Основные направления деятельности", "Ожидаемые результаты"],
    "resources": ["№", "Название ресурса", "Организации, которые могут предоставить ресурс"],
}
NUMBERED_PAIR = re.compile(r"^(\d+)\.\s+(.+?)\s+—\s+(.+)$")


def passport_table(key: str, text: str) -> L.Table | None:
    if key not in PASSPORT_TABLES:
        return None
    rows: list = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = NUMBERED_PAIR.match(line)
        if match:
            rows.append(list(match.groups()))
        elif line.endswith(":"):
            rows.append(L.GroupRow(line.removesuffix(":")))
        else:
            return None
    if not any(isinstance(row, list) for row in rows):
        return None
    return L.Table(header=[PASSPORT_TABLES[key]], rows=rows, widths_cm=[1.2, 7.0, 8.8])


def program_blocks(program: Program, *, stamp: bool = True) -> list:
    """The program as blocks of the document layer: its approval stamp, the passport (with the
    passport fields the seed writes as tables printed as tables), goals and tasks, then the
    indicators and the roadmap in its table model on landscape pages. An order prints the same
    blocks as its appendix, under its own «Приложение» stamp (`stamp=False`)."""
    blocks: list = []
    if program.is_example:
        blocks.append(L.example_mark("программа и её содержание"))
    if stamp and program.order:
        blocks.append(L.Stamp.approval(word="УТВЕРЖДЕНА", order=program.order.requisites()))
    blocks.append(L.Heading(program.name))
    passport, tables = [["Наименование", program.name], ["Срок реализации", program.period]], []
    for key, label in PASSPORT_FIELDS.items():
        text = program.passport.get(key, "")
        table = passport_table(key, text) if text else None
        if table:
            tables.append((label, table))
            passport.append([label, f"см. таблицу «{label}» ниже"])
        elif text:
            passport.append([label, text])
    blocks.append(L.Heading("Паспорт", level=2))
    blocks.append(
        L.Table(header=[["Раздел паспорта", "Содержание"]], rows=passport, widths_cm=[5, 12])
    )
    for label, table in tables:
        blocks += [L.Heading(label, level=2), table]
    goals = [goal for goal in program.goals.prefetch_related("tasks") if goal.text]
    if goals:
        blocks.append(L.Heading("Цели и задачи", level=2))
        for goal in goals:
            blocks.append(L.Paragraph(f"{goal.number}. {goal.text}".lstrip(". "), bold=True))
            blocks += [
                L.Paragraph(f"{task.number} {task.text}".strip()) for task in goal.tasks.all()
            ]
    indicators = indicator_table(program) if program.indicators.exists() else None
    roadmap = roadmap_table(program) if program.activities.exists() else None
    if indicators or roadmap:
        blocks.append(L.Landscape())
    if indicators:
        blocks += [L.Heading("Целевые показатели", level=2), indicators]
    if roadmap:
        blocks += [L.Heading("Дорожная карта", level=2), roadmap]
    return blocks


def program_document(program: Program) -> L.OfficialDocument:
    return L.OfficialDocument(title=program.name, blocks=program_blocks(program))


def program_docx(program: Program) -> bytes:
    return render_docx(program_document(program))


def program_pdf(program: Program) -> bytes:
    return render_pdf_document(program_document(program))


def _build(pk: int, file_format: str) -> bytes:
    program = Program.objects.get(pk=pk)
    builders = {"docx": program_docx, "xlsx": program_xlsx, "pdf": program_pdf}
    return builders[file_format](program)


register("program", listing=_listing, build=_build)
