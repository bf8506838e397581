"""A program as the seeds lay it out: DOCX with the passport table, goals, indicators and a
landscape roadmap; XLSX with a sheet of indicators and one of the roadmap, in the seeds' columns."""

from collections.abc import Iterator

from docx.enum.text import WD_ALIGN_PARAGRAPH

from opora.exports import xlsx_workbook_bytes
from opora.programs.models import Program
from opora.programs.selectors import indicator_rows
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


def _listing() -> Iterator[Document]:
    for program in Program.objects.order_by("pk"):
        yield Document(f"program-{program.pk}", "program", program.name, ("docx", "xlsx", "pdf"))


def indicator_table(program: Program, *, for_xlsx: bool = False) -> Iterator[list]:
    yield INDICATOR_SHEET_COLUMNS if for_xlsx else INDICATOR_COLUMNS
    for row in indicator_rows(program=program):
        indicator = row.indicator
        targets = "; ".join(f"{year}: {value}" for year, value in row.targets.items())
        cells = [
            indicator.number,
            indicator.section,
            indicator.name,
            indicator.get_unit_display(),
            indicator.baseline,
            indicator.baseline_year or "",
            targets,
            indicator.note,
        ]
        if for_xlsx:
            cells.append(indicator.school.code if indicator.school else "")
        yield cells


def roadmap_table(program: Program, *, for_xlsx: bool = False) -> Iterator[list]:
    """The addressees in words and the schools by name; the XLSX gives the schools by code in
    a column of their own."""
    yield ROADMAP_SHEET_COLUMNS if for_xlsx else ROADMAP_COLUMNS
    for activity in program.activities.prefetch_related("schools"):
        schools = sorted(activity.schools.all(), key=lambda s: s.code)
        names = [] if for_xlsx else [s.short_name for s in schools]
        cells = [
            activity.number,
            activity.section,
            activity.text,
            activity.period,
            activity.responsible,
            ", ".join([activity.addressees] * bool(activity.addressees) + names),
            activity.expected_result,
            activity.implementation_indicator,
            activity.get_status_display(),
        ]
        if for_xlsx:
            cells.append(", ".join(s.code for s in schools))
        yield cells


def program_xlsx(program: Program) -> bytes:
    return xlsx_workbook_bytes(
        {
            INDICATOR_SHEET: indicator_table(program, for_xlsx=True),
            ROADMAP_SHEET: roadmap_table(program, for_xlsx=True),
        }
    )


# Column widths (cm) that fill a landscape page and give the long texts the room.
INDICATOR_WIDTHS = [1.2, 3.5, 7.5, 1.8, 2.2, 1.6, 3.9, 4.0]
ROADMAP_WIDTHS = [1.0, 2.0, 5.5, 2.5, 3.0, 2.7, 3.8, 2.5, 2.7]


def program_docx(program: Program) -> bytes:
    document = official_document()
    if program.order:
        order = program.order
        document.add_paragraph(
            f"Утверждена приказом {order.issuer} № {order.number} от {order.date:%d.%m.%Y}"
        ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(program.name, level=1)
    document.add_heading("Паспорт", level=2)
    passport = [
        ("Наименование", program.name),
        ("Срок реализации", program.period),
        *program.passport_rows(),
    ]
    add_table(document, [["Раздел паспорта", "Содержание"], *passport], [5, 12], font_pt=11)
    goals = [goal for goal in program.goals.prefetch_related("tasks") if goal.text]
    if goals:
        document.add_heading("Цели и задачи", level=2)
        for goal in goals:
            document.add_paragraph().add_run(f"{goal.number}. {goal.text}".lstrip(". ")).bold = True
            for task in goal.tasks.all():
                document.add_paragraph(f"{task.number} {task.text}".strip())
    if program.indicators.exists() or program.activities.exists():
        add_landscape_section(document)
    if program.indicators.exists():
        document.add_heading("Целевые показатели", level=2)
        add_table(document, list(indicator_table(program)), INDICATOR_WIDTHS, font_pt=9)
    if program.activities.exists():
        document.add_heading("Дорожная карта", level=2)
        add_table(document, list(roadmap_table(program)), ROADMAP_WIDTHS, font_pt=9)
    return docx_bytes(document)


def program_pdf(program: Program) -> bytes:
    context = {
        "program": program,
        "passport": [("Срок реализации", program.period), *program.passport_rows()],
        "goals": list(program.goals.prefetch_related("tasks")),
        "indicators": list(indicator_table(program)),
        "roadmap": list(roadmap_table(program)),
    }
    return render_pdf("programs/program_print.html", context)


def _build(pk: int, file_format: str) -> bytes:
    program = Program.objects.get(pk=pk)
    builders = {"docx": program_docx, "xlsx": program_xlsx, "pdf": program_pdf}
    return builders[file_format](program)


register("program", listing=_listing, build=_build)
