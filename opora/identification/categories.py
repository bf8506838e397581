"""Regional categories of schools (кластеры): positive dynamics, high results, context conditions
(«зона риска»), and one category per school by priority. Pure polars, no Django."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from opora.identification.engine import (
    DEFAULT_SUBJECT_LABELS,
    KIND_LABELS,
    format_number,
    format_threshold,
    percent_expr,
    plural_expr,
)
from opora.registry.years import academic_year_label

ALL_KINDS: tuple[str, ...] = ("VPR", "OGE", "EGE", "KDR")
# mark_3 is not needed by any rule here, so a frame without it is accepted.
RESULT_COLUMNS = (
    "school_code",
    "year",
    "kind",
    "subject",
    "grade",
    "participants",
    "mark_2",
    "mark_4",
    "mark_5",
)
VERDICT_COLUMNS = ("school_code", "flagged", "reasons")
OPERATORS: dict[str, str] = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}

_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_LABELS)}
_ASSESSMENT_KEYS = ("school_code", "kind", "subject", "grade")
_NO_TEXT = pl.lit([], dtype=pl.List(pl.String))
_COMPARED = ("improved", "worsened", "unchanged")


# --- Rules -------------------------------------------------------------------------------------


def _check_common(kinds: tuple[str, ...], min_participants: int) -> None:
    if not kinds:
        raise ValueError("Правило должно перечислять хотя бы один вид оценочных процедур")
    if min_participants < 1:
        raise ValueError("Минимум участников должен быть не меньше 1")


@dataclass(frozen=True)
class PositiveDynamicsRule:
    """Positive dynamics of external assessments (cluster 3 of seed 003).

    Each assessment (kind, subject, grade) of Y−1 is compared with the same one of Y−2. It improved
    when the share of «2» fell and качество знаний (share of «4» and «5») did not fall; it worsened
    when the share of «2» rose, whatever качество did. Only pairs with at least `min_participants`
    in both years count. Flagged when improved ≥ `min_improved` and worsened ≤ `max_worsened`.
    """

    code: str
    min_improved: int = 2
    max_worsened: int = 0
    min_participants: int = 5
    kinds: tuple[str, ...] = ALL_KINDS

    def __post_init__(self) -> None:
        # JSON brings kinds back as a list; a tuple keeps the rule hashable and comparable.
        object.__setattr__(self, "kinds", tuple(self.kinds))
        _check_common(self.kinds, self.min_participants)
        if self.min_improved < 1:
            raise ValueError("Нужно улучшение хотя бы по одной процедуре")
        if self.max_worsened < 0:
            raise ValueError("Допустимое число ухудшений не может быть отрицательным")

    def to_params(self) -> dict[str, Any]:
        """Plain JSON-ready parameters, for a versioned rule set or a run's record."""
        return {**asdict(self), "kinds": list(self.kinds)}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PositiveDynamicsRule:
        return cls(**params)


@dataclass(frozen=True)
class HighResultsRule:
    """High results («высокие образовательные результаты», seed 000): in Y−1 every counted
    assessment has качество ≥ `min_quality` and share of «2» ≤ `max_twos` (both inclusive), and at
    least `min_assessments` assessments with `min_participants` or more were counted."""

    code: str
    min_quality: float = 0.5
    max_twos: float = 0.05
    min_assessments: int = 2
    min_participants: int = 5
    kinds: tuple[str, ...] = ALL_KINDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", tuple(self.kinds))
        _check_common(self.kinds, self.min_participants)
        if not 0 <= self.min_quality <= 1 or not 0 <= self.max_twos <= 1:
            raise ValueError("Пороги качества и доли «2» должны быть от 0 до 1")
        if self.min_assessments < 1:
            raise ValueError("Нужно учитывать хотя бы одну процедуру")

    def to_params(self) -> dict[str, Any]:
        """Plain JSON-ready parameters, for a versioned rule set or a run's record."""
        return {**asdict(self), "kinds": list(self.kinds)}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> HighResultsRule:
        return cls(**params)


@dataclass(frozen=True)
class Condition:
    """One condition on a context indicator: `indicator` `op` `value`, e.g. vacancies >= 1.

    `label` names the figure in reasons («вакантных ставок»); empty means the indicator's label.
    """

    indicator: str
    op: str
    value: float
    label: str = ""

    def __post_init__(self) -> None:
        if not self.indicator:
            raise ValueError("Условие должно называть показатель")
        if self.op not in OPERATORS:
            raise ValueError(f"Неизвестное сравнение «{self.op}»: допустимы {', '.join(OPERATORS)}")
        object.__setattr__(self, "value", float(self.value))

    @property
    def is_yes_no(self) -> bool:
        """A 1/0 pseudo-indicator (is_small == 1), shown as «да» / «нет» rather than a number."""
        return self.op == "==" and self.value in (0.0, 1.0)


@dataclass(frozen=True)
class ContextConditionsRule:
    """«Зона риска» by context (cluster 2 of seed 003: few computers, staff shortage, small school):
    flagged when at least `min_met` conditions hold. A missing figure never holds."""

    code: str
    conditions: tuple[Condition, ...]
    min_met: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", tuple(self.conditions))
        if not self.conditions:
            raise ValueError("Правило должно включать хотя бы одно условие")
        if not 1 <= self.min_met <= len(self.conditions):
            raise ValueError("Число выполненных условий должно быть от 1 до числа условий")

    def to_params(self) -> dict[str, Any]:
        """Plain JSON-ready parameters, for a versioned rule set or a run's record."""
        params = asdict(self)
        params["conditions"] = [asdict(condition) for condition in self.conditions]
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ContextConditionsRule:
        conditions = tuple(Condition(**condition) for condition in params["conditions"])
        return cls(**{**params, "conditions": conditions})


# --- Expressions -------------------------------------------------------------------------------


def _number_expr(value: pl.Expr) -> pl.Expr:
    """Like engine.format_number: up to four decimals, no trailing zeros, a decimal comma."""
    scaled = (value * 10_000).round(mode="half_away_from_zero").cast(pl.Int64)
    magnitude = scaled.abs()
    fraction = (magnitude % 10_000).cast(pl.String).str.zfill(4).str.strip_chars_end("0")
    sign = pl.when(scaled < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return (
        pl.when(fraction == "")
        .then(pl.format("{}{}", sign, magnitude // 10_000))
        .otherwise(pl.format("{}{},{}", sign, magnitude // 10_000, fraction))
    )


def _assessment_expr(subject_labels: Mapping[str, str] | None) -> pl.Expr:
    """«ВПР математика 5 кл.»: engine.assessment_label without the year."""
    labels = {**DEFAULT_SUBJECT_LABELS, **(subject_labels or {})}
    return pl.format(
        "{} {} {} кл.",
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind")),
        pl.col("subject").replace_strict(labels, default=pl.col("subject")),
        pl.col("grade"),
    )


def _kind_rank() -> pl.Expr:
    return pl.col("kind").replace_strict(_KIND_RANK, default=len(_KIND_RANK), return_dtype=pl.Int64)


def _kinds_text(kinds: Iterable[str]) -> str:
    return ", ".join(KIND_LABELS.get(kind, kind) for kind in kinds)


def _participants_text(count: pl.Expr, year_label: str, minimum: int) -> pl.Expr:
    noun = plural_expr(count, "участник", "участника", "участников")
    return pl.format(
        "{} {} в {} — меньше минимума ({})", count, noun, pl.lit(year_label), pl.lit(minimum)
    )


# --- Inputs ------------------------------------------------------------------------------------


def _scope(schools: Iterable[str]) -> pl.LazyFrame:
    # A bare string would silently become one school per character.
    if isinstance(schools, str):
        raise TypeError("schools: нужен список кодов школ, а не строка")
    codes = pl.Series("school_code", list(schools), dtype=pl.String).unique()
    return pl.LazyFrame(codes)


def _require(lazy: pl.LazyFrame, columns: Iterable[str]) -> None:
    present = lazy.collect_schema().names()
    missing = [name for name in columns if name not in present]
    if missing:
        raise ValueError(f"Во входных данных нет столбцов: {', '.join(missing)}")


def _results(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    years: Iterable[int],
    kinds: Iterable[str],
    scope: pl.LazyFrame,
    subject_labels: Mapping[str, str] | None,
) -> pl.DataFrame:
    """The rows a rule looks at, with `good` (marks «4» and «5»), `complete` and `label`."""
    lazy = results.lazy()
    _require(lazy, RESULT_COLUMNS)
    data = (
        lazy.select(
            pl.col("school_code", "kind", "subject").cast(pl.String),
            pl.col("year", "grade", "participants", "mark_2", "mark_4", "mark_5").cast(pl.Int64),
        )
        .filter(pl.col("year").is_in(list(years)) & pl.col("kind").is_in(list(kinds)))
        .join(scope, on="school_code", how="semi")
        .collect()
    )
    # A repeated assessment would be counted twice, or multiply the year-on-year pairs.
    repeated = data.filter(pl.struct(*_ASSESSMENT_KEYS, "year").is_duplicated())
    if repeated.height:
        school, year, kind, subject, grade = repeated.select(
            "school_code", "year", "kind", "subject", "grade"
        ).row(0)
        raise ValueError(
            f"Несколько строк результатов школы {school}: {kind} {subject} {grade} кл., "
            f"{academic_year_label(year)}"
        )
    # Regional data often carries only participants and «2» (all the low-results rule needs);
    # such rows cannot show качество, so they are not counted and the reasons say so.
    return data.with_columns(
        good=pl.col("mark_4") + pl.col("mark_5"),
        complete=pl.all_horizontal(
            pl.col("participants", "mark_2", "mark_4", "mark_5").is_not_null()
        ),
        label=_assessment_expr(subject_labels),
    )


def _verdicts(
    scope: pl.LazyFrame,
    per_school: pl.LazyFrame,
    *,
    flagged: pl.Expr,
    reasons: pl.Expr,
    no_data: str,
) -> pl.DataFrame:
    """One row per school in scope; schools absent from `per_school` had no data at all."""
    return (
        scope.join(per_school.with_columns(has_data=pl.lit(True)), on="school_code", how="left")
        .select(
            "school_code",
            flagged=pl.when(pl.col("has_data")).then(flagged).otherwise(False).fill_null(False),
            reasons=pl.when(pl.col("has_data"))
            .then(reasons.list.drop_nulls())
            .otherwise(pl.lit([no_data], dtype=pl.List(pl.String))),
        )
        .sort("school_code")
        .collect()
    )


# --- Positive dynamics -------------------------------------------------------------------------


def positive_dynamics(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: PositiveDynamicsRule,
    year: int,
    schools: Iterable[str],
    subject_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Compare Y−1 with Y−2 (`year` is the ending year of identification: 2024 = 2023/24).

    Returns school_code, flagged, reasons: the verdict, a missing year, assessments improved,
    worsened, unchanged, not counted, then those with no pair; sorted by school_code.
    """
    before, last = year - 2, year - 1
    before_label, last_label = academic_year_label(before), academic_year_label(last)
    scope = _scope(schools)
    data = _results(
        results,
        years=(before, last),
        kinds=rule.kinds,
        scope=scope,
        subject_labels=subject_labels,
    )

    def side(of_year: int, suffix: str) -> pl.LazyFrame:
        measures = pl.col("participants", "mark_2", "good", "complete").name.suffix(suffix)
        return (
            data.lazy()
            .filter(pl.col("year") == of_year)
            .select(*_ASSESSMENT_KEYS, measures, pl.lit(True).alias(f"present{suffix}"))
        )

    pairs = side(before, "_b").join(
        side(last, "_l"), on=list(_ASSESSMENT_KEYS), how="full", coalesce=True
    )
    present_b = pl.col("present_b").fill_null(False)
    present_l = pl.col("present_l").fill_null(False)
    minimum = rule.min_participants
    counted_b = pl.col("complete_b") & (pl.col("participants_b") >= minimum)
    counted_l = pl.col("complete_l") & (pl.col("participants_l") >= minimum)
    # Shares are compared as floats: equal fractions (1/8, 2/16) give the same double, so
    # «did not fall» is exact at equality.
    twos_b = pl.col("mark_2_b") / pl.col("participants_b")
    twos_l = pl.col("mark_2_l") / pl.col("participants_l")
    quality_b = pl.col("good_b") / pl.col("participants_b")
    quality_l = pl.col("good_l") / pl.col("participants_l")
    status = (
        pl.when(~present_b)
        .then(pl.lit("no_before"))
        .when(~present_l)
        .then(pl.lit("no_last"))
        .when(~(counted_b & counted_l))
        .then(pl.lit("not_counted"))
        .when(twos_l > twos_b)
        .then(pl.lit("worsened"))
        .when((twos_l < twos_b) & (quality_l >= quality_b))
        .then(pl.lit("improved"))
        .otherwise(pl.lit("unchanged"))
    )
    figures = pl.format(
        "{}: доля «2» {} % → {} %, качество {} % → {} %",
        pl.col("label"),
        percent_expr(pl.col("mark_2_b"), pl.col("participants_b")),
        percent_expr(pl.col("mark_2_l"), pl.col("participants_l")),
        percent_expr(pl.col("good_b"), pl.col("participants_b")),
        percent_expr(pl.col("good_l"), pl.col("participants_l")),
    )
    outcome = (
        pl.when(pl.col("status") == "improved")
        .then(pl.lit("улучшение"))
        .when(pl.col("status") == "worsened")
        .then(pl.lit("ухудшение: доля «2» выросла"))
        .when(twos_l == twos_b)
        .then(pl.lit("без улучшения: доля «2» не изменилась"))
        .otherwise(pl.lit("без улучшения: качество снизилось"))
    )

    def problem(suffix: str, year_label: str) -> pl.Expr:
        return (
            pl.when(~pl.col(f"complete{suffix}"))
            .then(pl.lit(f"нет распределения отметок за {year_label}"))
            .when(pl.col(f"participants{suffix}") < minimum)
            .then(_participants_text(pl.col(f"participants{suffix}"), year_label, minimum))
        )

    not_counted = pl.format(
        "{}: {}, не учитывается",
        pl.col("label"),
        pl.concat_str(
            [problem("_b", before_label), problem("_l", last_label)],
            separator="; ",
            ignore_nulls=True,
        ),
    )
    rank = {"improved": 0, "worsened": 1, "unchanged": 2, "not_counted": 3}
    per_school = (
        pairs.with_columns(
            present_b, present_l, status=status, label=_assessment_expr(subject_labels)
        )
        .with_columns(
            reason=pl.when(pl.col("status").is_in(_COMPARED))
            .then(pl.format("{} — {}", figures, outcome))
            .when(pl.col("status") == "not_counted")
            .then(not_counted),
            status_rank=pl.col("status").replace_strict(rank, default=len(rank)),
            kind_rank=_kind_rank(),
        )
        .sort("status_rank", "kind_rank", "grade", "subject")
        .group_by("school_code")
        .agg(
            improved=(pl.col("status") == "improved").sum(),
            worsened=(pl.col("status") == "worsened").sum(),
            compared=pl.col("status").is_in(_COMPARED).sum(),
            has_before=pl.col("present_b").any(),
            has_last=pl.col("present_l").any(),
            found=pl.col("reason").drop_nulls(),
            without_before=pl.col("label").filter(pl.col("status") == "no_before"),
            without_last=pl.col("label").filter(pl.col("status") == "no_last"),
        )
    )
    improved, worsened, compared = pl.col("improved"), pl.col("worsened"), pl.col("compared")
    flagged = (improved >= rule.min_improved) & (worsened <= rule.max_worsened)
    span = f"{before_label} → {last_label}"
    verdict = pl.format(
        "{}: улучшение — {} из {} {} (нужно не менее {}), ухудшение — {} (допускается не более {})",
        pl.when(flagged)
        .then(pl.lit(f"положительная динамика {span}"))
        .otherwise(pl.lit(f"нет положительной динамики {span}")),
        improved,
        compared,
        plural_expr(compared, "сравнимой процедуры", "сравнимых процедур", "сравнимых процедур"),
        pl.lit(rule.min_improved),
        worsened,
        pl.lit(rule.max_worsened),
    )

    def missing_year(has_year: str, labels: str, year_label: str) -> list[pl.Expr]:
        # A whole year missing is said once rather than for every assessment of the other year.
        return [
            pl.when(~pl.col(has_year)).then(
                pl.lit(f"нет данных за {year_label}: динамику не с чем сравнить")
            ),
            pl.when(pl.col(has_year) & (pl.col(labels).list.len() > 0)).then(
                pl.format(
                    "нет результатов за {} — не с чем сравнить: {}",
                    pl.lit(year_label),
                    pl.col(labels).list.join(", "),
                )
            ),
        ]

    no_before, without_before = missing_year("has_before", "without_before", before_label)
    no_last, without_last = missing_year("has_last", "without_last", last_label)
    return _verdicts(
        scope,
        per_school,
        flagged=flagged,
        reasons=pl.concat_list(verdict, no_before, no_last, "found", without_before, without_last),
        no_data=f"нет данных: нет результатов {_kinds_text(rule.kinds)} "
        f"за {before_label} и {last_label}",
    )


# --- High results ------------------------------------------------------------------------------


def high_results(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: HighResultsRule,
    year: int,
    schools: Iterable[str],
    subject_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """High results in Y−1 (`year` is the ending year of identification: 2024 = 2023/24).

    Returns school_code, flagged, reasons: the verdict, the weakest counted assessment (lowest
    качество, then highest share of «2»), assessments below the bar (weakest first), assessments
    not counted; sorted by school_code.
    """
    last = year - 1
    last_label = academic_year_label(last)
    scope = _scope(schools)
    data = _results(
        results, years=(last,), kinds=rule.kinds, scope=scope, subject_labels=subject_labels
    )
    participants, good, twos = pl.col("participants"), pl.col("good"), pl.col("mark_2")
    counted = pl.col("complete") & (participants >= rule.min_participants)
    quality_ok = good / participants >= rule.min_quality
    twos_ok = twos / participants <= rule.max_twos
    quality_text, twos_text = format_threshold(rule.min_quality), format_threshold(rule.max_twos)
    label = pl.format("{}, {}", pl.col("label"), pl.lit(last_label))
    figures = pl.format(
        "{}: качество {} %, доля «2» {} %",
        label,
        percent_expr(good, participants),
        percent_expr(twos, participants),
    )
    shortfall = pl.format(
        "{}: {}",
        label,
        pl.concat_str(
            [
                pl.when(~quality_ok).then(
                    pl.format(
                        "качество {} % < {} %",
                        percent_expr(good, participants),
                        pl.lit(quality_text),
                    )
                ),
                pl.when(~twos_ok).then(
                    pl.format(
                        "доля «2» {} % > {} %",
                        percent_expr(twos, participants),
                        pl.lit(twos_text),
                    )
                ),
            ],
            separator="; ",
            ignore_nulls=True,
        ),
    )
    noun = plural_expr(participants, "участник", "участника", "участников")
    ignored = (
        pl.when(~pl.col("complete"))
        .then(pl.format("{}: нет распределения отметок, не учитывается", label))
        .otherwise(
            pl.format(
                "{}: {} {} — меньше минимума ({}), не учитывается",
                label,
                participants,
                noun,
                pl.lit(rule.min_participants),
            )
        )
    )
    per_school = (
        data.lazy()
        .with_columns(
            counted=counted,
            passed=counted & quality_ok & twos_ok,
            # Weakness orders counted rows only; the rest keep the order of the reports.
            quality=pl.when(counted).then(good / participants),
            twos_share=pl.when(counted).then(twos / participants),
            kind_rank=_kind_rank(),
        )
        .sort(
            "counted",
            "quality",
            "twos_share",
            "kind_rank",
            "grade",
            "subject",
            descending=[True, False, True, False, False, False],
            nulls_last=True,
        )
        .group_by("school_code")
        .agg(
            counted=pl.col("counted").sum(),
            passed=pl.col("passed").sum(),
            weakest=figures.filter(pl.col("counted")).first(),
            shortfalls=shortfall.filter(pl.col("counted") & ~pl.col("passed")),
            ignored=ignored.filter(~pl.col("counted")),
        )
    )
    counted_n, passed_n = pl.col("counted"), pl.col("passed")
    flagged = (counted_n >= rule.min_assessments) & (passed_n == counted_n)
    verdict = pl.format(
        "{} в {}: качество ≥ {} % и доля «2» ≤ {} % — по {} из {} {} (нужно по всем, не менее {})",
        pl.when(flagged)
        .then(pl.lit("высокие образовательные результаты"))
        .otherwise(pl.lit("нет высоких образовательных результатов")),
        pl.lit(last_label),
        pl.lit(quality_text),
        pl.lit(twos_text),
        passed_n,
        counted_n,
        plural_expr(counted_n, "учтённой процедуры", "учтённых процедур", "учтённых процедур"),
        pl.lit(rule.min_assessments),
    )
    weakest = pl.format("слабейшая из учтённых процедур — {}", pl.col("weakest"))
    return _verdicts(
        scope,
        per_school,
        flagged=flagged,
        reasons=pl.concat_list(verdict, weakest, "shortfalls", "ignored"),
        no_data=f"нет данных: нет результатов {_kinds_text(rule.kinds)} за {last_label}",
    )


# --- Context conditions ------------------------------------------------------------------------


def _condition_name(condition: Condition, labels: Mapping[str, str]) -> str:
    return condition.label or labels.get(condition.indicator, condition.indicator)


def context_conditions(
    context: pl.DataFrame | pl.LazyFrame,
    *,
    rule: ContextConditionsRule,
    schools: Iterable[str],
    indicator_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Conditions on long context data (school_code, indicator, value); a null value is missing.

    Returns school_code, flagged, reasons: how many conditions hold, then each condition in the
    rule's order; sorted by school_code. Raises ValueError on two values of one indicator.
    """
    labels = dict(indicator_labels or {})
    scope = _scope(schools)
    lazy = context.lazy()
    _require(lazy, ("school_code", "indicator", "value"))
    indicators = list(dict.fromkeys(condition.indicator for condition in rule.conditions))
    values = (
        lazy.select(
            pl.col("school_code", "indicator").cast(pl.String), pl.col("value").cast(pl.Float64)
        )
        .filter(pl.col("indicator").is_in(indicators) & pl.col("value").is_not_null())
        .join(scope, on="school_code", how="semi")
        .collect()
    )
    repeated = values.filter(pl.struct("school_code", "indicator").is_duplicated())
    if repeated.height:
        school, indicator = repeated.row(0)[:2]
        raise ValueError(f"Несколько значений показателя «{indicator}» у школы {school}")
    conditions = pl.LazyFrame(
        {
            "position": list(range(len(rule.conditions))),
            "indicator": [condition.indicator for condition in rule.conditions],
            "op": [condition.op for condition in rule.conditions],
            "threshold": [condition.value for condition in rule.conditions],
            "wanted": [
                f"{OPERATORS[condition.op]} {format_number(condition.value)}"
                for condition in rule.conditions
            ],
            "yes_no": [condition.is_yes_no for condition in rule.conditions],
            "name": [_condition_name(condition, labels) for condition in rule.conditions],
        },
        schema_overrides={"position": pl.Int64, "threshold": pl.Float64},
    )
    # Rounded so that float noise (0.1 + 0.2) never decides a condition at its boundary.
    value, threshold, op = pl.col("value").round(9), pl.col("threshold"), pl.col("op")
    holds = (
        pl.when(op == ">=")
        .then(value >= threshold)
        .when(op == "<=")
        .then(value <= threshold)
        .when(op == ">")
        .then(value > threshold)
        .when(op == "<")
        .then(value < threshold)
        .otherwise(value == threshold)
        .fill_null(False)
    )
    shown = (
        pl.when(pl.col("yes_no") & (value == 1))
        .then(pl.lit("да"))
        .when(pl.col("yes_no") & (value == 0))
        .then(pl.lit("нет"))
        .otherwise(_number_expr(pl.col("value")))
    )
    reason = (
        pl.when(pl.col("value").is_null())
        .then(pl.format("{}: нет данных — не выполнено", pl.col("name")))
        .when(pl.col("holds") & pl.col("yes_no"))
        .then(pl.format("{}: {}", pl.col("name"), shown))
        .when(pl.col("holds"))
        .then(pl.format("{}: {} {}", pl.col("name"), shown, pl.col("wanted")))
        .when(pl.col("yes_no"))
        .then(pl.format("{}: {} — не выполнено", pl.col("name"), shown))
        .otherwise(
            pl.format("{}: {}, нужно {} — не выполнено", pl.col("name"), shown, pl.col("wanted"))
        )
    )
    per_school = (
        scope.join(conditions, how="cross")
        .join(values.lazy(), on=["school_code", "indicator"], how="left")
        .with_columns(holds=holds)
        .sort("school_code", "position")
        .group_by("school_code")
        .agg(
            met=pl.col("holds").sum(),
            known=pl.col("value").is_not_null().sum(),
            lines=reason,
        )
        # Schools with none of the figures are answered by _verdicts as having no data.
        .filter(pl.col("known") > 0)
    )
    met = pl.col("met")
    verdict = pl.format(
        "выполнено условий: {} из {} (нужно не менее {})",
        met,
        pl.lit(len(rule.conditions)),
        pl.lit(rule.min_met),
    )
    names = ", ".join(dict.fromkeys(_condition_name(c, labels) for c in rule.conditions))
    return _verdicts(
        scope,
        per_school,
        flagged=met >= rule.min_met,
        reasons=pl.concat_list(verdict, "lines"),
        no_data=f"нет данных: нет ни одного показателя условий ({names})",
    )


# --- Categories --------------------------------------------------------------------------------


def assign_categories(
    flags: list[tuple[str, pl.DataFrame]],
    *,
    schools: Iterable[str],
    default: str | None = None,
) -> pl.DataFrame:
    """One category per school: the first of `flags` (name, verdict frame, in priority order)
    that flagged it, else `default` (None by default).

    Verdict frames come from any rule kind (school_code, flagged, reasons). Returns school_code,
    category, reasons (the chosen category's; for the rest, which categories' rules were not met
    and their reasons, prefixed by the category name), sorted by school_code.
    """
    names = [name for name, _ in flags]
    if len(set(names)) != len(names):
        raise ValueError("Названия категорий повторяются")
    scope = _scope(schools)
    frames = []
    for priority, (name, frame) in enumerate(flags):
        lazy = frame.lazy()
        _require(lazy, VERDICT_COLUMNS)
        frames.append(
            lazy.select(
                pl.col("school_code").cast(pl.String),
                pl.col("flagged").cast(pl.Boolean).fill_null(False),
                pl.col("reasons").cast(pl.List(pl.String)).fill_null(_NO_TEXT),
                category=pl.lit(name, dtype=pl.String),
                priority=pl.lit(priority, dtype=pl.Int64),
            )
        )
    empty = pl.LazyFrame(
        schema={
            "school_code": pl.String,
            "flagged": pl.Boolean,
            "reasons": pl.List(pl.String),
            "category": pl.String,
            "priority": pl.Int64,
        }
    )
    verdicts = pl.concat([empty, *frames]).join(scope, on="school_code", how="semi")
    chosen = (
        verdicts.filter(pl.col("flagged"))
        .sort("priority", maintain_order=True)
        .group_by("school_code", maintain_order=True)
        .agg(pl.col("category", "reasons").first())
    )
    # Every category's reasons, named, in priority order: why a school ended up in none.
    details = (
        verdicts.sort("priority", maintain_order=True)
        .explode("reasons")
        .filter(pl.col("reasons").is_not_null())
        .group_by("school_code", maintain_order=True)
        .agg(details=pl.format("«{}»: {}", pl.col("category"), pl.col("reasons")))
    )
    quoted = ", ".join(f"«{name}»" for name in names)
    met_none = f"не выполнены правила категорий {quoted}" if names else "категории не заданы"
    header = (
        f"категория по умолчанию «{default}»: {met_none}"
        if default is not None
        else f"не отнесена ни к одной категории: {met_none}"
    )
    return (
        scope.join(chosen, on="school_code", how="left")
        .join(details, on="school_code", how="left")
        .select(
            "school_code",
            category=pl.col("category").fill_null(pl.lit(default, dtype=pl.String)),
            reasons=pl.when(pl.col("category").is_not_null())
            .then(pl.col("reasons"))
            .otherwise(pl.concat_list(pl.lit(header), pl.col("details").fill_null(_NO_TEXT))),
        )
        .sort("school_code")
        .collect()
    )
