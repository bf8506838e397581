"""Word documents in the form of ГОСТ Р 7.0.97: `render_docx` draws an `OfficialDocument`
(reports/layout.py). Everything is set explicitly, never through the theme — Word and
LibreOffice otherwise show headings in the theme's sans font: Times New Roman in all four font
slots of every style and every run, 14 pt body, tables at least 11 pt, the page number top
centre from page 2 (a header with a PAGE field and a different first page), header rows marked
`w:tblHeader` so they repeat on every page.

Paragraphs and tables are written as WordprocessingML strings and parsed once per block:
python-docx builds a table cell by cell in several XML walks (`table.cell(r, c)` is quadratic),
which took seconds for a program's roadmap."""

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from opora.reports import layout as L
from opora.reports.pdf import raster

FONT = "Times New Roman"
A4_CM = (21.0, 29.7)
LANDSCAPE_WIDTH_CM = 25.2
TWIPS_PER_CM = 567
_JC = {L.LEFT: "left", L.CENTER: "center", L.RIGHT: "right", L.JUSTIFY: "both"}
_W = nsdecls("w")


# --- the page and the styles -------------------------------------------------------------------


def official_document(
    *,
    body_pt: float = L.BODY_PT,
    margins_cm: tuple[float, float, float, float] = (2, 1.5, 2, 3),
):
    """A blank document in the form: styles in Times New Roman (not the theme), `body_pt` body,
    margins (top, right, bottom, left), page numbers top centre from page 2."""
    document = Document()
    _set_styles(document, body_pt)
    section = document.sections[0]
    top, right, bottom, left = margins_cm
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)
    section.header_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an empty header on page 1
    header = section.header.paragraphs[0]
    header.alignment = 1  # centre
    header._p.append(
        parse_xml(
            f'<w:fldSimple {_W} w:instr=" PAGE "><w:r>{_rpr(12)}<w:t>2</w:t></w:r></w:fldSimple>'
        )
    )
    return document


def _fonts_xml() -> str:
    return f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'


def _set_styles(document, body_pt: float) -> None:
    styles = document.styles.element
    # Every font slot of every style (the defaults included) in Times New Roman, none bound to
    # the theme: a theme attribute wins over a named font in Word.
    for fonts in styles.iter(qn("w:rFonts")):
        for name in list(fonts.attrib):
            if name.endswith("Theme") or name.endswith("theme"):
                del fonts.attrib[name]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{slot}"), FONT)
    for color in styles.iter(qn("w:color")):
        for name in list(color.attrib):
            if name.endswith("themeColor") or name.endswith("themeShade"):
                del color.attrib[name]
        color.set(qn("w:val"), "000000")
    lang = styles.find(f".//{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:val"), "ru-RU")
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(body_pt)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for level, size in ((1, body_pt), (2, body_pt), (3, body_pt)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size = FONT, Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
    document.styles["Heading 1"].paragraph_format.alignment = 1  # centre


def _new_section(document, *, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = Cm(A4_CM[0]), Cm(A4_CM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    # The section copies the first's «different first page»: its first page would lose its number.
    section.different_first_page_header_footer = False


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- blocks as WordprocessingML ----------------------------------------------------------------


def _rpr(size_pt: float, bold: bool = False) -> str:
    half_points = round(size_pt * 2)
    weight = "<w:b/><w:bCs/>" if bold else ""
    return (
        f"<w:rPr>{_fonts_xml()}{weight}"
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )


def _runs(text: str, size_pt: float, bold: bool = False) -> str:
    """Runs of a text; a line break inside it stays a line break."""
    rpr = _rpr(size_pt, bold)
    parts = []
    for i, line in enumerate(str(text).split("\n")):
        if i:
            parts.append(f"<w:r>{rpr}<w:br/></w:r>")
        if line:
            parts.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "".join(parts)


def _ppr(
    *,
    align: str = L.JUSTIFY,
    keep_next: bool = False,
    before_pt: float = 0,
    indent_cm: float = 0,
    left_cm: float = 0,
    style: str = "",
) -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    keep = "<w:keepNext/>" if keep_next else ""
    spacing = f'<w:spacing w:before="{round(before_pt * 20)}" w:after="0"/>'
    indent = ""
    if indent_cm or left_cm:
        indent = (
            f'<w:ind w:left="{round(left_cm * TWIPS_PER_CM)}" '
            f'w:firstLine="{round(indent_cm * TWIPS_PER_CM)}"/>'
        )
    return f'<w:pPr>{style_xml}{keep}{spacing}{indent}<w:jc w:val="{_JC[align]}"/></w:pPr>'


def _paragraph_xml(block: L.Paragraph, body_pt: float) -> str:
    size = block.size_pt or body_pt
    runs = ""
    if block.label:
        runs += _runs(block.label + (" " if block.text else ""), size, bold=True)
    runs += _runs(block.text, size, bold=block.bold)
    ppr = _ppr(
        align=block.align,
        keep_next=block.keep_with_next,
        before_pt=block.space_before_pt,
        indent_cm=1.25 if block.indent else 0,
    )
    return f"<w:p {_W}>{ppr}{runs}</w:p>"


def _cell_xml(cell, width_twips: int, size_pt: float, bold: bool, align: str) -> str:
    if isinstance(cell, L.Cell):
        text, span, bold, align = cell.text, cell.span, bold or cell.bold, cell.align or align
    else:
        text, span = ("" if cell is None else str(cell)), 1
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    paragraphs = "".join(
        f"<w:p>{_ppr(align=align)}{_runs(line, size_pt, bold)}</w:p>"
        for line in (str(text).split("\n\n") if text else [""])
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width_twips}" w:type="dxa"/>{span_xml}</w:tcPr>'
        f"{paragraphs}</w:tc>"
    )


def table_xml(table: L.Table, text_width_cm: float) -> str:
    """The table in one string, so it is parsed once: header rows marked to repeat on every page
    and not to split, widths scaled to fill the text width, borders set on the table itself."""
    scale = text_width_cm / sum(table.widths_cm)
    widths = [round(w * scale * TWIPS_PER_CM) for w in table.widths_cm]
    columns = len(widths)
    size = max(table.font_pt, L.MIN_TABLE_PT)

    def row_xml(cells: list, *, header: bool) -> str:
        parts, column = [], 0
        for cell in cells:
            span = cell.span if isinstance(cell, L.Cell) else 1
            width = sum(widths[column : column + span])
            align = L.CENTER if header else (L.RIGHT if column in table.numeric else L.LEFT)
            parts.append(_cell_xml(cell, width, size, header and table.header_bold, align))
            column += span
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
        return f"<w:tr>{trpr}{''.join(parts)}</w:tr>"

    rows = [row_xml(cells, header=True) for cells in table.header]
    for row in table.rows:
        if isinstance(row, L.GroupRow):
            row = [L.Cell(row.text, span=columns, bold=True)]
        rows.append(row_xml(row, header=False))
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _append(document, xml: str) -> None:
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(xml))  # before the section properties, which come last


def _append_table(document, table: L.Table, width_cm: float) -> None:
    if table.caption:
        ppr = _ppr(align=L.LEFT, keep_next=True, before_pt=6)
        size = document.styles["Normal"].font.size.pt
        _append(document, f"<w:p {_W}>{ppr}{_runs(table.caption, size, True)}</w:p>")
    _append(document, table_xml(table, width_cm))
    _append(document, f"<w:p {_W}>{_ppr()}</w:p>")  # Word joins two tables without it


# --- the document ------------------------------------------------------------------------------


def render_docx(document: L.OfficialDocument) -> bytes:
    """The document as DOCX bytes."""
    word = official_document(body_pt=document.body_pt, margins_cm=document.margins_cm)
    word.core_properties.title = document.title[:255]  # the property holds at most 255
    body_pt = document.body_pt
    left, right = document.margins_cm[3], document.margins_cm[1]
    width = A4_CM[0] - left - right
    if document.draft:
        _append(word, f"<w:p {_W}>{_ppr(align=L.RIGHT)}{_runs('ПРОЕКТ', body_pt, True)}</w:p>")
    for block in document.blocks:
        if isinstance(block, L.Paragraph):
            _append(word, _paragraph_xml(block, body_pt))
        elif isinstance(block, L.Heading):
            style = f"Heading{min(block.level, 3)}"
            align = L.CENTER if block.level == 1 else L.LEFT
            ppr = _ppr(align=align, keep_next=True, before_pt=12, style=style)
            _append(word, f"<w:p {_W}>{ppr}{_runs(block.text, body_pt, True)}</w:p>")
        elif isinstance(block, L.Issuer):
            for line in block.lines:
                ppr = _ppr(align=L.CENTER, keep_next=True)
                _append(word, f"<w:p {_W}>{ppr}{_runs(line, body_pt, True)}</w:p>")
        elif isinstance(block, L.Stamp):
            # The grif sits in the right half of the page, its lines aligned left.
            for i, line in enumerate(block.lines):
                ppr = _ppr(align=L.LEFT, left_cm=width / 2, keep_next=True)
                _append(word, f"<w:p {_W}>{ppr}{_runs(line, body_pt, i == 0)}</w:p>")
            _append(word, f"<w:p {_W}>{_ppr()}</w:p>")
        elif isinstance(block, L.Table):
            _append_table(word, block, width)
        elif isinstance(block, L.Figure):
            if block.caption:
                ppr = _ppr(align=L.LEFT, keep_next=True, before_pt=6)
                _append(word, f"<w:p {_W}>{ppr}{_runs(block.caption, body_pt, True)}</w:p>")
            picture = word.add_paragraph()
            picture.alignment = 1
            size = min(block.width_cm, width)
            image = raster(block.svg(), width_cm=size)
            picture.add_run().add_picture(io.BytesIO(image), width=Cm(size))
        elif isinstance(block, L.Signatures):
            _append(word, _signatures_xml(block, body_pt, width))
        elif isinstance(block, L.Landscape | L.Portrait):
            landscape = isinstance(block, L.Landscape)
            _new_section(word, landscape=landscape)
            width = (A4_CM[1] if landscape else A4_CM[0]) - left - right
        elif isinstance(block, L.PageBreak):
            _append(word, f'<w:p {_W}><w:r><w:br w:type="page"/></w:r></w:p>')
    return docx_bytes(word)


def _signatures_xml(block: L.Signatures, body_pt: float, width_cm: float) -> str:
    """Position, a line to sign on, the name: a table without borders, each row kept whole."""
    widths = [round(width_cm * share * TWIPS_PER_CM) for share in (0.45, 0.25, 0.30)]
    rows = []
    for role, name in block.rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="bottom"/></w:tcPr>'
            f"<w:p>{_ppr(align=align, before_pt=18)}{_runs(text, body_pt)}</w:p></w:tc>"
            for w, text, align in zip(
                widths, (role, "____________", name), (L.LEFT, L.CENTER, L.RIGHT), strict=True
            )
        )
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    if block.date_line:
        date = "«___» ____________ 20__ г."
        cell = f"<w:p>{_ppr(align=L.LEFT, before_pt=12)}{_runs(date, body_pt)}</w:p>"
        rows.append(
            f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:gridSpan w:val="3"/></w:tcPr>{cell}</w:tc></w:tr>'
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
