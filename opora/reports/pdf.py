"""PDF documents typeset by Typst: `render_pdf_document` draws an `OfficialDocument`
(reports/layout.py) through the one template reports/official.typ — page numbers top centre
from page 2, table headers repeated on every page (`table.header(repeat: true)`), headings and
captions kept with what follows, long links wrapped, Liberation Serif (the metrics of Times New
Roman) embedded. Typst replaced WeasyPrint here: the same 46-page program took 10 s in
WeasyPrint and under 2 s in Typst (docs/performance.md)."""

import dataclasses
import json
import re
from pathlib import Path

from django.core.cache import cache

from opora.reports import layout as L
from opora.reports.cache import content_digest

RASTER_SECONDS = 24 * 3600
TYPST_TEMPLATE = Path(__file__).parent / "templates/reports/official.typ"


def render_pdf_document(document: L.OfficialDocument) -> bytes:
    """The document as PDF, typeset by Typst from reports/official.typ (docs/performance.md
    says why Typst and not WeasyPrint: the same program in a fraction of the time)."""
    import typst  # imported here: the compiler loads fonts on import

    return typst.compile(
        str(TYPST_TEMPLATE),
        root=str(TYPST_TEMPLATE.parent),
        sys_inputs={"document": json.dumps(document_data(document), ensure_ascii=False)},
    )


def raster(svg: str, *, width_cm: float, ppi: float = 110) -> bytes:
    """An SVG as PNG of `width_cm` at `ppi`, rendered by Typst: for a DOCX figure. Kept in the
    cache under the digest of what it is made of, like the charts' SVG (reports/charts.py)."""
    key = f"raster:{content_digest([svg, width_cm, ppi])}"
    found = cache.get(key)
    if found is None:
        import typst

        source = (
            "#set page(width: auto, height: auto, margin: 0pt)\n"
            f'#image(bytes(sys.inputs.svg), format: "svg", width: {width_cm}cm)'
        )
        found = typst.compile(
            source.encode(), format="png", ppi=float(ppi), sys_inputs={"svg": svg}
        )
        cache.set(key, found, RASTER_SECONDS)
    return found


_URL = re.compile(r"\w+://\S+")


def _breakable(text) -> str:
    """Text with a break opportunity after each «/» of a link, so a long link wraps inside its
    table cell instead of running off the page."""
    text = "" if text is None else str(text)
    return _URL.sub(lambda m: m.group(0).replace("/", "/\u200b"), text) if "://" in text else text


def _cell_data(cell):
    if isinstance(cell, L.Cell):
        return {
            "text": _breakable(cell.text),
            "span": cell.span,
            "bold": cell.bold,
            "align": cell.align,
        }
    return _breakable(cell)


def _block_data(block) -> dict:
    if isinstance(block, L.Table):
        return {
            "kind": "table",
            "header": [[_cell_data(c) for c in row] for row in block.header],
            "rows": [
                {"group": _breakable(row.text)}
                if isinstance(row, L.GroupRow)
                else [_cell_data(c) for c in row]
                for row in block.rows
            ],
            "widths_cm": block.widths_cm,
            "caption": block.caption,
            "font_pt": max(block.font_pt, L.MIN_TABLE_PT),
            "numeric": sorted(block.numeric),
            "header_bold": block.header_bold,
        }
    if isinstance(block, L.Figure):
        return {
            "kind": "figure",
            "svg": block.svg(),
            "caption": block.caption,
            "width_cm": block.width_cm,
        }
    if isinstance(block, L.Paragraph):
        data = dataclasses.asdict(block)
        data["text"] = _breakable(block.text)
        return {"kind": "paragraph", **data}
    if isinstance(block, L.Signatures):
        return {
            "kind": "signatures",
            "rows": [list(r) for r in block.rows],
            "date_line": block.date_line,
        }
    kind = {L.Heading: "heading", L.Issuer: "issuer", L.Stamp: "stamp", L.PageBreak: "pagebreak"}
    return {"kind": kind[type(block)], **dataclasses.asdict(block)}


def document_data(document: L.OfficialDocument) -> dict:
    """The document as the JSON reports/official.typ reads: blocks grouped into parts of one
    orientation, since a landscape part is a page run of its own."""
    parts = [{"landscape": False, "blocks": []}]
    for block in document.blocks:
        if isinstance(block, L.Landscape | L.Portrait):
            parts.append({"landscape": isinstance(block, L.Landscape), "blocks": []})
        else:
            parts[-1]["blocks"].append(_block_data(block))
    return {
        "title": document.title,
        "body_pt": document.body_pt,
        "margins_cm": list(document.margins_cm),
        "draft": document.draft,
        "parts": [part for part in parts if part["blocks"]],
    }
