"""The annual report as files: the report's blocks (report.py) drawn as DOCX, PDF (WeasyPrint,
through reports/print_base.html) and XLSX with one sheet per table."""

import io
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from opora.exports import xlsx_workbook_bytes
from opora.monitoring.models import AnnualReport
from opora.monitoring.report import build
from opora.monitoring.report_blocks import tables
from opora.monitoring.report_data import report_data
from opora.reports import charts, pdf
from opora.reports.cache import cached_document, code_version
from opora.reports.documents import Document, register

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


def report_docx(report: AnnualReport, blocks: list) -> bytes:
    document = WordDocument()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    section = document.sections[0]
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    document.add_heading(report.title, level=0).runs[0].font.size = Pt(16)
    for block in blocks:
        if block.kind == "heading":
            _styled(document, block.text, f"Heading{min(block.level, 2)}")
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "items":
            for item in block.items:
                _styled(document, item, "ListBullet")
        elif block.kind == "table":
            _table(document, block)
        elif block.kind == "chart":
            document.add_picture(io.BytesIO(block.png()), width=Cm(16))
        elif block.kind == "conclusion" and block.text:
            _styled(document, block.title, "Heading2")
            for paragraph in block.text.split("\n"):
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _styled(document, text: str, style_id: str) -> None:
    """A paragraph in a style of the default template, named by its id: python-docx looks a
    style up by reading every style, which hundreds of bullets a report made slow."""
    document.add_paragraph(text)._p.style = style_id


def _table(document, block) -> None:
    """A table written as WordprocessingML in one piece: python-docx builds a cell in several
    XML walks, which took seconds for the 500 rows of a 50-school municipality."""
    caption = document.add_paragraph(block.title)
    caption.runs[0].font.bold = True
    columns = len(block.header)
    size = 16 if columns > 6 else 20  # half-points: many columns get a smaller type
    bold_rows = {0} | {i + 1 for i, mark in enumerate(block.marks) if mark == "group"}
    width = 9600 // columns  # twips across the text width of an A4 portrait page
    rows = []
    for r, values in enumerate([block.header, *block.rows]):
        bold = "<w:b/>" if r in bold_rows else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr>'
            f'{bold}<w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">'
            f"{escape('' if value is None else str(value))}</w:t></w:r></w:p></w:tc>"
            for value in values
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(columns))
    table = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        + "".join(rows)
        + "</w:tbl>"
    )
    body = document.element.body
    body.insert(len(body) - 1, table)  # before the section properties, which come last


def report_pdf(report: AnnualReport, blocks: list) -> bytes:
    return pdf.render_pdf("monitoring/report_print.html", {"report": report, "blocks": blocks})


# Everything that draws a report's PDF, so that a cached file is redrawn after it changes.
_PDF_VERSION = code_version(
    Path(__file__),
    *sorted(Path(__file__).parent.glob("report*.py")),  # report.py and the modules it builds on
    Path(charts.__file__),
    Path(pdf.__file__),
    Path(__file__).parent / "templates/monitoring/report_print.html",
    Path(__file__).parent / "templates/monitoring/_blocks.html",
    Path(pdf.__file__).parent / "templates/reports/print_base.html",
)


def published_report_pdf(report: AnnualReport) -> bytes:
    """The PDF of the public page, printed once for its content: anyone may ask for it, and
    printing costs seconds of CPU. Its blocks are what it shows, so a new conclusion, result or
    decision gives a new file."""
    blocks = report_blocks(report)
    heading = [
        report.title,
        report.is_published,
        report.municipality.name,
        report.municipality.region.name,
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
