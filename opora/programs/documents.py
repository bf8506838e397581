"""A program as the seeds lay it out: DOCX with the passport table, goals, indicators and a
landscape roadmap; XLSX with a sheet of indicators and one of the roadmap, in the seeds' columns."""

import io
from collections.abc import Iterator

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from opora.exports import xlsx_workbook_bytes
from opora.programs.models import Program
from opora.programs.selectors import indicator_rows
from opora.reports.documents import Document, register
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


def _listing() -> Iterator[Document]:
    for program in Program.objects.order_by("pk"):
        yield Document(f"program-{program.pk}", "program", program.name, ("docx", "xlsx", "pdf"))


def indicator_table(program: Program) -> Iterator[list]:
    yield INDICATOR_COLUMNS
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
        ]


def roadmap_table(program: Program) -> Iterator[list]:
    yield ROADMAP_COLUMNS
    for activity in program.activities.prefetch_related("schools"):
        addressees = ", ".join(
            [activity.addressees] * bool(activity.addressees)
            + [s.short_name for s in activity.schools.all()]
        )
        yield [
            activity.number,
            activity.section,
            activity.text,
            activity.period,
            activity.responsible,
            addressees,
            activity.expected_result,
            activity.implementation_indicator,
            activity.get_status_display(),
        ]


def program_xlsx(program: Program) -> bytes:
    return xlsx_workbook_bytes(
        {"Целевые показатели": indicator_table(program), "Дорожная карта": roadmap_table(program)}
    )


def program_docx(program: Program) -> bytes:
    document = WordDocument()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    if program.order:
        order = program.order
        document.add_paragraph(
            f"Утверждена приказом {order.issuer} № {order.number} от {order.date:%d.%m.%Y}"
        ).alignment = 2
    document.add_heading(program.name, level=1)
    document.add_heading("Паспорт", level=2)
    passport = [
        ("Наименование", program.name),
        ("Срок реализации", program.period),
        *program.passport_rows(),
    ]
    _table(document, [["Раздел паспорта", "Содержание"], *passport], widths=[Cm(5), Cm(12)])
    goals = list(program.goals.prefetch_related("tasks"))
    if goals:
        document.add_heading("Цели и задачи", level=2)
        for goal in goals:
            document.add_paragraph(f"{goal.number}. {goal.text}".strip(". "), style="List Number")
            for task in goal.tasks.all():
                document.add_paragraph(f"{task.number} {task.text}", style="List Bullet")
    if program.indicators.exists():
        document.add_heading("Целевые показатели", level=2)
        _table(document, list(indicator_table(program)))
    if program.activities.exists():
        landscape = document.add_section()
        landscape.orientation = WD_ORIENT.LANDSCAPE
        landscape.page_width, landscape.page_height = landscape.page_height, landscape.page_width
        document.add_heading("Дорожная карта", level=2)
        _table(document, list(roadmap_table(program)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def program_pdf(program: Program) -> bytes:
    context = {
        "program": program,
        "passport": [("Срок реализации", program.period), *program.passport_rows()],
        "goals": list(program.goals.prefetch_related("tasks")),
        "indicators": list(indicator_table(program)),
        "roadmap": list(roadmap_table(program)),
    }
    return render_pdf("programs/program_print.html", context)


def _table(document, rows: list[list], widths=None) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = str(value)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9 if len(row) > 4 else 11)
                    run.font.bold = r == 0
            if widths:
                cell.width = widths[c]


def _build(pk: int, file_format: str) -> bytes:
    program = Program.objects.get(pk=pk)
    builders = {"docx": program_docx, "xlsx": program_xlsx, "pdf": program_pdf}
    return builders[file_format](program)


register("program", listing=_listing, build=_build)
