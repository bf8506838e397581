"""PDF documents printed by WeasyPrint. `render_pdf_document` draws an `OfficialDocument`
(reports/layout.py) as HTML in the one stylesheet of official documents
(reports/official.css): page numbers top centre from page 2, header rows in `<thead>` so they
repeat on every page, captions and headings kept with what follows, long links wrapped.
`render_pdf` prints a template that extends `reports/print_base.html`, which uses the same
stylesheet, for the pages that are not yet built from the layer."""

from functools import cache
from html import escape
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from opora.reports import layout as L

STYLESHEET = Path(__file__).parent / "templates/reports/official.css"


def render_pdf(template_name: str, context: dict) -> bytes:
    return _write_pdf(render_to_string(template_name, context))


def _write_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which pages that never print do not need.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf_document(document: L.OfficialDocument) -> bytes:
    return _write_pdf(document_html(document))


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _text(value) -> str:
    """Escaped text whose line breaks stay line breaks."""
    return escape("" if value is None else str(value)).replace("\n", "<br>")


def document_html(document: L.OfficialDocument) -> str:
    top, right, bottom, left = document.margins_cm
    page = f"@page {{ margin: {top}cm {right}cm {bottom}cm {left}cm; }}"
    parts = [
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title><style>{_stylesheet()}\n{page}\n",
        f"body {{ font-size: {document.body_pt}pt; }}</style></head><body>",
    ]
    if document.draft:
        parts.append('<p class="draft">ПРОЕКТ</p>')
    landscape = False
    for block in document.blocks:
        if isinstance(block, L.Landscape | L.Portrait):
            if landscape:
                parts.append("</div>")
            landscape = isinstance(block, L.Landscape)
            if landscape:
                parts.append('<div class="landscape">')
            else:
                parts.append('<div class="pagebreak"></div>')
        else:
            parts.append(_block_html(block))
    if landscape:
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def _block_html(block) -> str:
    if isinstance(block, L.Paragraph):
        classes = [block.align]
        if block.indent:
            classes.append("indent")
        if block.keep_with_next:
            classes.append("keep")
        style = []
        if block.space_before_pt:
            style.append(f"margin-top: {block.space_before_pt}pt")
        if block.size_pt:
            style.append(f"font-size: {block.size_pt}pt")
        text = _text(block.text)
        if block.bold:
            text = f"<b>{text}</b>"
        if block.label:
            text = f'<span class="label">{_text(block.label)}</span> {text}'
        style_attr = f' style="{"; ".join(style)}"' if style else ""
        return f'<p class="{" ".join(classes)}"{style_attr}>{text}</p>'
    if isinstance(block, L.Heading):
        level = min(block.level, 3)
        return f"<h{level}>{_text(block.text)}</h{level}>"
    if isinstance(block, L.Issuer):
        return "".join(f'<p class="issuer">{_text(line)}</p>' for line in block.lines)
    if isinstance(block, L.Stamp):
        return '<div class="stamp">' + "".join(f"<p>{_text(x)}</p>" for x in block.lines) + "</div>"
    if isinstance(block, L.Table):
        return table_html(block)
    if isinstance(block, L.Figure):
        caption = f'<p class="figure-caption">{_text(block.caption)}</p>' if block.caption else ""
        return f'<div class="figure">{caption}{block.svg()}</div>'
    if isinstance(block, L.Signatures):
        rows = "".join(
            f'<tr><td style="width: 45%">{_text(role)}</td>'
            f'<td class="center" style="width: 25%">____________</td>'
            f'<td class="right">{_text(name)}</td></tr>'
            for role, name in block.rows
        )
        if block.date_line:
            rows += '<tr><td colspan="3">«___» ____________ 20__ г.</td></tr>'
        return f'<table class="signatures">{rows}</table>'
    if isinstance(block, L.PageBreak):
        return '<div class="pagebreak"></div>'
    raise TypeError(f"not a block of an official document: {block!r}")


def _cell_html(tag: str, cell, css: str = "") -> str:
    if isinstance(cell, L.Cell):
        span = f' colspan="{cell.span}"' if cell.span > 1 else ""
        classes = " ".join(c for c in (css, cell.align or "", "bold" if cell.bold else "") if c)
        text = cell.text
    else:
        span, classes, text = "", css, cell
    class_attr = f' class="{classes}"' if classes else ""
    return f"<{tag}{span}{class_attr}>{_text(text)}</{tag}>"


def table_html(table: L.Table) -> str:
    total = sum(table.widths_cm)
    columns = "".join(f'<col style="width: {100 * w / total:.2f}%">' for w in table.widths_cm)
    size = max(table.font_pt, L.MIN_TABLE_PT)
    head = "".join(
        "<tr>" + "".join(_cell_html("th", cell) for cell in row) + "</tr>" for row in table.header
    )
    body = []
    width = len(table.widths_cm)
    for row in table.rows:
        if isinstance(row, L.GroupRow):
            body.append(f'<tr class="group"><td colspan="{width}">{_text(row.text)}</td></tr>')
            continue
        cells = []
        for column, cell in enumerate(row):
            cells.append(_cell_html("td", cell, "number" if column in table.numeric else ""))
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<caption>{_text(table.caption)}</caption>" if table.caption else ""
    return (
        f'<table style="font-size: {size}pt">{caption}<colgroup>{columns}</colgroup>'
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
    )
