"""A program as the seeds lay it out: DOCX and PDF with the passport, goals, indicators and a
landscape roadmap in the columns of the document the program was made from (Program.table_model,
ROADMAP_LAYOUTS); XLSX with a sheet of indicators and one of the roadmap, which is loaded back
(services.program_tables_import) and so keeps one set of columns for every program.

What an official document never carries: the analyst's notes on a source (Indicator.note,
Program.flags), activity statuses and anything measured against today's date. Invented demo
content (Program.is_example) says «пример» on its first page."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH

from opora.exports import xlsx_workbook_bytes
from opora.programs.models import PASSPORT_FIELDS, Activity, Program, TableModel
from opora.programs.selectors import indicator_rows
from opora.registry.years import academic_year_label
from opora.reports.documents import Document, register
from opora.reports.docx import add_landscape_section, add_table, docx_bytes, official_document
from opora.reports.pdf import render_pdf

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

EXAMPLE_MARK = (
    "ПРИМЕР: документ придуман для демонстрации Опоры; в документах муниципалитета его нет."
)


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
class GroupRow:
    """A heading row spanning the table: a section, a stage, a risk factor."""

    text: str


@dataclass(frozen=True)
class DocumentTable:
    """A table of an official document; its header row repeats on every page."""

    header: list[str]
    widths_cm: list[float]
    rows: list[list[str] | GroupRow]


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
        Column("№ п/п", 1.1, lambda a: a.number),
        Column("Мероприятие", 5.0, lambda a: a.text),
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


def roadmap_table(program: Program) -> DocumentTable:
    """The roadmap in its program's layout: a section, stage or risk factor heads its rows once;
    a column merged in the seed is printed once for its run of rows."""
    columns = ROADMAP_LAYOUTS[program.table_model]
    activities = program.activities.select_related("task__goal").prefetch_related("schools")
    rows: list[list[str] | GroupRow] = []
    group, previous = None, None
    for activity in activities:
        heading = _group_heading(activity, program.table_model)
        if heading != group:
            group, previous = heading, None
            if heading:
                rows.append(GroupRow(heading))
        values = [column.value(activity) or "" for column in columns]
        cells, same = [], previous is not None
        for i, (column, value) in enumerate(zip(columns, values, strict=True)):
            # A merged column continues while every merged column left of it continues.
            same = same and column.once and value == previous[i] if column.once else same
            cells.append("" if column.once and same else value)
        rows.append(cells)
        previous = values
    return DocumentTable([c.heading for c in columns], [c.width_cm for c in columns], rows)


def indicator_table(program: Program) -> DocumentTable:
    """Indicators under their sections, with the columns that have a value in some row: the
    seeds give no baselines (002, 003) or no targets (000), and an empty column is not printed.
    The analyst's note stays in Opora (the indicator's page)."""
    header = ["№", "Показатель", "Единица", "Базовое значение", "Целевые значения"]
    widths = [1.4, 12.3, 2.5, 3.5, 6.0]
    rows: list[list[str] | GroupRow] = []
    section = None
    for row in indicator_rows(program=program):
        indicator = row.indicator
        if indicator.section != section:
            section = indicator.section
            if section:
                rows.append(GroupRow(section))
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
    return DocumentTable(
        [header[i] for i in keep],
        [widths[i] for i in keep],
        [r if isinstance(r, GroupRow) else [r[i] for i in keep] for r in rows],
    )


# A passport field written as numbered «what — by whom» lines under «Group:» headings is one of
# the seed's tables (001's expected results, 003's resources): it is printed as that table.
PASSPORT_TABLES = {
    "expected_results": ["№ п/п", "Основные направления деятельности", "Ожидаемые результаты"],
    "resources": ["№", "Название ресурса", "Организации, которые могут предоставить ресурс"],
}
NUMBERED_PAIR = re.compile(r"^(\d+)\.\s+(.+?)\s+—\s+(.+)$")


def passport_table(key: str, text: str) -> DocumentTable | None:
    if key not in PASSPORT_TABLES:
        return None
    rows: list[list[str] | GroupRow] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = NUMBERED_PAIR.match(line)
        if match:
            rows.append(list(match.groups()))
        elif line.endswith(":"):
            rows.append(GroupRow(line.removesuffix(":")))
        else:
            return None
    if not any(isinstance(row, list) for row in rows):
        return None
    return DocumentTable(PASSPORT_TABLES[key], [1.2, 7.0, 8.8], rows)


@dataclass(frozen=True)
class ProgramContent:
    """What a program's DOCX and PDF print, in order."""

    passport: list[tuple[str, str]]
    passport_tables: list[tuple[str, DocumentTable]]
    goals: list
    indicators: DocumentTable | None
    roadmap: DocumentTable | None


def program_content(program: Program) -> ProgramContent:
    passport, tables = [("Наименование", program.name), ("Срок реализации", program.period)], []
    for key, label in PASSPORT_FIELDS.items():
        text = program.passport.get(key, "")
        if not text:
            continue
        table = passport_table(key, text)
        if table:
            tables.append((label, table))
            passport.append((label, f"см. таблицу «{label}» ниже"))
        else:
            passport.append((label, text))
    has_indicators = program.indicators.exists()
    has_activities = program.activities.exists()
    return ProgramContent(
        passport=passport,
        passport_tables=tables,
        goals=[g for g in program.goals.prefetch_related("tasks") if g.text],
        indicators=indicator_table(program) if has_indicators else None,
        roadmap=roadmap_table(program) if has_activities else None,
    )


def _approval(program: Program) -> str:
    order = program.order
    return f"Утверждена приказом {order.issuer} № {order.number} от {order.date:%d.%m.%Y}"


def _docx_table(document, table: DocumentTable, *, font_pt: int) -> None:
    grid = [
        [row.text] + [""] * (len(table.header) - 1) if isinstance(row, GroupRow) else row
        for row in table.rows
    ]
    docx_table = add_table(document, [table.header, *grid], table.widths_cm, font_pt=font_pt)
    for docx_row, row in zip(docx_table.rows[1:], table.rows, strict=True):
        if isinstance(row, GroupRow):
            cells = docx_row.cells
            merged = cells[0].merge(cells[-1])
            # Merging keeps each cell's (empty) paragraph: only the heading's stays.
            for paragraph in merged.paragraphs[1:]:
                paragraph._element.getparent().remove(paragraph._element)
            for run in merged.paragraphs[0].runs:
                run.font.bold = True


def program_docx(program: Program) -> bytes:
    content = program_content(program)
    document = official_document()
    if program.is_example:
        document.add_paragraph().add_run(EXAMPLE_MARK).bold = True
    if program.order:
        document.add_paragraph(_approval(program)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(program.name, level=1)
    document.add_heading("Паспорт", level=2)
    add_table(document, [["Раздел паспорта", "Содержание"], *content.passport], [5, 12], font_pt=11)
    for label, table in content.passport_tables:
        document.add_heading(label, level=2)
        _docx_table(document, table, font_pt=11)
    if content.goals:
        document.add_heading("Цели и задачи", level=2)
        for goal in content.goals:
            document.add_paragraph().add_run(f"{goal.number}. {goal.text}".lstrip(". ")).bold = True
            for task in goal.tasks.all():
                document.add_paragraph(f"{task.number} {task.text}".strip())
    if content.indicators or content.roadmap:
        add_landscape_section(document)
    if content.indicators:
        document.add_heading("Целевые показатели", level=2)
        _docx_table(document, content.indicators, font_pt=11)
    if content.roadmap:
        document.add_heading("Дорожная карта", level=2)
        _docx_table(document, content.roadmap, font_pt=11)
    return docx_bytes(document)


def program_pdf(program: Program) -> bytes:
    context = {
        "program": program,
        "approval": _approval(program) if program.order else "",
        "example_mark": EXAMPLE_MARK if program.is_example else "",
        "content": program_content(program),
    }
    return render_pdf("programs/program_print.html", context)


def _build(pk: int, file_format: str) -> bytes:
    program = Program.objects.get(pk=pk)
    builders = {"docx": program_docx, "xlsx": program_xlsx, "pdf": program_pdf}
    return builders[file_format](program)


register("program", listing=_listing, build=_build)
