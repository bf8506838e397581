"""Charts: each is a function from data to a matplotlib figure; pages embed it as SVG and
documents as PNG, from the same function, so a page and its printed report never disagree."""

import io
import math

import matplotlib
from matplotlib.figure import Figure

from opora.registry.years import academic_year_label

PALETTE = ["#9db4d9", "#1f5fbf", "#14213d", "#fca311"]
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none"})


def _figure(*, height: float, constrained: bool = True) -> Figure:
    """A bare Figure, not pyplot's: pyplot keeps every open figure in one global registry,
    which threads of a server must not share, and costs time on each chart."""
    return Figure(figsize=(7.2, height), layout="constrained" if constrained else None)


def metric_by_year_chart(
    *, labels: list[str], years: list[int], values: dict[int, list[float | None]], title: str
) -> Figure:
    """Horizontal bars: one group per assessment, one bar per year (values in percent)."""
    height = 0.9 + 0.32 * len(labels) * max(len(years), 1)
    figure = _figure(height=height)
    axes = figure.subplots()
    bar = 0.8 / max(len(years), 1)
    for index, year in enumerate(years):
        positions = [i + index * bar for i in range(len(labels))]
        shown = [v if v is not None else 0 for v in values[year]]
        bars = axes.barh(
            positions,
            shown,
            height=bar,
            label=academic_year_label(year),
            color=PALETTE[index % len(PALETTE)],
        )
        for rect, value in zip(bars, values[year], strict=True):
            text = "нет данных" if value is None else f"{value:.1f}".replace(".", ",")
            axes.annotate(
                text,
                (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    axes.set_yticks([i + bar * (len(years) - 1) / 2 for i in range(len(labels))], labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    return figure


def svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


MAX_PNG_PIXELS = 1_500_000  # a chart of 50 schools is as tall as a page: enough to read


def png(figure: Figure, *, dpi: int = 150) -> bytes:
    """PNG for documents; a tall chart gets a lower resolution so that writing it stays quick."""
    width, height = figure.get_size_inches()
    dpi = min(dpi, int((MAX_PNG_PIXELS / (width * height)) ** 0.5))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def targets_and_values_chart(*, row) -> Figure:
    """An indicator's yearly targets (steps) against the values measured (points)."""
    from opora.programs.achievement import read  # reports draw what other apps hand them

    figure = _figure(height=3.0)
    axes = figure.subplots()
    target_points = [(year, read(value).number) for year, value in sorted(row.targets.items())]
    target_points = [(y, v) for y, v in target_points if v is not None]
    if target_points:
        axes.step(
            [y for y, _ in target_points],
            [v for _, v in target_points],
            where="mid",
            color=PALETTE[3],
            linewidth=2,
            label="цель",
        )
    measured = [
        (v.measured_on.year + (v.measured_on.month - 1) / 12, read(v.value).number)
        for v in row.values
    ]
    measured = [(x, y) for x, y in measured if y is not None]
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
    highest = max([v for _, v in target_points + measured] or [1])
    axes.set_ylim(0, highest * 1.15 if highest > 0 else 1)
    # Whole years on the axis, even when the values fall within one year's span.
    xs = [x for x, _ in target_points + measured]
    if xs:
        axes.set_xticks(range(math.floor(min(xs)), math.ceil(max(xs)) + 1))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="best", frameon=False, fontsize=8)
    return figure


def series_chart(
    *, labels: list[str], series: dict[str, list[float | None]], title: str, unit: str = "%"
) -> Figure:
    """Horizontal bars: one group per label, one bar per named series (e.g. доля «2» of ШНОР
    and of the other schools, by assessment); a missing value is written «нет данных»."""
    names = list(series)
    height = 0.9 + 0.3 * len(labels) * max(len(names), 1)
    figure = _figure(height=height)
    axes = figure.subplots()
    bar = 0.8 / max(len(names), 1)
    highest = max([v for values in series.values() for v in values if v is not None] or [1])
    for index, name in enumerate(names):
        positions = [i + index * bar for i in range(len(labels))]
        values = series[name]
        bars = axes.barh(
            positions,
            [v or 0 for v in values],
            height=bar,
            label=name,
            color=PALETTE[(index + 1) % len(PALETTE)],
        )
        for rect, value in zip(bars, values, strict=True):
            text = "нет данных" if value is None else f"{value:.1f}".replace(".", ",")
            axes.annotate(
                text,
                (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    axes.set_yticks([i + bar * (len(names) - 1) / 2 for i in range(len(labels))], labels)
    axes.invert_yaxis()
    axes.set_xlim(0, highest * 1.25)
    axes.set_xlabel(unit)
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    return figure


def schools_by_year_chart(
    *, labels: list[str], years: list[int], values: dict[int, list[float | None]], title: str
) -> Figure:
    """metric_by_year_chart for a report's many charts: the same bars, with margins set from the
    longest label instead of a constrained layout, which measured every text several times
    and made a 50-school report's charts take most of its build."""
    bar = 0.8 / max(len(years), 1)
    height = 0.9 + 0.22 * len(labels) * max(len(years), 1)
    figure = _figure(height=height, constrained=False)
    longest = max((len(label) for label in labels), default=1)
    left = min(0.45, 0.03 + 0.012 * longest)
    axes = figure.add_axes((left, 0.25 / height, 0.93 - left, 1 - 0.7 / height))
    for index, year in enumerate(years):
        positions = [i + index * bar for i in range(len(labels))]
        bars = axes.barh(
            positions,
            [v if v is not None else 0 for v in values[year]],
            height=bar,
            label=academic_year_label(year),
            color=PALETTE[index % len(PALETTE)],
        )
        for rect, value in zip(bars, values[year], strict=True):
            text = "нет данных" if value is None else f"{value:.1f}".replace(".", ",")
            axes.text(
                rect.get_width() + 1,
                rect.get_y() + rect.get_height() / 2,
                text,
                va="center",
                fontsize=8,
            )
    # The school names are plain texts beside the axis and the percent axis is left out (every
    # bar carries its value): matplotlib's tick objects were a third of drawing such a chart.
    for i, label in enumerate(labels):
        axes.text(
            -0.015,
            i + bar * (len(years) - 1) / 2,
            label,
            transform=axes.get_yaxis_transform(),
            ha="right",
            va="center",
        )
    # The first label at the top; below the last bars, a strip for the legend.
    axes.set_ylim(len(labels) - 0.4 + bar * (len(years) - 1.5), -0.2 - bar / 2)
    axes.set_xlim(0, 110)
    axes.xaxis.set_visible(False)
    axes.yaxis.set_visible(False)
    axes.spines["bottom"].set_visible(False)
    # A fixed title height and no axis label spare matplotlib measuring every tick label again
    # to place them, which took most of the drawing of a 50-school chart.
    axes.set_title(f"{title}, %", loc="left", fontsize=10, fontweight="bold", y=1.0, pad=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    return figure
