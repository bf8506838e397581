"""The annual report as files: the report's blocks (report.py) drawn as DOCX, PDF (both through
the document layer: reports/layout.py) and XLSX with one sheet per table."""

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
    """The report's blocks as the document layer's: DOCX and PDF are drawn from this one list."""
    out: list = [L.Heading(report.title)]
    for block in blocks:
        if block.kind == "heading":
            out.append(L.Heading(block.text, level=2 if block.level == 1 else 3))
        elif block.kind == "paragraph":
            out.append(L.Paragraph(block.text, indent=True))
        elif block.kind == "items":
            out += [L.Paragraph(f"– {item}", indent=True) for item in block.items]
        elif block.kind == "table":
            out.append(_table(block))
        elif block.kind == "chart":
            out.append(L.Figure(svg=block.svg, caption=block.title))
        elif block.kind == "conclusion" and block.text:
            out.append(L.Heading(block.title, level=3))
            out += [
                L.Paragraph(line.strip(), indent=True)
                for line in block.text.split("\n")
                if line.strip()
            ]
    return L.OfficialDocument(title=report.title, blocks=out)


def _table(block) -> L.Table:
    """A group row (a cluster, a category) bold; the table's caption kept with it."""
    bold_rows = {i for i, mark in enumerate(block.marks) if mark == "group"}
    rows = [
        [L.Cell(str(v), bold=True) for v in row] if i in bold_rows else row
        for i, row in enumerate(block.rows)
    ]
    return L.Table(
        header=[block.header],
        rows=rows,
        widths_cm=[2] + [1] * (len(block.header) - 1),  # the first column names the row
        caption=block.title,
        font_pt=L.MIN_TABLE_PT if len(block.header) > 6 else L.TABLE_PT,
    )


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
