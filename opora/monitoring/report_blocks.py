"""The blocks an annual report is made of: headings, paragraphs, lists, tables, charts and the
coordinator's conclusions. One list of blocks is drawn as the page, the DOCX, the PDF and the
XLSX of its tables (documents.py), so they never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from matplotlib.figure import Figure

from opora.reports import charts


@dataclass
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass
class Items:
    items: list[str]
    kind: str = "items"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    sheet: str
    links: list[str | None] = field(default_factory=list)  # per row, for the page only
    marks: list[str] = field(default_factory=list)  # per row: "", "group", "good", "bad"
    kind: str = "table"

    def linked_rows(self):
        links = self.links or [None] * len(self.rows)
        marks = self.marks or [""] * len(self.rows)
        return zip(self.rows, links, marks, strict=True)


@dataclass
class Chart:
    """A chart as its function and data, not a drawing: drawing costs, and the data is what
    says whether a published report's file has changed (monitoring/documents.py)."""

    title: str
    figure: Callable[..., Figure]
    data: dict
    kind: str = "chart"

    def draw(self) -> Figure:
        return self.figure(**self.data)

    def svg(self) -> str:
        return charts.cached_svg(self.figure, **self.data)

    def png(self) -> bytes:
        return charts.png(self.draw(), dpi=110)


@dataclass
class Conclusion:
    """The coordinator's own words for a section, edited on the report page."""

    key: str
    title: str
    text: str
    kind: str = "conclusion"


def tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]
