"""Word documents in the look of the seeds: Times New Roman, black headings, grid tables with
set column widths, landscape sections for wide tables. Every DOCX builder starts here."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

PORTRAIT_WIDTH_CM = 17.0  # A4 with 2 cm margins
LANDSCAPE_WIDTH_CM = 25.7


def official_document(*, body_pt: int = 12, left_cm: float = 2, right_cm: float = 2):
    """A blank document: Times New Roman `body_pt`, margins as given (a protocol is typed with
    3 cm on the left for the binding)."""
    document = Document()
    for section in document.sections:
        section.left_margin, section.right_margin = Cm(left_cm), Cm(right_cm)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(body_pt)
    # East-Asian font slot too, or Word shows Cyrillic in the theme font on some systems.
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    for level, size in ((1, 14), (2, 13), (3, 12)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size = "Times New Roman", Pt(size)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.font.bold = True
    document.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def add_landscape_section(document) -> None:
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def add_table(document, rows: list[list], widths_cm: list[float], *, font_pt: int = 10):
    """A grid table whose first row is the header; Word and LibreOffice both keep the widths
    only when they are set on the grid and on every cell."""
    table = document.add_table(rows=len(rows), cols=len(widths_cm))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.width = Cm(widths_cm[c])
            cell.text = "" if value is None else str(value)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(font_pt)
                    run.font.bold = r == 0
    return table


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
