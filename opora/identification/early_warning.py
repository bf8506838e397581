"""Early warning: schools not yet in the ШНОР list whose results are heading for the rule, ranked
by an estimate of the chance to meet it next year, with the reasons in words. Pure polars.

The list for year Y is drawn from the results of Y−1 (and earlier); the warning made at the same
time names the schools likely to be in the list for Y+1, which will be drawn from the results of Y.
The method and its check against history are described in docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from opora.identification.engine import (
    LowResultsRule,
    _label_expr,
    _selected_expr,
    format_threshold,
    identify_low_results,
    percent_expr,
)
from opora.identification.peers import _fixed
from opora.registry.years import academic_year_label

COLUMNS = ("school_code", "year", "kind", "subject", "grade", "participants", "mark_2")
_CERTAIN = 1 - 1e-9  # a chance of 1 would make the arithmetic below divide by zero
# Gauss–Hermite nodes and weights for a standard normal (three points: exact for polynomials
# up to the fifth degree, plenty for a smooth chance).
_NODES = [-math.sqrt(3), 0.0, math.sqrt(3)]
_NODE_WEIGHTS = [1 / 6, 2 / 3, 1 / 6]


@dataclass(frozen=True, kw_only=True)
class EarlyWarningRule:
    """Parameters of the warning.

    Next year's share of «2» in an assessment is expected at last year's share moved by
    `trend_weight` × the school's yearly trend (over up to three years), and to vary around that
    by the sampling error of the class plus `drift` (how much a school's real share changes from
    one year to the next). A school is named when the chance to meet the list rule reaches
    `min_probability`. Assessments within `near_margin` of the threshold are named in reasons.
    """

    code: str = "early-warning"
    drift: float = 0.04
    trend_weight: float = 0.5
    shrink: float = 30.0
    min_probability: float = 0.3
    near_margin: float = 0.10
    small_class: int = 15

    def __post_init__(self) -> None:
        for name in ("drift", "trend_weight", "shrink", "min_probability", "near_margin"):
            object.__setattr__(self, name, float(getattr(self, name)))
        if not 0 <= self.drift <= 0.5:
            raise ValueError("Колебание доли «2» от года к году — от 0 до 0,5")
        if not 0 <= self.trend_weight <= 2:
            raise ValueError("Вес тенденции — от 0 до 2")
        if self.shrink < 0:
            raise ValueError("Сглаживание не может быть отрицательным")
        if not 0 < self.min_probability < 1:
            raise ValueError("Порог вероятности — больше 0 и меньше 1")
        if not 0 <= self.near_margin < 1:
            raise ValueError("Близость к порогу — от 0 до 1")
        if self.small_class < 1:
            raise ValueError("Малый класс — хотя бы 1 участник")

    def to_params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EarlyWarningRule:
        return cls(**params)


def _normal_cdf(x: pl.Expr) -> pl.Expr:
    """Φ(x) through erf (Abramowitz–Stegun 7.1.26, error below 1,5·10⁻⁷): polars has no erf."""
    z = x.abs() / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1 - poly * (-(z**2)).exp()
    return pl.when(x >= 0).then(0.5 * (1 + erf)).otherwise(0.5 * (1 - erf))


def _at_least(k: int, column: str = "chance") -> pl.Expr:
    """P(at least k of independent events with chances `column`), inside a group_by: exact for
    k ≤ 2, the Poisson approximation beyond."""
    chance = pl.col(column).clip(0, _CERTAIN)
    none = (1 - chance).log().sum().exp()
    if k <= 1:
        return 1 - none
    if k == 2:
        return (1 - none - none * (chance / (1 - chance)).sum()).clip(0, 1)
    expected = chance.sum()
    below = sum((-expected).exp() * expected**i / math.factorial(i) for i in range(k))
    return (1 - below).clip(0, 1)


def early_warning(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: LowResultsRule,
    warning: EarlyWarningRule,
    year: int,
    schools: Iterable[str] | None = None,
    subject_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The warning made with the list for `year`: who, not in that list, may be in the list for
    `year` + 1. Reads the results of `year` − 3 … `year` − 1.

    Returns one row per school (of `schools`, else of `results`): school_code, listed (already in
    the list for `year`), probability (null without results of `year` − 1), warned, rank (1 = the
    most likely, among the warned), reasons, sorted by rank, then by probability and code.
    """
    codes = None if schools is None else list(schools)
    lazy = results.lazy()
    missing = [c for c in COLUMNS if c not in lazy.collect_schema().names()]
    if missing:
        raise ValueError(f"Во входных данных нет столбцов: {', '.join(missing)}")
    data = (
        lazy.select(
            *(pl.col(c).cast(pl.String) for c in ("school_code", "kind", "subject")),
            *(pl.col(c).cast(pl.Int64) for c in ("year", "grade", "participants", "mark_2")),
        )
        .filter(
            pl.col("year").is_between(year - 3, year - 1)
            & _selected_expr(rule.selectors)
            & (pl.col("participants") >= rule.min_participants)
        )
        .collect()
    )
    listed = identify_low_results(data, rule=rule, year=year, schools=codes).select(
        "school_code", listed="flagged"
    )
    threshold = rule.threshold
    share = pl.col("mark_2") / pl.col("participants")
    # The pooled share of «2» of each of the three years, side by side (k = 1 is year − 1).
    back = (1, 2, 3)
    in_year = {k: pl.col("year") == year - k for k in back}
    trends = (
        data.lazy()
        .group_by("school_code")
        .agg(
            *(pl.col("mark_2").filter(in_year[k]).sum().alias(f"twos_{k}") for k in back),
            *(pl.col("participants").filter(in_year[k]).sum().alias(f"part_{k}") for k in back),
            *(((share >= threshold) & in_year[k]).any().alias(f"hit_{k}") for k in back),
        )
    )
    present = {k: pl.col(f"part_{k}") > 0 for k in back}
    shares = {k: pl.col(f"twos_{k}") / pl.col(f"part_{k}") for k in back}
    count = pl.sum_horizontal(present[k].cast(pl.Float64) for k in back)
    mean_t = pl.sum_horizontal(pl.when(present[k]).then(-k).otherwise(0) for k in back) / count
    mean_s = (
        pl.sum_horizontal(pl.when(present[k]).then(shares[k]).otherwise(0) for k in back) / count
    )
    covariance = pl.sum_horizontal(
        pl.when(present[k]).then((-k - mean_t) * (shares[k] - mean_s)).otherwise(0) for k in back
    )
    spread_t = pl.sum_horizontal(
        pl.when(present[k]).then((-k - mean_t) ** 2).otherwise(0) for k in back
    )
    twos_all = pl.sum_horizontal(pl.col(f"twos_{k}") for k in back)
    part_all = pl.sum_horizontal(pl.col(f"part_{k}") for k in back)
    # Weighted by participants, as the level is: years with more pupils count more.
    mean_year = pl.sum_horizontal((year - k) * pl.col(f"part_{k}") for k in back) / part_all
    # Rising: every year present has a higher share than the present year before it.
    steps = [
        pl.when(present[1] & present[2]).then(shares[1] > shares[2]),
        pl.when(present[2] & present[3]).then(shares[2] > shares[3]),
        pl.when(present[1] & ~present[2] & present[3]).then(shares[1] > shares[3]),
    ]
    trends = trends.with_columns(
        years=count.cast(pl.Int64),
        slope=pl.when(count > 1).then(covariance / spread_t).otherwise(0.0),
    ).with_columns(
        level=twos_all / part_all + warning.trend_weight * pl.col("slope") * (year - mean_year),
        rising=(pl.col("years") >= 2) & pl.all_horizontal(s.fill_null(True) for s in steps),
    )
    keys = ["school_code", "kind", "subject", "grade"]
    previous = data.filter(pl.col("year") == year - 2).select(
        *keys, previous_share=share, previous_twos="mark_2", previous_participants="participants"
    )
    last = (
        data.lazy()
        .filter(pl.col("year") == year - 1)
        .join(trends.select("school_code", "level"), on="school_code", how="left")
        .with_columns(
            share=share,
            # A class's own share, pulled toward the school's level the more the fewer took part.
            expected=(
                (pl.col("mark_2") + warning.shrink * pl.col("level"))
                / (pl.col("participants") + warning.shrink)
            ).clip(0, 1),
        )
        .with_columns(
            spread=(
                (pl.col("expected") * pl.col("participants") + 1)
                / (pl.col("participants") + 2)
                * (
                    1
                    - (pl.col("expected") * pl.col("participants") + 1)
                    / (pl.col("participants") + 2)
                )
                / pl.col("participants")
            ).sqrt()
        )
    )

    # The year's shift of the whole school is shared by its classes: the chances are averaged
    # over it (Gauss–Hermite nodes of a normal with sd `drift`), the classes independent given it.
    def chance_at(node: float) -> pl.Expr:
        shifted = threshold - pl.col("expected") - warning.drift * node
        return 1 - _normal_cdf(shifted / pl.col("spread"))

    chances = last.select(
        "school_code",
        "participants",
        *(chance_at(node).alias(f"chance_{i}") for i, node in enumerate(_NODES)),
    )
    k = rule.min_hits_last_year or 1
    per_school = chances.group_by("school_code").agg(
        at_least_one=pl.sum_horizontal(
            weight * _at_least(1, f"chance_{i}") for i, weight in enumerate(_NODE_WEIGHTS)
        ),
        at_least_k=pl.sum_horizontal(
            weight * _at_least(k, f"chance_{i}") for i, weight in enumerate(_NODE_WEIGHTS)
        ),
        mean_participants=pl.col("participants").mean(),
    )
    last = last.with_columns(
        chance=1 - _normal_cdf((threshold - pl.col("expected")) / pl.col("spread"))
    )
    # Lazy so that the repeated parts of the formulas are worked out once, the plans in parallel.
    trends, last, per_school = pl.collect_all([trends, last, per_school])
    needed_years = list(range(year - (rule.consecutive_years or 1) + 1, year))
    frame = (
        (
            listed
            if codes is not None
            else listed.join(data.select("school_code").unique(), on="school_code", how="semi")
        )
        .join(per_school, on="school_code", how="left")
        .join(trends, on="school_code", how="left")
        .with_columns(
            chain=pl.lit(rule.consecutive_years is not None)
            & pl.all_horizontal(
                pl.col(f"hit_{year - needed}").fill_null(False) for needed in needed_years
            )
        )
    )
    chance_by_count = pl.col("at_least_k") if rule.min_hits_last_year is not None else pl.lit(0.0)
    chance_by_chain = pl.when(pl.col("chain")).then(pl.col("at_least_one")).otherwise(0.0)
    probability = (
        pl.when(pl.col("at_least_one").is_not_null())
        .then(pl.max_horizontal(chance_by_count, chance_by_chain))
        .alias("probability")
    )
    frame = frame.with_columns(probability).with_columns(
        warned=~pl.col("listed")
        & (pl.col("probability") >= warning.min_probability).fill_null(False)
    )
    frame = frame.with_columns(
        rank=pl.when("warned").then(
            pl.col("probability").rank("ordinal", descending=True).over("warned").cast(pl.Int64)
        )
    )
    reasons = _reasons(
        frame,
        last,
        previous,
        rule=rule,
        warning=warning,
        year=year,
        subject_labels=subject_labels,
    )
    return (
        frame.join(reasons, on="school_code", how="left")
        .with_columns(
            pl.col("reasons").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
        .select("school_code", "listed", "probability", "warned", "rank", "reasons")
        .sort(
            pl.col("rank").fill_null(1 << 30),
            pl.col("probability").fill_null(-1),
            "school_code",
            descending=[False, True, False],
        )
    )


def _reasons(
    frame: pl.DataFrame,
    last: pl.DataFrame,
    previous: pl.DataFrame,
    *,
    rule: LowResultsRule,
    warning: EarlyWarningRule,
    year: int,
    subject_labels: Mapping[str, str] | None,
) -> pl.DataFrame:
    """Reasons in words for every school not in the list; worded only for them, as they are
    what the page and the export show."""
    next_list = academic_year_label(year + 1)
    last_year, coming = academic_year_label(year - 1), academic_year_label(year)
    threshold_text = format_threshold(rule.threshold)
    open_schools = frame.filter(~pl.col("listed"))
    label = _label_expr(subject_labels)
    head = open_schools.select(
        "school_code",
        order=pl.lit(0),
        weight=pl.lit(0.0),
        text=pl.when(pl.col("probability").is_null())
        .then(pl.lit(f"нет результатов учитываемых процедур за {last_year} — оценить нельзя"))
        .otherwise(
            pl.format(
                "оценка вероятности войти в список на {}: {} %",
                pl.lit(next_list),
                pl.when(pl.col("probability") < 0.005)
                .then(pl.lit("менее 1"))
                .otherwise((100 * pl.col("probability")).round(0).cast(pl.Int64).cast(pl.String)),
            )
        ),
    )
    hits = last.join(open_schools.select("school_code", "chain"), on="school_code").filter(
        pl.col("share") >= rule.threshold
    )
    criterion = (
        f"если в {coming} хотя бы одна процедура снова даст ≥ {threshold_text} %, школа войдёт "
        f"в список по критерию «{rule.consecutive_years} года подряд»"
        if rule.consecutive_years
        else ""
    )
    hit_texts = hits.select(
        "school_code",
        order=pl.lit(1),
        weight=-pl.col("share"),
        text=pl.format(
            "{}: {} % «2» ({} из {}) ≥ {} %{}",
            label,
            percent_expr(pl.col("mark_2"), pl.col("participants")),
            "mark_2",
            "participants",
            pl.lit(threshold_text),
            pl.when(pl.col("chain")).then(pl.lit(f" — {criterion}")).otherwise(pl.lit("")),
        ),
    )
    near = (
        last.join(open_schools.select("school_code"), on="school_code")
        .filter(
            (pl.col("share") < rule.threshold)
            & (pl.col("share") >= rule.threshold - warning.near_margin)
        )
        .join(previous, on=["school_code", "kind", "subject", "grade"], how="left")
    )
    earlier = pl.when(pl.col("previous_share").is_not_null()).then(
        pl.format(
            ", годом раньше {} %",
            percent_expr(pl.col("previous_twos"), pl.col("previous_participants")),
        )
    )
    near_texts = near.select(
        "school_code",
        order=pl.lit(2),
        weight=-pl.col("chance"),
        text=pl.format(
            "{}: {} % «2» ({} из {}){} — до порога {} п. п.",
            label,
            percent_expr(pl.col("mark_2"), pl.col("participants")),
            "mark_2",
            "participants",
            earlier.otherwise(pl.lit("")),
            _fixed(100 * (rule.threshold - pl.col("share"))),
        ),
    )
    pooled_text = pl.concat_str(
        [
            pl.when(pl.col(f"part_{k}") > 0).then(
                percent_expr(pl.col(f"twos_{k}"), pl.col(f"part_{k}"))
            )
            for k in (3, 2, 1)
        ],
        separator=" % → ",
        ignore_nulls=True,
    )
    trend_texts = open_schools.filter(pl.col("rising").fill_null(False)).select(
        "school_code",
        order=pl.lit(3),
        weight=pl.lit(0.0),
        text=pl.when(pl.col("years") >= 3)
        .then(
            pl.format(
                "доля «2» по учитываемым процедурам растёт три года подряд: {} %", pooled_text
            )
        )
        .otherwise(pl.format("доля «2» по учитываемым процедурам выросла: {} %", pooled_text)),
    )
    small_texts = open_schools.filter(pl.col("mean_participants") < warning.small_class).select(
        "school_code",
        order=pl.lit(4),
        weight=pl.lit(0.0),
        text=pl.format(
            "мало участников (в среднем {} в процедуре): одна «2» меняет долю на {} п. п., "
            "результат следующего года предсказать трудно",
            pl.col("mean_participants").round(0).cast(pl.Int64),
            _fixed(100 / pl.col("mean_participants").round(0)),
        ),
    )
    return (
        pl.concat([head, hit_texts, near_texts, trend_texts, small_texts], how="vertical_relaxed")
        .sort("school_code", "order", "weight")
        .group_by("school_code", maintain_order=True)
        .agg(reasons=pl.col("text"))
    )


# --- Checked against history -----------------------------------------------------------------


def warning_check(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: LowResultsRule,
    warning: EarlyWarningRule,
    years: Iterable[int],
    schools: Iterable[str] | None = None,
) -> pl.DataFrame:
    """How the warning made with the list for Y did against the list for Y + 1, for each Y.

    «Entered» are the schools in the list for Y + 1 that were not in the list for Y. Precision is
    the share of the warned that entered; recall the share of those who entered that were warned.
    The same figures are given for the simple rule «one assessment at the threshold last year»
    (simple_*), the obvious alternative. Returns year, warned, entered, hits, precision, recall,
    simple_warned, simple_hits, simple_precision, simple_recall.
    """
    rows = []
    for year in years:
        warned = early_warning(results, rule=rule, warning=warning, year=year, schools=schools)
        following = identify_low_results(results, rule=rule, year=year + 1, schools=schools)
        entered = set(following.filter("flagged")["school_code"]) - set(
            warned.filter("listed")["school_code"]
        )
        named = set(warned.filter("warned")["school_code"])
        simple = set(
            identify_low_results(results, rule=rule, year=year, schools=schools).filter(
                ~pl.col("flagged") & (pl.col("hits_last_year") > 0)
            )["school_code"]
        )
        rows.append(
            {
                "year": year,
                "warned": len(named),
                "entered": len(entered),
                "hits": len(named & entered),
                "precision": len(named & entered) / len(named) if named else None,
                "recall": len(named & entered) / len(entered) if entered else None,
                "simple_warned": len(simple),
                "simple_hits": len(simple & entered),
                "simple_precision": len(simple & entered) / len(simple) if simple else None,
                "simple_recall": len(simple & entered) / len(entered) if entered else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "year": pl.Int64,
            "warned": pl.Int64,
            "entered": pl.Int64,
            "hits": pl.Int64,
            "precision": pl.Float64,
            "recall": pl.Float64,
            "simple_warned": pl.Int64,
            "simple_hits": pl.Int64,
            "simple_precision": pl.Float64,
            "simple_recall": pl.Float64,
        },
    )
