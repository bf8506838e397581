"""The blocks an annual report is made of: headings, paragraphs, lists, tables, charts and the
coordinator's conclusions. One list of blocks is drawn as the page, the DOCX, the PDF and the
XLSX of its tables (documents.py), so they never disagree. What only the app shows (how Opora
computed a figure, a status against today's date) is marked `app_only` and is left out of the
official document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from opora.reports import charts

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    app_only: bool = False
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
    app_only: set[int] = field(default_factory=set)  # columns shown on the page only
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

    def svg(self) -> str:
        return charts.cached_svg(self.figure, **self.data)

    def untitled(self) -> Chart:
        """The chart without its title: a document prints the title as the figure's caption,
        which wraps and stays with the figure instead of running off the drawing."""
        return Chart(self.title, self.figure, {**self.data, "title": ""})


@dataclass
class Conclusion:
    """The coordinator's own words for a section, edited on the report page."""

    key: str
    title: str
    text: str
    kind: str = "conclusion"


def tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]
