"""A program as the seeds lay it out: DOCX with the passport table, goals, indicators and a
landscape roadmap; XLSX with a sheet of indicators and one of the roadmap, in the seeds' columns."""

from collections.abc import Iterator

from opora.exports import xlsx_workbook_bytes
from opora.programs.models import Program
from opora.programs.selectors import indicator_rows
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


# Column widths (cm) in proportion; the layer stretches them over a landscape page.
INDICATOR_WIDTHS = [1.2, 3.5, 7.5, 1.8, 2.2, 1.6, 3.9, 4.0]
ROADMAP_WIDTHS = [1.0, 2.0, 5.5, 2.5, 3.0, 2.7, 3.8, 2.5]


def program_blocks(program: Program, *, stamp: bool = True) -> list:
    """The program as blocks of the document layer: its approval stamp, the passport, goals
    and tasks, then the indicators and the roadmap on landscape pages. An order prints the same
    blocks as its appendix, under its own «Приложение» stamp (`stamp=False`)."""
    blocks: list = []
    if stamp and program.order:
        blocks.append(L.Stamp.approval(word="УТВЕРЖДЕНА", order=program.order.requisites()))
    blocks.append(L.Heading(program.name))
    passport = [
        ["Наименование", program.name],
        ["Срок реализации", program.period],
        *[list(row) for row in program.passport_rows()],
    ]
    blocks.append(L.Heading("Паспорт", level=2))
    blocks.append(
        L.Table(header=[["Раздел паспорта", "Содержание"]], rows=passport, widths_cm=[5, 12])
    )
    goals = [goal for goal in program.goals.prefetch_related("tasks") if goal.text]
    if goals:
        blocks.append(L.Heading("Цели и задачи", level=2))
        for goal in goals:
            blocks.append(L.Paragraph(f"{goal.number}. {goal.text}".lstrip(". "), bold=True))
            blocks += [
                L.Paragraph(f"{task.number} {task.text}".strip()) for task in goal.tasks.all()
            ]
    indicators = list(indicator_table(program))
    # The activity's status is the app's bookkeeping, not a part of the approved text.
    roadmap = [row[:-1] for row in roadmap_table(program)]
    if len(indicators) > 1 or len(roadmap) > 1:
        blocks.append(L.Landscape())
    if len(indicators) > 1:
        blocks.append(L.Heading("Целевые показатели", level=2))
        blocks.append(
            L.Table(
                header=[indicators[0]], rows=indicators[1:], widths_cm=INDICATOR_WIDTHS, font_pt=11
            )
        )
    if len(roadmap) > 1:
        blocks.append(L.Heading("Дорожная карта", level=2))
        blocks.append(
            L.Table(header=[roadmap[0]], rows=roadmap[1:], widths_cm=ROADMAP_WIDTHS, font_pt=11)
        )
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
