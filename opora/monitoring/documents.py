"""The annual report as files: the report's blocks (report.py) drawn by the document layer as
DOCX and PDF (reports/layout.py), and XLSX with one sheet per table."""

from collections.abc import Iterator
from pathlib import Path

from opora.exports import xlsx_workbook_bytes
from opora.monitoring.models import AnnualReport
from opora.monitoring.report import build
from opora.monitoring.report_blocks import tables
from opora.monitoring.report_data import report_data
from opora.reports import charts, pdf
from opora.reports import layout as L
from opora.reports.cache import cached_document, code_version
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx

KIND = "annual_report"


def _listing() -> Iterator[Document]:
    for report in AnnualReport.objects.select_related("municipality").order_by("pk"):
        yield Document(f"{KIND}-{report.pk}", KIND, str(report), ("docx", "pdf", "xlsx"))


def report_blocks(report: AnnualReport) -> list:
    data = report_data(municipality=report.municipality, year=report.year, report=report)
    return build(data)


def report_xlsx(blocks: list) -> bytes:
    sheets: dict[str, list] = {}
    for table in tables(blocks):
        name, number = table.sheet[:31], 2
        while name in sheets:
            suffix = f" ({number})"
            name, number = table.sheet[: 31 - len(suffix)] + suffix, number + 1
        sheets[name] = [[table.title], table.header, *table.rows]
    return xlsx_workbook_bytes(sheets)


def report_document(report: AnnualReport, blocks: list) -> L.OfficialDocument:
    """The report as seed 000 issues it: the issuer, «Приложение 1 к протоколу …» when a
    meeting of the working group took it, the title, the chapters, the signature and the date.
    What only the app shows (`app_only`) and the editor's prompts stay out."""
    meeting = report.meeting
    group = meeting.group if meeting else report.municipality.working_groups.first()
    out: list = [L.Issuer([group.issuer])] if group and group.issuer else []
    if meeting:
        out.append(
            L.Stamp(
                [
                    f"Приложение {report.appendix_number}",
                    "к протоколу заседания рабочей группы",
                    f"от {meeting.date:%d.%m.%Y} № {meeting.number}",
                ]
            )
        )
    out.append(L.Heading(report.title))
    if report.municipality.name not in report.title:
        out.append(L.Paragraph(report.municipality.name, align=L.CENTER))
    for block in blocks:
        out += _layer_blocks(block)
    dated = meeting.date if meeting else report.published_at and report.published_at.date()
    position = report.signer_position or "Муниципальный координатор"
    out.append(L.Signatures([(position, report.signer_name)], date_line=not dated))
    if dated:
        out.append(L.Paragraph(f"{dated:%d.%m.%Y}", align=L.LEFT))
    return L.OfficialDocument(title=report.title, blocks=out, draft=not report.is_published)


EDITOR_NOTE = " (текст координатора)"  # the page's prompt to write, not a part of the text


def _layer_blocks(block) -> list:
    if block.kind == "heading":
        return [L.Heading(block.text, level=min(block.level + 1, 3))]
    if block.kind == "paragraph":
        return [] if block.app_only else [L.Paragraph(block.text, indent=True)]
    if block.kind == "items":
        return [L.Paragraph(f"– {item}", indent=True) for item in block.items]
    if block.kind == "table":
        return [_layer_table(block)]
    if block.kind == "chart":
        chart = block.untitled()
        return [L.Figure(svg=chart.svg, caption=block.data.get("title") or block.title)]
    if block.kind == "conclusion" and block.text.strip():
        return [
            L.Heading(block.title.removesuffix(EDITOR_NOTE), level=3),
            *[
                L.Paragraph(line.strip(), indent=True)
                for line in block.text.split("\n")
                if line.strip()
            ],
        ]
    return []


def _layer_table(block) -> L.Table:
    """The table with its caption kept with it and its header repeated on every page; columns
    as wide as their texts are long, figures aligned right, group rows bold."""
    keep = [i for i in range(len(block.header)) if i not in block.app_only]
    marks = block.marks or [""] * len(block.rows)
    rows = []
    for row, mark in zip(block.rows, marks, strict=True):
        cells = ["" if row[i] is None else str(row[i]) for i in keep]
        rows.append([L.Cell(c, bold=True) for c in cells] if mark == "group" else cells)
    columns = [[block.header[i], *[str(row[i] or "") for row in block.rows]] for i in keep]
    widths = _widths(columns)
    numeric = {
        n
        for n, column in enumerate(columns)
        if all(_figure_like(text) for text in column[1:]) and any(column[1:])
    }
    return L.Table(
        header=[[block.header[i] for i in keep]],
        rows=rows,
        widths_cm=widths,
        caption=block.title,
        font_pt=L.MIN_TABLE_PT if len(keep) > 5 else L.TABLE_PT,
        numeric=numeric,
    )


LINE_CHARACTERS = 80  # of 11–12 pt type across a portrait page


def _widths(columns: list[list[str]]) -> list[float]:
    """Each column at least as wide as its longest word (a school's name, a date is not
    broken), and what is left of the line shared by how long the column's texts are on average:
    a decision's text gets the room, a number column stays narrow."""
    floors = [
        max((len(word) for text in column for word in text.split()), default=1) + 1
        for column in columns
    ]
    wants = [
        max(floor, min(sum(map(len, column[1:])) / max(len(column) - 1, 1), 60))
        for floor, column in zip(floors, columns, strict=True)
    ]
    spare, asked = LINE_CHARACTERS - sum(floors), sum(wants) - sum(floors)
    if asked <= 0 or spare >= asked:
        return wants
    share = max(spare, 0) / asked
    return [f + (w - f) * share for f, w in zip(floors, wants, strict=True)]


def _figure_like(text: str) -> bool:
    return not text or text == "—" or text.replace(",", "").replace(".", "").split(" ")[0].isdigit()


def report_docx(report: AnnualReport, blocks: list) -> bytes:
    return render_docx(report_document(report, blocks))


def report_pdf(report: AnnualReport, blocks: list) -> bytes:
    return pdf.render_pdf_document(report_document(report, blocks))


# Everything that draws a report's PDF, so that a cached file is redrawn after it changes.
_PDF_VERSION = code_version(
    Path(__file__),
    *sorted(Path(__file__).parent.glob("report*.py")),  # report.py and the modules it builds on
    Path(charts.__file__),
    Path(pdf.__file__),
    Path(L.__file__),
    pdf.TYPST_TEMPLATE,
)


def published_report_pdf(report: AnnualReport) -> bytes:
    """The PDF of the public page, printed once for its content: anyone may ask for it, and
    printing costs seconds of CPU. Its blocks are what it shows, so a new conclusion, result or
    decision gives a new file."""
    blocks = report_blocks(report)
    meeting = report.meeting
    heading = [
        report.title,
        report.is_published,
        str(report.published_at),
        report.municipality.name,
        report.municipality.region.name,
        [meeting.pk, meeting.number, str(meeting.date), meeting.group.issuer] if meeting else None,
        [report.appendix_number, report.signer_position, report.signer_name],
    ]
    return cached_document(
        name=f"{KIND}-{report.pk}",
        file_format="pdf",
        content=[_PDF_VERSION, heading, blocks],
        build=lambda: report_pdf(report, blocks),
    )


def build_report(report: AnnualReport, file_format: str) -> bytes:
    blocks = report_blocks(report)
    if file_format == "xlsx":
        return report_xlsx(blocks)
    if file_format == "docx":
        return report_docx(report, blocks)
    return report_pdf(report, blocks)


def _build(pk: int, file_format: str) -> bytes:
    return build_report(
        AnnualReport.objects.select_related("municipality__region").get(pk=pk), file_format
    )


register(KIND, listing=_listing, build=_build)
