"""The annual report as files: the report's blocks (report.py) drawn as DOCX, PDF (WeasyPrint,
through reports/print_base.html) and XLSX with one sheet per table."""

import io
from collections.abc import Iterator
from pathlib import Path

from docx.shared import Cm

from opora.exports import xlsx_workbook_bytes
from opora.monitoring.models import AnnualReport
from opora.monitoring.report import build
from opora.monitoring.report_blocks import tables
from opora.monitoring.report_data import report_data
from opora.reports import charts, pdf
from opora.reports import layout as L
from opora.reports.cache import cached_document, code_version
from opora.reports.documents import Document, register
from opora.reports.docx import add_table, official_document

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
    document = official_document()
    _styled(document, report.title, "Heading1")
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
    """The table with its caption kept with it and its header repeated on every page, written
    by the layer's one table writer."""
    bold_rows = {i for i, mark in enumerate(block.marks) if mark == "group"}
    rows = [
        [L.Cell(str(v), bold=True) for v in row] if i in bold_rows else row
        for i, row in enumerate(block.rows)
    ]
    table = L.Table(
        header=[block.header],
        rows=rows,
        widths_cm=[1] * len(block.header),
        caption=block.title,
        font_pt=L.MIN_TABLE_PT if len(block.header) > 6 else L.TABLE_PT,
    )
    add_table(document, table)


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
