"""The annual report as files: the report's blocks (report.py) drawn as DOCX, PDF (WeasyPrint,
through reports/print_base.html) and XLSX with one sheet per table."""

import io
from collections.abc import Iterator

from docx import Document as WordDocument
from docx.shared import Cm, Pt

from opora.exports import xlsx_workbook_bytes
from opora.monitoring import report as builder
from opora.monitoring.models import AnnualReport
from opora.reports.documents import Document, register
from opora.reports.pdf import render_pdf

KIND = "annual_report"


def _listing() -> Iterator[Document]:
    for report in AnnualReport.objects.select_related("municipality").order_by("pk"):
        yield Document(f"{KIND}-{report.pk}", KIND, str(report), ("docx", "pdf", "xlsx"))


def report_blocks(report: AnnualReport) -> list:
    data = builder.report_data(municipality=report.municipality, year=report.year, report=report)
    return builder.build(data)


def report_xlsx(blocks: list) -> bytes:
    sheets: dict[str, list] = {}
    for table in builder.tables(blocks):
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
            document.add_heading(block.text, level=block.level)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "items":
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif block.kind == "table":
            _table(document, block)
        elif block.kind == "chart":
            document.add_picture(io.BytesIO(block.png()), width=Cm(16))
        elif block.kind == "conclusion" and block.text:
            document.add_heading(block.title, level=2)
            for paragraph in block.text.split("\n"):
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, block) -> None:
    caption = document.add_paragraph(block.title)
    caption.runs[0].font.bold = True
    wide = len(block.header) > 6  # many indicators or dates: a smaller type fits the page
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    bold_rows = {0} | {i + 1 for i, mark in enumerate(block.marks) if mark == "group"}
    size = Pt(8 if wide else 10)
    # Row by row: python-docx finds table.cell(r, c) by walking the whole grid each time.
    for r, (row, values) in enumerate(zip(table.rows, [block.header, *block.rows], strict=True)):
        for cell, value in zip(row.cells, values, strict=True):
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = size
            run.font.bold = r in bold_rows


def report_pdf(report: AnnualReport, blocks: list) -> bytes:
    return render_pdf("monitoring/report_print.html", {"report": report, "blocks": blocks})


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
