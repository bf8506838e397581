"""One structure for every official document Opora issues (ГОСТ Р 7.0.97): a builder describes
the document once as an `OfficialDocument` of blocks, and one renderer per format draws it —
`reports.docx.render_docx` and `reports.pdf.render_pdf_document`. The renderers own the form:
Times New Roman 14 pt (tables at least 11 pt), page numbers top centre from page 2, header rows
repeated on every page, headings and captions kept with what follows, signature blocks. A
builder owns only the words.

How a builder uses it:

    from opora.reports import layout as L
    from opora.reports.docx import render_docx
    from opora.reports.pdf import render_pdf_document

    document = L.OfficialDocument(
        title="Программа …",  # the file's title (PDF metadata), not printed
        blocks=[
            L.Stamp.approval(word="УТВЕРЖДЕНА", order=order.requisites()),
            L.Heading("Программа …"),
            L.Paragraph("Текст абзаца."),
            L.Paragraph("Андреевой О.В. о …", label="СЛУШАЛИ:"),
            L.Table(
                header=[["№", "Мероприятие", "Сроки"]],
                rows=[L.GroupRow("1. Раздел"), ["1.1", "Семинар", "март"]],
                widths_cm=[1.2, 11, 4],
                caption="Таблица 1. Дорожная карта",
            ),
            L.Landscape(),  # what follows is on landscape pages; L.Portrait() turns back
            L.Signatures([("Начальник отдела", "О.В. Андреева")]),
        ],
    )
    return render_docx(document) if file_format == "docx" else render_pdf_document(document)

A table cell is a string (or a number, or None for empty) or a `Cell` when it spans columns or
needs bold or an alignment. A `GroupRow` is a section title spanning the whole table (002's
sections, 003's risk factors). Orders give their requisites with `Order.requisites()`, so the
stamp reads «УТВЕРЖДЕНА приказом Отдела образования … от 24.02.2022 № 121» and an appendix
«Приложение № 2 к приказу Отдела образования … от 24.02.2022 № 121».

A new block kind needs a branch in both renderers: `render_docx` (reports/docx.py) and
`_block_data` (reports/pdf.py) with its drawing in reports/templates/reports/official.typ, the
one Typst template every PDF is typeset from. tests/reports/test_official_form.py checks every
document `export_document --list` gives, in both formats.

Extend this module (new block kinds, new optional fields); do not rename what is here — other
apps build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

LEFT, CENTER, RIGHT, JUSTIFY = "left", "center", "right", "justify"

BODY_PT = 14  # ГОСТ Р 7.0.97: 12–14 pt; the seeds are typed in 14
TABLE_PT = 12  # at least 11 pt; wide landscape tables may ask for 11
MIN_TABLE_PT = 11


@dataclass(frozen=True)
class OrderRequisites:
    """What a stamp needs of an order: the issuer in the genitive case («Отдела образования …»)
    — stored on the order, since a library cannot be trusted with every institution's name —
    its date and number (a seed's approval may have no number)."""

    issuer_genitive: str
    date: date
    number: str = ""
    kind: str = "приказ"  # «приказ», «постановление», «распоряжение»

    def dated(self) -> str:
        """«от 24.02.2022 № 121»: the date before the number, as ГОСТ Р 7.0.97 writes them."""
        number = f" № {self.number}" if self.number else ""
        return f"от {self.date:%d.%m.%Y}{number}"


# «приказом», «к приказу» for each kind of act a stamp may cite.
_INSTRUMENTAL = {
    "приказ": "приказом",
    "постановление": "постановлением",
    "распоряжение": "распоряжением",
}
_DATIVE = {"приказ": "приказу", "постановление": "постановлению", "распоряжение": "распоряжению"}


@dataclass
class Issuer:
    """The issuer block at the top of the first page: the institution's name in capitals, centred
    (the «шапка» of an order or a protocol)."""

    lines: list[str]


@dataclass
class Stamp:
    """A grif in the top right corner: «УТВЕРЖДЕНА / приказом … / от … № …» or «Приложение № 2 /
    к приказу … / от … № …». Build it with `approval` or `appendix`."""

    lines: list[str]

    @classmethod
    def approval(cls, *, word: str, order: OrderRequisites) -> "Stamp":
        """`word` agrees with what is approved: «УТВЕРЖДЕНА» (программа), «УТВЕРЖДЁН» (план,
        список), «УТВЕРЖДЕНО» (положение)."""
        act = _INSTRUMENTAL.get(order.kind, order.kind)
        return cls([word, f"{act} {order.issuer_genitive}", order.dated()])

    @classmethod
    def appendix(cls, *, number: int | None, order: OrderRequisites) -> "Stamp":
        """«Приложение № N» (or «Приложение» when the act has only one) to the act."""
        act = _DATIVE.get(order.kind, order.kind)
        title = f"Приложение № {number}" if number else "Приложение"
        return cls([title, f"к {act} {order.issuer_genitive}", order.dated()])


@dataclass
class Heading:
    """A heading, kept with the paragraph after it; level 1 is centred and bold."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """A paragraph of body text. `label` is printed bold before the text («СЛУШАЛИ:»); `indent`
    is the first-line indent of running text (1.25 cm)."""

    text: str = ""
    label: str = ""
    bold: bool = False
    align: str = JUSTIFY
    indent: bool = False
    space_before_pt: float = 0
    keep_with_next: bool = False
    size_pt: float | None = None  # None: the document's body size


@dataclass
class Cell:
    """A table cell that spans `span` columns, or is bold, or aligned apart from its column."""

    text: str
    span: int = 1
    bold: bool = False
    align: str | None = None


@dataclass
class GroupRow:
    """A row that spans the whole table: a section's or a group's title, bold."""

    text: str


@dataclass
class Table:
    """A table with header rows repeated on every page. `header` is a list of rows (a two-level
    header has two), `rows` its body: lists of cells or `GroupRow`s. `widths_cm` sets the columns
    (they fill the text width of the page). `caption` is printed above the table and kept with
    it; `numeric` are the columns aligned right."""

    header: list[list]
    rows: list
    widths_cm: list[float]
    caption: str = ""
    font_pt: float = TABLE_PT
    numeric: set[int] = field(default_factory=set)
    header_bold: bool = True


@dataclass
class Figure:
    """A chart as SVG, with a caption kept with it; drawn only by the renderer that needs it.
    The DOCX gets the SVG rasterised by Typst (quicker than matplotlib draws a PNG)."""

    svg: Callable[[], str]
    caption: str = ""
    width_cm: float = 16


@dataclass
class Signatures:
    """The signature block: a position on the left, a line to sign on, the name on the right;
    `date_line` adds «"___" __________ 20__ г.» under it, for a document dated when signed."""

    rows: list[tuple[str, str]]
    date_line: bool = False


@dataclass
class Landscape:
    """What follows is printed on landscape pages (wide tables)."""


@dataclass
class Portrait:
    """What follows is printed on portrait pages again."""


@dataclass
class PageBreak:
    """The next block starts a new page (an appendix)."""


Block = (
    Issuer
    | Stamp
    | Heading
    | Paragraph
    | Table
    | Figure
    | Signatures
    | Landscape
    | Portrait
    | PageBreak
)


@dataclass
class OfficialDocument:
    """A document as a list of blocks and its page: margins of ГОСТ Р 7.0.97 (left 3 cm for the
    binding), the body size, and a «ПРОЕКТ» mark for a draft."""

    title: str
    blocks: list[Block]
    body_pt: float = BODY_PT
    margins_cm: tuple[float, float, float, float] = (2, 1.5, 2, 3)  # top, right, bottom, left
    draft: bool = False


def example_mark(what: str) -> Paragraph:
    """The first line of a document whose content was invented for the demo (a flag set by the
    demo loader: Program.is_example, RiskProfile.is_example, Teacher.is_demo), so that no one
    takes it for a municipality's document."""
    return Paragraph(f"ПРИМЕР: {what} придуманы для демонстрации Опоры.", bold=True, align=LEFT)
