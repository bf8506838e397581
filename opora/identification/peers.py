"""Comparable schools and fair change: a school's change in доля «2», успеваемость and качество
знаний set against the change of schools like it, with an interval that reflects how many pupils
took part (a class of 9 moves a share by 11 points with one pupil). Pure polars, no Django.

The method, its parameters and the formula are described for coordinators in docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from opora.registry.years import academic_year_label

# The criteria a group can be formed by, most important first; they are dropped from the end
# when too few schools share all of them.
CRITERIA_LABELS: dict[str, str] = {
    "social": "индекс социального контекста",
    "size": "размер (участников в процедуре)",
    "rural": "местность (город/село)",
    "type": "тип школы",
}
DEFAULT_TYPE_GROUPS: dict[str, str] = {
    "СОШ": "средние школы",
    "ООШ": "основные школы",
    "НОШ": "начальные школы",
    "гимназия": "гимназии и лицеи",
    "лицей": "гимназии и лицеи",
    "филиал": "филиалы",
}
# Each metric is a share of participants: which marks it counts, and whether a fall is good.
METRICS: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "twos": (("mark_2",), "доля «2»", True),
    "success": (("mark_3", "mark_4", "mark_5"), "успеваемость", False),
    "quality": (("mark_4", "mark_5"), "качество знаний", False),
}
VERDICT_LABELS: dict[str, str] = {
    "better": "лучше похожих школ",
    "worse": "хуже похожих школ",
    "same": "в пределах погрешности",
    "no_data": "нет данных для сравнения",
}
RESULT_COLUMNS = (
    "school_code",
    "year",
    "kind",
    "subject",
    "grade",
    "participants",
    "mark_2",
    "mark_3",
    "mark_4",
    "mark_5",
)
SCHOOL_COLUMNS = ("school_code", "region", "school_type", "is_rural", "social_index")
_KEY_SEPARATOR = "|"


@dataclass(frozen=True, kw_only=True)
class PeerRule:
    """How comparable schools are chosen and how a change is judged against theirs.

    Schools of one region form a group when they share every criterion in `criteria`; when fewer
    than `min_peers` other schools share them all, criteria are dropped from the end of the list
    (the last is the least important) until enough remain, down to the whole region. Size is the
    average number of participants of one assessment; the social-context index is cut into
    `social_bands` equal parts of the region's schools (tertiles by default). The interval is
    ±`z` standard errors (1.96 — 95 %).
    """

    code: str = "comparable-schools"
    criteria: tuple[str, ...] = ("social", "size", "rural", "type")
    min_peers: int = 5
    size_bounds: tuple[int, ...] = (10, 25, 60)
    social_bands: int = 3
    type_groups: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPE_GROUPS))
    kinds: tuple[str, ...] = ("VPR", "OGE", "EGE", "KDR")
    min_participants: int = 1
    z: float = 1.96

    def __post_init__(self) -> None:
        # Parameters may come as lists from a rule set stored in the database.
        for name in ("criteria", "size_bounds", "kinds"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "z", float(self.z))
        unknown = [c for c in self.criteria if c not in CRITERIA_LABELS]
        if unknown:
            raise ValueError(f"Неизвестные признаки похожести: {', '.join(unknown)}")
        if len(set(self.criteria)) != len(self.criteria):
            raise ValueError("Признаки похожести не должны повторяться")
        if self.min_peers < 1:
            raise ValueError("В группе должна быть хотя бы одна другая школа")
        if list(self.size_bounds) != sorted(set(self.size_bounds)) or any(
            b < 1 for b in self.size_bounds
        ):
            raise ValueError("Границы размера — возрастающие целые числа больше 0")
        if self.social_bands < 1:
            raise ValueError("Число групп по индексу — не меньше 1")
        if not self.kinds:
            raise ValueError("Нужен хотя бы один вид оценочных процедур")
        if self.min_participants < 1:
            raise ValueError("Минимум участников должен быть не меньше 1")
        if not 0 < self.z <= 5:
            raise ValueError("Ширина интервала z — от 0 до 5 стандартных ошибок")

    def to_params(self) -> dict[str, Any]:
        params = asdict(self)
        for name in ("criteria", "size_bounds", "kinds"):
            params[name] = list(params[name])
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PeerRule:
        return cls(**params)

    @property
    def confidence(self) -> int:
        """The interval's coverage in percent: z = 1.96 → 95."""
        return round(100 * math.erf(self.z / math.sqrt(2)))


# --- Formatting ------------------------------------------------------------------------------


def _fixed(value: pl.Expr, *, signed: bool = False) -> pl.Expr:
    """One decimal with a comma, a real minus sign and, when `signed`, a plus: «−8,3», «+1,0»."""
    tenths = (value * 10).round(mode="half_away_from_zero").cast(pl.Int64)
    magnitude = tenths.abs()
    sign = pl.when(tenths < 0).then(pl.lit("−"))
    sign = (sign.when(tenths > 0).then(pl.lit("+")) if signed else sign).otherwise(pl.lit(""))
    return pl.format("{}{},{}", sign, magnitude // 10, magnitude % 10)


def format_points(value: float, *, signed: bool = True) -> str:
    """The scalar twin of _fixed: −8.25 → «−8,3»."""
    tenths = int(math.floor(abs(value) * 10 + 0.5))
    sign = "−" if value < 0 and tenths else ("+" if signed and tenths else "")
    return f"{sign}{tenths // 10},{tenths % 10}"


# --- Comparable schools ----------------------------------------------------------------------


def _checked_results(results: pl.DataFrame | pl.LazyFrame, kinds: Iterable[str]) -> pl.LazyFrame:
    lazy = results.lazy()
    missing = [c for c in RESULT_COLUMNS if c not in lazy.collect_schema().names()]
    if missing:
        raise ValueError(f"Во входных данных нет столбцов: {', '.join(missing)}")
    return lazy.select(
        *(pl.col(c).cast(pl.String) for c in ("school_code", "kind", "subject")),
        *(pl.col(c).cast(pl.Int64) for c in RESULT_COLUMNS[4:] + ("year",)),
    ).filter(pl.col("kind").is_in(list(kinds)))


def _checked_schools(schools: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    lazy = schools.lazy()
    present = lazy.collect_schema().names()
    missing = [c for c in SCHOOL_COLUMNS[:2] if c not in present]
    if missing:
        raise ValueError(f"В списке школ нет столбцов: {', '.join(missing)}")
    optional = {"school_type": pl.String, "is_rural": pl.Boolean, "social_index": pl.Float64}
    return lazy.select(
        pl.col("school_code").cast(pl.String),
        pl.col("region").cast(pl.String),
        *(
            (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in optional.items()
        ),
    )


def _size_band(size: pl.Expr, bounds: tuple[int, ...]) -> tuple[pl.Expr, pl.Expr]:
    """The band number and its words: «до 10 участников», «11–25 участников», «более 60 …»."""
    band = pl.lit(len(bounds), dtype=pl.Int64)
    for position, bound in reversed(list(enumerate(bounds))):
        band = pl.when(size <= bound).then(pl.lit(position, dtype=pl.Int64)).otherwise(band)
    band = pl.when(size.is_not_null()).then(band)  # no results, no size: not «more than …»
    words = [f"до {bounds[0]}"] if bounds else ["любого размера"]
    words += [f"{low + 1}–{high}" for low, high in zip(bounds, bounds[1:], strict=False)]
    words += [f"более {bounds[-1]}"] if bounds else []
    label = band.replace_strict(
        list(range(len(words))), [f"{w} участников в процедуре" for w in words]
    )
    return band, label


def comparable_groups(
    schools: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: PeerRule,
    year: int,
) -> pl.DataFrame:
    """The group of comparable schools of every school for `year`.

    `schools`: school_code, region and, when known, school_type, is_rural, social_index.
    `results`: school results (RESULT_COLUMNS); the size of a school is the average number of
    participants of its assessments of `year`; schools without results of `year` are nobody's
    peers. Returns school_code, group_key, group_label (the group in words), group_size (schools
    with results in it, the school included), criteria_used,
    criteria_dropped (with the reason in words), size, sorted by code.
    """
    return _groups(schools, results, rule=rule, year=year)[0]


def group_members(
    schools: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: PeerRule,
    year: int,
) -> pl.DataFrame:
    """school_code, group_key: the members of every group some school was given (a school can
    belong to several groups: a school with fewer figures is compared more widely)."""
    return _groups(schools, results, rule=rule, year=year)[1]


def _groups(
    schools: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: PeerRule,
    year: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    data = _checked_results(results, rule.kinds)
    sizes = (
        data.filter((pl.col("year") == year) & (pl.col("participants") >= rule.min_participants))
        .group_by("school_code")
        .agg(size=pl.col("participants").mean().round(0).cast(pl.Int64))
    )
    frame = _checked_schools(schools).join(sizes, on="school_code", how="left")
    social_rank = pl.col("social_index").rank("min").over("region")
    social_count = pl.col("social_index").count().over("region")
    social_band = ((social_rank - 1) * rule.social_bands // social_count).cast(pl.Int64)
    size_band, size_label = _size_band(pl.col("size"), rule.size_bounds)
    band_words = _band_words(rule.social_bands)
    attributes = {
        "social": social_band,
        "size": size_band,
        "rural": pl.col("is_rural").cast(pl.Int64),
        "type": pl.col("school_type").replace_strict(
            rule.type_groups, default=pl.col("school_type")
        ),
    }
    labels = {
        "social": pl.format(
            "индекс социального контекста — {}",
            social_band.replace_strict(list(range(len(band_words))), band_words),
        ),
        "size": size_label,
        "rural": pl.when(pl.col("is_rural"))
        .then(pl.lit("сельские"))
        .otherwise(pl.lit("городские")),
        "type": attributes["type"],
    }
    missing_words = {
        "social": "индекс социального контекста не рассчитан",
        "size": f"нет результатов за {academic_year_label(year)}",
        "rural": "местность не указана",
        "type": "тип не указан",
    }
    frame = frame.with_columns(
        *(attributes[c].cast(pl.String).alias(f"attr_{c}") for c in rule.criteria),
        *(labels[c].alias(f"label_{c}") for c in rule.criteria),
    ).collect()
    # Level k keeps the first len(criteria) − k criteria that the school has figures for; the
    # last level is the region alone. A school's peers share its figure on each kept criterion.
    bit = {c: 1 << position for position, c in enumerate(rule.criteria)}
    levels = [rule.criteria[: len(rule.criteria) - k] for k in range(len(rule.criteria) + 1)]
    frame = frame.with_columns(
        pl.sum_horizontal(
            pl.lit(0, dtype=pl.Int64),
            *(pl.col(f"attr_{c}").is_not_null().cast(pl.Int64) * bit[c] for c in used),
        ).alias(f"mask_{number}")
        for number, used in enumerate(levels)
    )
    masks = sorted(
        set().union(*(frame[f"mask_{n}"].unique().to_list() for n in range(len(levels))))
    )
    frame = frame.with_columns(
        *(_key_expr(mask, rule.criteria).alias(f"key_m{mask}") for mask in masks)
    ).with_columns(
        # Only schools with results of the year count: the others have nothing to compare.
        pl.col("size")
        .is_not_null()
        .sum()
        .over(f"key_m{mask}")
        .cast(pl.Int64)
        .alias(f"count_m{mask}")
        for mask in masks
    )

    def at_level(prefix: str, number: int) -> pl.Expr:
        expression = pl.lit(None)
        for mask in masks:
            expression = (
                pl.when(pl.col(f"mask_{number}") == mask)
                .then(pl.col(f"{prefix}_m{mask}"))
                .otherwise(expression)
            )
        return expression

    chosen = pl.lit(len(levels) - 1, dtype=pl.Int64)
    for number in reversed(range(len(levels) - 1)):
        enough = at_level("count", number) - 1 >= rule.min_peers
        chosen = pl.when(enough).then(pl.lit(number, dtype=pl.Int64)).otherwise(chosen)
    frame = frame.with_columns(level=chosen)

    def pick(at: Callable[[int], pl.Expr]) -> pl.Expr:
        """The value at the school's chosen level."""
        expression = at(len(levels) - 1)
        for number in range(len(levels) - 1):
            expression = pl.when(pl.col("level") == number).then(at(number)).otherwise(expression)
        return expression

    used_words = []
    dropped_words = []
    for position, criterion in enumerate(rule.criteria):
        present = pl.col(f"attr_{criterion}").is_not_null()
        kept = pl.col("level") <= len(rule.criteria) - 1 - position
        used_words.append(pl.when(kept & present).then(pl.col(f"label_{criterion}")))
        why = (
            pl.when(~present)
            .then(pl.lit(missing_words[criterion]))
            .otherwise(pl.lit(f"иначе меньше {rule.min_peers} похожих школ"))
        )
        dropped_words.append(
            pl.when(~(kept & present)).then(
                pl.format("{}: {}", pl.lit(CRITERIA_LABELS[criterion]), why)
            )
        )
    groups = frame.with_columns(
        group_mask=pick(lambda n: pl.col(f"mask_{n}")),
        group_key=pick(lambda n: at_level("key", n)),
        group_size=pick(lambda n: at_level("count", n)).cast(pl.Int64),
        criteria_used=pl.concat_list(used_words).list.drop_nulls(),
        criteria_dropped=pl.concat_list(dropped_words).list.drop_nulls(),
    ).with_columns(
        group_label=pl.concat_str(
            pl.col("criteria_used").list.join(", "),
            pl.format("школы региона «{}»", "region"),
            separator="; ",
        ).str.strip_prefix("; ")
    )
    # Who belongs to each chosen group: every school with the same figures on its criteria.
    members = pl.concat(
        [
            groups.filter(pl.col("size").is_not_null())
            .select("school_code", group_key=f"key_m{mask}")
            .drop_nulls()
            for mask in groups["group_mask"].unique().to_list()
        ]
    ).join(groups.select("group_key").unique(), on="group_key", how="semi")
    public = groups.select(
        "school_code",
        "group_key",
        "group_label",
        "group_size",
        "criteria_used",
        "criteria_dropped",
        "size",
    ).sort("school_code")
    return public, members, groups


def _key_expr(mask: int, criteria: tuple[str, ...]) -> pl.Expr:
    """The key of a group: the criteria kept (as a bit mask), the region and the school's figure
    on each kept criterion; null when a figure is missing."""
    kept = [c for position, c in enumerate(criteria) if mask & (1 << position)]
    return pl.format(
        "{}:{}",
        pl.lit(mask),
        pl.concat_str(
            [pl.col("region"), *(pl.col(f"attr_{c}") for c in kept)], separator=_KEY_SEPARATOR
        ),
    )


def _band_words(bands: int) -> list[str]:
    if bands == 3:
        return [
            "низкий (треть школ региона)",
            "средний (треть школ региона)",
            "высокий (треть школ региона)",
        ]
    if bands == 2:
        return ["ниже медианы региона", "выше медианы региона"]
    return [f"{n + 1}-я из {bands} групп региона" for n in range(bands)]


# --- Fair change -----------------------------------------------------------------------------


def fair_change(
    schools: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: PeerRule,
    year: int,
    base_year: int | None = None,
    only: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Each school's change from `base_year` (default: the year before) to `year` against the
    change of its comparable schools, for доля «2», успеваемость and качество знаний.

    The comparison uses the assessments (kind, subject, grade) the school took in both years with
    at least `min_participants`, and that its peers took in both years too. The peers' change is
    worked out on the school's own mix of assessments: what the school's share would have done if
    each of its assessments had moved like the peers' one did. The interval is ±z standard errors
    of the difference; a standard error of a share x of n uses (x + 1) / (n + 2) (Agresti–Caffo),
    so that 0 of 9 still carries uncertainty.

    Returns one row per school (of `only`, else of `schools`) and metric: school_code, metric,
    group_label, group_size, assessments, participants_before, participants_after, share_before,
    share_after, change, peer_change, difference, margin, low, high (percentage points), verdict
    (better / worse / same / no_data), verdict_label, reason (in words), sorted by code and metric.
    """
    base_year = year - 1 if base_year is None else base_year
    if base_year >= year:
        raise ValueError("Базовый год должен быть раньше года сравнения")
    groups, _, full = _groups(schools, results, rule=rule, year=base_year)
    attributes = [c for c in full.columns if c.startswith("attr_")]
    # Whole numbers stand for schools, assessments, cells (region and figures) and groups: the
    # joins and sums below run on them rather than on text.
    cell_table = full.select("region", *attributes).unique().with_row_index("cell")
    group_table = full.select("group_key").unique().with_row_index("gid")
    full = (
        full.with_row_index("sid")
        .join(cell_table, on=["region", *attributes], nulls_equal=True)
        .join(group_table, on="group_key")
    )
    data = (
        _checked_results(results, rule.kinds)
        .filter(
            pl.col("year").is_in([base_year, year])
            & (pl.col("participants") >= rule.min_participants)
        )
        .join(full.lazy().select("school_code", "sid"), on="school_code")
        .drop("school_code")
        .collect()
    )
    assessment = ["kind", "subject", "grade"]
    counted = {
        metric: pl.sum_horizontal(*(pl.col(mark) for mark in marks))
        for metric, (marks, _, _) in METRICS.items()
    }
    assessments = data.select(assessment).unique().with_row_index("aid")
    per_year = (
        data.lazy()
        .join(assessments.lazy(), on=assessment)
        .select(
            "sid",
            "aid",
            "year",
            "participants",
            *(expression.alias(metric) for metric, expression in counted.items()),
        )
    )
    before = per_year.filter(pl.col("year") == base_year).drop("year")
    after = per_year.filter(pl.col("year") == year).drop("year")
    sums = ["n0", "n1", *(f"{m}0" for m in METRICS), *(f"{m}1" for m in METRICS)]
    upper = {name: name.upper() for name in sums}
    # One row per school and assessment taken in both years: participants and each metric's
    # count of pupils, before (0) and after (1).
    matched = (
        before.join(after, on=["sid", "aid"], suffix="_after")
        .rename(
            {
                "participants": "n0",
                "participants_after": "n1",
                **{m: f"{m}0" for m in METRICS},
                **{f"{m}_after": f"{m}1" for m in METRICS},
            }
        )
        .collect()
    )
    # Sums by cell (region and figures) and assessment first: a group's sums are sums of cells.
    cells = (
        matched.lazy()
        .join(full.lazy().select("sid", "cell"), on="sid")
        .group_by("cell", "aid")
        .agg(pl.col(sums).sum())
    )
    chosen = full.select("group_key", "group_mask", "gid").unique("gid")
    cell_groups = pl.concat(
        [
            cell_table.with_columns(group_key=_key_expr(mask, rule.criteria))
            .join(chosen.filter(pl.col("group_mask") == mask), on="group_key")
            .select("cell", "gid")
            for mask in chosen["group_mask"].unique().to_list()
        ]
    )
    peer_sums = (
        cells.join(cell_groups.lazy(), on="cell")
        .group_by("gid", "aid")
        .agg(pl.col(sums).sum().name.to_uppercase())
    )

    def variance(x: pl.Expr, n: pl.Expr) -> pl.Expr:
        adjusted = (x + 1) / (n + 2)
        return adjusted * (1 - adjusted) / (n + 2)

    # Leave the school itself out of its peers; then the peers' shares on the school's
    # assessments, weighted by the school's own participants (summed, divided after).
    compared = (
        matched.lazy()
        .join(full.lazy().select("sid", "gid"), on="sid")
        .join(peer_sums, on=["gid", "aid"])
        .with_columns(pl.col(upper[name]) - pl.col(name) for name in sums)
        .filter((pl.col("N0") > 0) & (pl.col("N1") > 0))
        .with_columns(
            *(
                expression.alias(f"{name}_{m}")
                for m in METRICS
                for name, expression in {
                    "peer0": pl.col("n0") * pl.col(f"{m.upper()}0") / pl.col("N0"),
                    "peer1": pl.col("n1") * pl.col(f"{m.upper()}1") / pl.col("N1"),
                    "var0": pl.col("n0") ** 2 * variance(pl.col(f"{m.upper()}0"), pl.col("N0")),
                    "var1": pl.col("n1") ** 2 * variance(pl.col(f"{m.upper()}1"), pl.col("N1")),
                }.items()
            )
        )
    )
    summed = [
        "n0",
        "n1",
        *(f"{m}{i}" for m in METRICS for i in (0, 1)),
        *(f"{name}_{m}" for m in METRICS for name in ("peer0", "peer1", "var0", "var1")),
    ]
    per_school = (
        compared.group_by("sid")
        .agg(pl.len().cast(pl.Int64).alias("assessments"), pl.col(summed).sum())
        .collect()
        .join(full.select("sid", "school_code"), on="sid")
    )
    n0, n1 = pl.col("n0"), pl.col("n1")
    summary = pl.concat(
        per_school.select(
            "school_code",
            "assessments",
            participants_before=n0,
            participants_after=n1,
            metric=pl.lit(m),
            x0=pl.col(f"{m}0"),
            x1=pl.col(f"{m}1"),
            peer_before=pl.col(f"peer0_{m}") / n0,
            peer_after=pl.col(f"peer1_{m}") / n1,
            peer_variance=pl.col(f"var0_{m}") / n0**2 + pl.col(f"var1_{m}") / n1**2,
        )
        for m in METRICS
    )
    scope = (
        groups.select("school_code")
        if only is None
        else pl.DataFrame({"school_code": list(only)}, schema={"school_code": pl.String})
    )
    metric_rows = pl.DataFrame({"metric": list(METRICS), "metric_order": range(len(METRICS))})
    lower_is_better = pl.col("metric").replace_strict(
        {m: low for m, (_, _, low) in METRICS.items()}, return_dtype=pl.Boolean
    )
    share_before = 100 * pl.col("x0") / pl.col("participants_before")
    share_after = 100 * pl.col("x1") / pl.col("participants_after")
    frame = (
        scope.join(metric_rows, how="cross")
        .join(groups, on="school_code", how="left")
        .join(summary, on=["school_code", "metric"], how="left")
        .with_columns(
            share_before=share_before,
            share_after=share_after,
            change=share_after - share_before,
            peer_change=100 * (pl.col("peer_after") - pl.col("peer_before")),
            margin=100
            * rule.z
            * (
                variance(pl.col("x0"), pl.col("participants_before"))
                + variance(pl.col("x1"), pl.col("participants_after"))
                + pl.col("peer_variance")
            ).sqrt(),
        )
        .with_columns(difference=pl.col("change") - pl.col("peer_change"))
        .with_columns(
            low=pl.col("difference") - pl.col("margin"),
            high=pl.col("difference") + pl.col("margin"),
        )
    )
    gain = pl.when(lower_is_better).then(-pl.col("difference")).otherwise(pl.col("difference"))
    verdict = (
        pl.when(pl.col("difference").is_null())
        .then(pl.lit("no_data"))
        .when(gain - pl.col("margin") > 0)
        .then(pl.lit("better"))
        .when(gain + pl.col("margin") < 0)
        .then(pl.lit("worse"))
        .otherwise(pl.lit("same"))
    )
    frame = (
        frame.with_columns(verdict=verdict)
        .with_columns(verdict_label=pl.col("verdict").replace_strict(VERDICT_LABELS))
        .with_columns(reason=_reason_expr(base_year, year))
    )
    return frame.sort("school_code", "metric_order").select(
        "school_code",
        "metric",
        "group_label",
        "group_size",
        pl.col("assessments").fill_null(0),
        "participants_before",
        "participants_after",
        "share_before",
        "share_after",
        "change",
        "peer_change",
        "difference",
        "margin",
        "low",
        "high",
        "verdict",
        "verdict_label",
        "reason",
    )


def _reason_expr(base_year: int, year: int) -> pl.Expr:
    """«доля «2»: 27,3 % → 19,0 % (−8,3 п. п.; участников 22 и 21), у похожих школ −1,2 п. п.;
    разница −7,1 ± 9,8 п. п. — в пределах погрешности»."""
    name = pl.col("metric").replace_strict({m: label for m, (_, label, _) in METRICS.items()})
    no_data = pl.format(
        "{}: нет результатов одних и тех же процедур за {} и {} у школы и похожих школ — "
        "сравнение невозможно",
        name,
        pl.lit(academic_year_label(base_year)),
        pl.lit(academic_year_label(year)),
    )
    told = pl.format(
        "{}: {} % → {} % ({} п. п.; участников {} и {}, процедур {}), у похожих школ {} п. п.; "
        "разница {} ± {} п. п. — {}",
        name,
        _fixed(pl.col("share_before")),
        _fixed(pl.col("share_after")),
        _fixed(pl.col("change"), signed=True),
        pl.col("participants_before"),
        pl.col("participants_after"),
        pl.col("assessments"),
        _fixed(pl.col("peer_change"), signed=True),
        _fixed(pl.col("difference"), signed=True),
        _fixed(pl.col("margin")),
        pl.col("verdict_label"),
    )
    return pl.when(pl.col("verdict") == "no_data").then(no_data).otherwise(told)


# --- A rule for effectiveness verdicts ---------------------------------------------------------

EFFECTIVE = "эффективно"
NOT_EFFECTIVE = "неэффективно"
NOT_EVALUATED = "не оценено"


def fair_change_verdicts(
    fair: pl.DataFrame, *, metrics: Iterable[str] = ("twos", "quality")
) -> pl.DataFrame:
    """Effectiveness judged against comparable schools, for every school of a fair_change frame.

    «эффективно» only when the school beat its peers beyond the interval in at least one of
    `metrics` and fell behind them beyond the interval in none; «не оценено» when none of the
    metrics could be compared; otherwise «неэффективно». Returns school_code, verdict, reasons
    (the metrics' reasons, in the order given).
    """
    metrics = list(metrics)
    unknown = [m for m in metrics if m not in METRICS]
    if not metrics or unknown:
        raise ValueError(f"Показатели для вывода — из списка: {', '.join(METRICS)}")
    order = {m: i for i, m in enumerate(metrics)}
    rows = fair.filter(pl.col("metric").is_in(metrics)).with_columns(
        position=pl.col("metric").replace_strict(order, return_dtype=pl.Int64)
    )
    verdict = (
        pl.when((pl.col("verdict") != "no_data").sum() == 0)
        .then(pl.lit(NOT_EVALUATED))
        .when(
            ((pl.col("verdict") == "better").sum() > 0)
            & ((pl.col("verdict") == "worse").sum() == 0)
        )
        .then(pl.lit(EFFECTIVE))
        .otherwise(pl.lit(NOT_EFFECTIVE))
    )
    return (
        rows.sort("school_code", "position")
        .group_by("school_code", maintain_order=True)
        .agg(verdict=verdict, reasons=pl.col("reason"))
    )


def fair_change_verdict(
    fair: pl.DataFrame, *, school_code: str, metrics: Iterable[str] = ("twos", "quality")
) -> tuple[str, list[str]]:
    """(verdict, reasons) for one school of a fair_change frame: see fair_change_verdicts."""
    verdicts = fair_change_verdicts(
        fair.filter(pl.col("school_code") == school_code), metrics=metrics
    )
    if verdicts.is_empty():
        return NOT_EVALUATED, [f"школы {school_code} нет среди рассчитанных"]
    row = verdicts.row(0, named=True)
    return row["verdict"], list(row["reasons"])
