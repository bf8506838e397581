"""Charts: each is a function from data to a matplotlib figure; pages embed it as SVG and
documents as PNG, from the same function, so a page and its printed report never disagree."""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.cache import cache

from opora.registry.years import academic_year_label
from opora.reports.cache import code_version, content_digest

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PALETTE = ["#9db4d9", "#1f5fbf", "#14213d", "#fca311"]


_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    # Every text a chart draws (labels, legends, titles, ticks) is a name or a figure as
    # written: a school called «СОШ $x^2$» is not math, and «$_$» must not break the page.
    "text.parse_math": False,
    "text.usetex": False,
}


@functools.cache
def load_matplotlib() -> type[Figure]:
    """matplotlib, imported and set up on the first chart: every process (a command, a worker)
    starts Django, which registers the documents that draw charts, and the import alone was the
    largest part of a command's start."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(_STYLE)
    return Figure


LEGEND = 0.3  # inches under a bars chart for its legend


def _figure(*, height: float, constrained: bool = True) -> Figure:
    """A bare Figure, not pyplot's: pyplot keeps every open figure in one global registry,
    which threads of a server must not share, and costs time on each chart."""
    return load_matplotlib()(figsize=(7.2, height), layout="constrained" if constrained else None)


def bars_chart(*, labels: list[str], series: dict[str, list[float | None]], title: str) -> Figure:
    """Horizontal bars: one group per label (a school, an assessment, a municipality), one bar
    per named series (a year, a group of schools), each bar labelled with its value and a
    missing value written «нет данных». The title names the unit; a document leaves it empty
    and prints it as the figure's caption.

    Drawn with margins set from the longest label, the labels as plain texts and no value
    axis (every bar carries its value): constrained layout and matplotlib's tick objects,
    which measure every text several times, took most of the time of a chart of fifty bars."""
    names = list(series)
    bar = 0.8 / max(len(names), 1)
    # A strip of LEGEND inches under the bars holds the legend, so it never covers a bar.
    height = 0.9 + LEGEND + 0.22 * len(labels) * max(len(names), 1)
    figure = _figure(height=height, constrained=False)
    longest = max((len(label) for label in labels), default=1)
    left = min(0.45, 0.03 + 0.012 * longest)
    bottom = (0.25 + LEGEND) / height
    top = (0.45 if title else 0.15) / height
    axes = figure.add_axes((left, bottom, 0.93 - left, 1 - top - bottom))
    # All zero (no school has a «2») still needs an axis to draw on; the room on the right of
    # the longest bar is for its value.
    highest = max([v for values in series.values() for v in values if v is not None], default=0)
    room = (highest or 1) * 0.12
    for index, name in enumerate(names):
        positions = [i + index * bar for i in range(len(labels))]
        values = series[name]
        bars = axes.barh(
            positions,
            [v or 0 for v in values],
            height=bar,
            label=name,
            color=PALETTE[index % len(PALETTE)],
        )
        for rect, value in zip(bars, values, strict=True):
            text = "нет данных" if value is None else f"{value:.1f}".replace(".", ",")
            axes.text(
                rect.get_width() + room / 12,
                rect.get_y() + rect.get_height() / 2,
                text,
                va="center",
                fontsize=8,
            )
    for i, label in enumerate(labels):
        axes.text(
            -0.015,
            i + bar * (len(names) - 1) / 2,
            label,
            transform=axes.get_yaxis_transform(),
            ha="right",
            va="center",
        )
    # The first label at the top.
    axes.set_ylim(len(labels) - 0.6 + bar * (len(names) - 1), -0.2 - bar / 2)
    axes.set_xlim(0, (highest or 1) + room)
    axes.xaxis.set_visible(False)
    axes.yaxis.set_visible(False)
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    # From the figure's left edge, not the axes': after long labels the axes are too narrow.
    if title:
        figure.text(0.02, 1 - 0.35 / height, title, fontsize=10, fontweight="bold")
    # Also from the figure's left edge: its strip is under the labels too, and started after
    # long labels the entries ran off the right edge.
    figure.legend(
        loc="lower left",
        bbox_to_anchor=(0.02, 0.1 / height),
        ncols=min(len(names), 4),
        frameon=False,
        fontsize=8,
    )
    return figure


def years_series(
    years: list[int], values: dict[int, list[float | None]]
) -> dict[str, list[float | None]]:
    """Series named by academic year, e.g. «2022/23», for bars_chart."""
    return {academic_year_label(year): values[year] for year in years}


def svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


CACHED_SVG_SECONDS = 24 * 3600
# Part of every cached chart's key: after an upgrade that redraws charts differently, a shared
# (database) cache must not keep serving the old drawings.
_DRAWING_VERSION = code_version(Path(__file__))


def cached_svg(chart: Callable[..., Figure], **data) -> str:
    """svg(chart(**data)), kept in the cache under a digest of the data: a chart is a function
    of its data only, and drawing twenty municipalities' bars cost more CPU than reading them."""
    key = f"chart-svg:{content_digest([_DRAWING_VERSION, chart.__name__, data])}"
    found = cache.get(key)
    if found is None:
        found = svg(chart(**data))
        cache.set(key, found, CACHED_SVG_SECONDS)
    return found


def targets_and_values_chart(
    *, targets: list[tuple[int, float]], measured: list[tuple[float, float]]
) -> Figure:
    """An indicator's yearly targets (steps) against the values measured (points), as numbers
    read by the app that owns the indicator (a year, or a year with its month as a fraction)."""
    figure = _figure(height=3.0)
    axes = figure.subplots()
    if targets:
        axes.step(
            [y for y, _ in targets],
            [v for _, v in targets],
            where="mid",
            color=PALETTE[3],
            linewidth=2,
            label="цель",
        )
    if measured:
        axes.plot(
            [x for x, _ in measured], [y for _, y in measured], "o-", color=PALETTE[1], label="факт"
        )
        for x, y in measured:
            axes.annotate(
                f"{y:g}".replace(".", ","),
                (x, y),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    # From zero, so that a flat 100 % does not look like a swing around 100.
    highest = max([v for _, v in targets + measured] or [1])
    axes.set_ylim(0, highest * 1.15 if highest > 0 else 1)
    # Whole years on the axis, even when the values fall within one year's span.
    xs = [x for x, _ in targets + measured]
    if xs:
        axes.set_xticks(range(math.floor(min(xs)), math.ceil(max(xs)) + 1))
    axes.spines[["top", "right"]].set_visible(False)
    if xs:
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
    else:  # targets and values written in words («да», «100 % школ»): nothing to plot
        axes.text(0.5, 0.5, "нет числовых значений", ha="center", transform=axes.transAxes)
    return figure
