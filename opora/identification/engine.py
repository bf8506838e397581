"""Identification of schools for targeted support: ШНОР by low results, ШНСУ by social context and
signs of non-objective ВПР. Pure polars, no Django: page, command, API and benchmark share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import polars as pl

from opora.registry.years import academic_year_label
from opora.words import agree

KIND_LABELS: dict[str, str] = {"VPR": "ВПР", "OGE": "ОГЭ", "EGE": "ЕГЭ", "KDR": "КДР"}
DEFAULT_SUBJECT_LABELS: dict[str, str] = {
    "rus": "русский язык",
    "math": "математика",
    "math_base": "математика (база)",
    "math_prof": "математика (профиль)",
}
# Reasons list assessments in the order of the reports: ВПР, ОГЭ, ЕГЭ, КДР, then any other kind.
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_LABELS)}

LOW_RESULT_COLUMNS = ("school_code", "year", "kind", "subject", "grade", "participants", "mark_2")
JOURNAL_COLUMNS = ("journal_lowered", "journal_confirmed", "journal_raised")

HIT_DTYPE = pl.Struct(
    {
        "kind": pl.String,
        "subject": pl.String,
        "grade": pl.Int64,
        "year": pl.Int64,
        "share": pl.Float64,
        "twos": pl.Int64,
        "participants": pl.Int64,
    }
)
OBJECTIVITY_HIT_DTYPE = pl.Struct(
    {
        "kind": pl.String,
        "subject": pl.String,
        "grade": pl.Int64,
        "year": pl.Int64,
        "direction": pl.String,  # "lowered" (понизили) or "raised" (повысили)
        "share": pl.Float64,
        "students": pl.Int64,
        "compared": pl.Int64,
    }
)
_NO_TEXT = pl.lit([], dtype=pl.List(pl.String))
_FrameT = TypeVar("_FrameT", pl.DataFrame, pl.LazyFrame)


# --- Rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentSelector:
    """An assessment a rule counts; subject or grade None matches every subject or grade."""

    kind: str
    subject: str | None = None
    grade: int | None = None


@dataclass(frozen=True, kw_only=True)
class LowResultsRule:
    """ШНОР by low results (criteria of seed 003, section 2.1).

    A school is flagged for year Y when the share of «2» reaches `threshold` (inclusive) in at least
    `min_hits_last_year` selected assessments of Y−1, or in at least one selected assessment in each
    of the `consecutive_years` years before Y. None switches a criterion off. Assessments with fewer
    than `min_participants` participants are not counted and the reasons say so.
    """

    code: str
    title: str
    selectors: tuple[AssessmentSelector, ...]
    threshold: float = 0.30
    min_participants: int = 1
    min_hits_last_year: int | None = 2
    consecutive_years: int | None = 2

    def __post_init__(self) -> None:
        # Parameters may come as lists and Decimals from a rule set stored in the database.
        object.__setattr__(self, "selectors", tuple(self.selectors))
        object.__setattr__(self, "threshold", float(self.threshold))
        if not self.selectors:
            raise ValueError("Правило должно перечислять хотя бы одну оценочную процедуру")
        if not 0 < self.threshold <= 1:
            raise ValueError("Порог доли «2» должен быть больше 0 и не больше 1")
        if self.min_participants < 1:
            raise ValueError("Минимум участников должен быть не меньше 1")
        if self.min_hits_last_year is None and self.consecutive_years is None:
            raise ValueError("Правило должно включать хотя бы один критерий")
        for value in (self.min_hits_last_year, self.consecutive_years):
            if value is not None and value < 1:
                raise ValueError("Число процедур и число лет должны быть не меньше 1")

    @property
    def years_back(self) -> int:
        """How many years before Y the rule looks at."""
        return max(self.consecutive_years or 1, 1)

    def to_params(self) -> dict[str, Any]:
        """Plain JSON-ready parameters, for a versioned rule set or a run's record."""
        params = asdict(self)
        params["selectors"] = [asdict(selector) for selector in self.selectors]
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LowResultsRule:
        selectors = tuple(AssessmentSelector(**selector) for selector in params["selectors"])
        return cls(**{**params, "selectors": selectors})


@dataclass(frozen=True, kw_only=True)
class SocialIndexRule:
    """ШНСУ by a weighted sum of context indicators; flagged when the index reaches `threshold`.

    Weights are the region's: positive for adverse indicators (share of low-income families),
    negative for protective ones (share of parents with higher education, «СЭК»).
    """

    code: str
    weights: dict[str, float]
    threshold: float

    def __post_init__(self) -> None:
        weights = {code: float(weight) for code, weight in self.weights.items()}
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "threshold", float(self.threshold))
        if not self.weights:
            raise ValueError("Индекс должен включать хотя бы один показатель")


@dataclass(frozen=True, kw_only=True)
class ObjectivityRule:
    """Signs of non-objective results: the share of students whose ВПР mark is below (понизили)
    or above (повысили) their journal mark reaches `threshold` (Tyumen model, indicators O5–O8)."""

    code: str
    threshold: float
    min_participants: int = 1
    kind: str = "VPR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", float(self.threshold))
        if not 0 < self.threshold <= 1:
            raise ValueError("Порог доли должен быть больше 0 и не больше 1")
        if self.min_participants < 1:
            raise ValueError("Минимум участников должен быть не меньше 1")


_FIOCO_SELECTORS = (
    AssessmentSelector("VPR", "math", 5),
    AssessmentSelector("VPR", "math", 6),
    AssessmentSelector("VPR", "rus", 5),
    AssessmentSelector("VPR", "rus", 6),
    AssessmentSelector("OGE", "math", 9),
    AssessmentSelector("OGE", "rus", 9),
    AssessmentSelector("EGE", "math_base", 11),
    AssessmentSelector("EGE", "math_prof", 11),
)
SHNOR_FIOCO = LowResultsRule(
    code="shnor-fioco",
    title="ШНОР: критерии ФИОКО",
    selectors=_FIOCO_SELECTORS,
)
# «Добавленные данные» of the municipality in seed 003: all subjects of ВПР 4, 7, 8, КДР 4, 6, 7, 8.
SHNOR_EXTENDED = LowResultsRule(
    code="shnor-extended",
    title="ШНОР: критерии ФИОКО и добавленные данные (ВПР 4, 7, 8 кл., КДР 4, 6, 7, 8 кл.)",
    selectors=_FIOCO_SELECTORS
    + tuple(AssessmentSelector("VPR", None, grade) for grade in (4, 7, 8))
    + tuple(AssessmentSelector("KDR", None, grade) for grade in (4, 6, 7, 8)),
)


# --- Texts (scalar; the vectorised expressions below must produce the same strings) ---------------


def format_percent(part: int, whole: int) -> str:
    """Share of `whole` as a percentage with one decimal, rounded half up: 9 of 26 → «34,6»."""
    # Integer arithmetic so that the shown figure never depends on float rounding.
    tenths = (part * 2000 + whole) // (2 * whole)
    return f"{tenths // 10},{tenths % 10}"


def format_number(value: float) -> str:
    """A parameter as people write it: 30, 27,5, 0,25 (up to four decimals, no trailing zeros)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def format_threshold(threshold: float) -> str:
    """A share threshold as a percentage: 0.30 → «30»."""
    return format_number(round(threshold * 100, 2))


def assessment_label(
    *,
    kind: str,
    subject: str,
    grade: int,
    year: int,
    subject_labels: Mapping[str, str] | None = None,
) -> str:
    """«ВПР математика 5 кл., 2022/23»."""
    labels = {**DEFAULT_SUBJECT_LABELS, **(subject_labels or {})}
    kind_label = KIND_LABELS.get(kind, kind)
    return f"{kind_label} {labels.get(subject, subject)} {grade} кл., {academic_year_label(year)}"


def format_low_result_reason(
    *,
    kind: str,
    subject: str,
    grade: int,
    year: int,
    twos: int,
    participants: int,
    threshold: float,
    subject_labels: Mapping[str, str] | None = None,
) -> str:
    """«ВПР математика 5 кл., 2022/23: 34,6 % «2» (9 из 26) ≥ 30 %»."""
    label = assessment_label(
        kind=kind, subject=subject, grade=grade, year=year, subject_labels=subject_labels
    )
    share = format_percent(twos, participants)
    return f"{label}: {share} % «2» ({twos} из {participants}) ≥ {format_threshold(threshold)} %"


def format_ignored_reason(
    *,
    kind: str,
    subject: str,
    grade: int,
    year: int,
    participants: int,
    min_participants: int,
    subject_labels: Mapping[str, str] | None = None,
) -> str:
    """«ВПР русский язык 6 кл., 2022/23: 0 участников — меньше минимума (1), не учитывается»."""
    label = assessment_label(
        kind=kind, subject=subject, grade=grade, year=year, subject_labels=subject_labels
    )
    noun = agree(participants, "участник")
    return f"{label}: {participants} {noun} — меньше минимума ({min_participants}), не учитывается"


def format_years(years: Iterable[int]) -> str:
    """«2022/23» for one year, «2021/22–2022/23» for a span."""
    ordered = sorted(years)
    first, last = academic_year_label(ordered[0]), academic_year_label(ordered[-1])
    return first if first == last else f"{first}–{last}"


# --- Expressions ----------------------------------------------------------------------------------


def plural_expr(number: pl.Expr, one: str, few: str, many: str) -> pl.Expr:
    """The agreement of `opora.words.agree` as a column expression: the engine words every row
    of a run, and a per-row call of pymorphy3 there would cost seconds."""
    last, last_two = number % 10, number % 100
    return (
        pl.when((last == 1) & (last_two != 11))
        .then(pl.lit(one))
        .when(last.is_between(2, 4) & ~last_two.is_between(12, 14))
        .then(pl.lit(few))
        .otherwise(pl.lit(many))
    )


def percent_expr(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """«12,5»: the integer arithmetic of format_percent, so frames and pages show one figure."""
    tenths = (part * 2000 + whole) // (2 * whole)
    return pl.format("{},{}", tenths // 10, tenths % 10)


def _decimal_expr(value: pl.Expr, digits: int = 2) -> pl.Expr:
    """Fixed decimals with a comma: 0.625 → «0,63», -1.5 → «-1,50»."""
    scaled = (value * 10**digits).round(mode="half_away_from_zero").cast(pl.Int64)
    magnitude = scaled.abs()
    fraction = (magnitude % 10**digits).cast(pl.String).str.zfill(digits)
    sign = pl.when(scaled < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.format("{}{},{}", sign, magnitude // 10**digits, fraction)


def _year_label_expr(year: pl.Expr) -> pl.Expr:
    return pl.format("{}/{}", year - 1, (year % 100).cast(pl.String).str.zfill(2))


def _label_expr(subject_labels: Mapping[str, str] | None) -> pl.Expr:
    labels = {**DEFAULT_SUBJECT_LABELS, **(subject_labels or {})}
    return pl.format(
        "{} {} {} кл., {}",
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind")),
        pl.col("subject").replace_strict(labels, default=pl.col("subject")),
        pl.col("grade"),
        _year_label_expr(pl.col("year")),
    )


def _ignored_expr(count: pl.Expr, noun_suffix: str, minimum: int, label: pl.Expr) -> pl.Expr:
    noun = plural_expr(count, "участник", "участника", "участников")
    return pl.format(
        "{}: {} {}{} — меньше минимума ({}), не учитывается",
        label,
        count,
        noun,
        pl.lit(noun_suffix),
        pl.lit(minimum),
    )


def _selected_expr(selectors: Iterable[AssessmentSelector]) -> pl.Expr:
    """Rows of the selected assessments; the kind is compared once per kind, not per selector."""
    by_kind: dict[str, list[pl.Expr | None]] = {}
    for selector in selectors:
        conditions = []
        if selector.subject is not None:
            conditions.append(pl.col("subject") == selector.subject)
        if selector.grade is not None:
            conditions.append(pl.col("grade") == selector.grade)
        by_kind.setdefault(selector.kind, []).append(
            pl.all_horizontal(conditions) if conditions else None
        )
    terms = []
    for kind, variants in by_kind.items():
        term = pl.col("kind") == kind
        # A selector without subject and grade takes the whole kind.
        if all(variant is not None for variant in variants):
            term &= pl.any_horizontal(variants)
        terms.append(term)
    return pl.any_horizontal(terms)


def _in_reason_order(
    frame: _FrameT, *, first: tuple[str, ...] = (), then: tuple[str, ...] = ()
) -> _FrameT:
    """Order rows as reasons read: latest year first, then ВПР, ОГЭ, ЕГЭ, КДР, grade, subject.

    `first` are boolean columns whose true rows go first (hits before assessments not counted).
    """
    rank = pl.col("kind").replace_strict(_KIND_RANK, default=len(_KIND_RANK), return_dtype=pl.Int64)
    keys = (*first, "year", "kind_rank", "grade", "subject", *then)
    descending = [True] * (len(first) + 1) + [False] * (len(keys) - len(first) - 1)
    return frame.with_columns(kind_rank=rank).sort(keys, descending=descending).drop("kind_rank")


# --- Inputs ---------------------------------------------------------------------------------------


def _checked(
    frame: pl.DataFrame | pl.LazyFrame, *, required: Iterable[str], ints: Iterable[str]
) -> pl.LazyFrame:
    lazy = frame.lazy()
    present = lazy.collect_schema().names()
    missing = [name for name in required if name not in present]
    if missing:
        raise ValueError(f"Во входных данных нет столбцов: {', '.join(missing)}")
    texts = [name for name in ("school_code", "kind", "subject", "indicator") if name in required]
    return lazy.select(
        *(pl.col(name).cast(pl.String) for name in texts),
        *(pl.col(name).cast(pl.Int64) for name in ints),
        *(pl.col(name) for name in required if name not in texts and name not in ints),
    )


def _scope(frame: pl.LazyFrame, schools: Iterable[str] | None) -> pl.LazyFrame:
    """The schools to answer for: the given ones, or every school present in the data."""
    if schools is None:
        return frame.select("school_code").unique()
    codes = pl.Series("school_code", list(schools), dtype=pl.String)
    return pl.LazyFrame(codes.unique())


# --- ШНОР by low results ----------------------------------------------------------------------


def identify_low_results(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: LowResultsRule,
    year: int,
    schools: Iterable[str] | None = None,
    subject_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Apply a low-results rule for identification year `year` (ending year: 2024 = 2023/24).

    `results` has one row per school × assessment × year: school_code, year, kind, subject, grade,
    participants, mark_2 (other columns are ignored). Returns one row per school (those in
    `schools`, else those in `results`), sorted by code: school_code, flagged, reasons (hits from
    the latest year, then assessments not counted, or the absence of results), summary (how each
    criterion came out), hits (list of HIT_DTYPE), hits_last_year, years_with_hits.
    """
    years = [year - back for back in range(1, rule.years_back + 1)]
    data = _checked(
        results,
        required=LOW_RESULT_COLUMNS,
        ints=("year", "grade", "participants", "mark_2"),
    )
    considered = data.filter(pl.col("year").is_in(years) & _selected_expr(rule.selectors)).collect(
        engine="in-memory"
    )
    counted = pl.col("participants") >= rule.min_participants
    share = pl.col("mark_2") / pl.col("participants")
    label = _label_expr(subject_labels)
    # Only hits and assessments not counted produce text; they are few, so texts, structs and
    # the order of reasons are built on them alone.
    hit_rows = considered.lazy().filter(counted & (share >= rule.threshold))
    ignored_rows = considered.lazy().filter(~counted)
    noted = pl.concat(
        [
            hit_rows.with_columns(
                hit=pl.lit(True), reason=_low_result_reason_expr(label, rule.threshold)
            ),
            ignored_rows.with_columns(
                hit=pl.lit(False),
                reason=_ignored_expr(pl.col("participants"), "", rule.min_participants, label),
            ),
        ]
    )
    hit = pl.col("hit")
    per_school = (
        _in_reason_order(noted, first=("hit",))
        .group_by("school_code")
        .agg(
            found=pl.col("reason"),
            hits=pl.struct(
                "kind",
                "subject",
                "grade",
                "year",
                share.alias("share"),
                pl.col("mark_2").alias("twos"),
                "participants",
            ).filter(hit),
            hits_last_year=(hit & (pl.col("year") == year - 1)).sum().cast(pl.Int64),
            years_with_hits=pl.col("year").filter(hit).n_unique().cast(pl.Int64),
        )
    )
    with_data = considered.lazy().select(pl.col("school_code").unique(), has_data=pl.lit(True))
    # The independent plans run in parallel.
    scope, per_school, with_data = pl.collect_all(
        [_scope(data, schools), per_school, with_data], engine="in-memory"
    )
    no_data = pl.lit(
        [f"нет результатов учитываемых оценочных процедур за {format_years(years)}"],
        dtype=pl.List(pl.String),
    )
    counts = ("hits_last_year", "years_with_hits")
    frame = (
        scope.join(per_school, on="school_code", how="left")
        .join(with_data, on="school_code", how="left")
        .with_columns(
            pl.col(*counts).fill_null(0),
            pl.col("hits").fill_null(pl.lit([], dtype=pl.List(HIT_DTYPE))),
            reasons=pl.when(pl.col("has_data"))
            .then(pl.col("found").fill_null(_NO_TEXT))
            .otherwise(no_data),
        )
    )
    # The verdict depends on the two counts only: worded once per distinct pair of them.
    verdicts = frame.select(pl.col(*counts)).unique().with_columns(_low_result_verdict(rule, year))
    return (
        frame.join(verdicts, on=counts, how="left")
        .select(
            "school_code",
            "flagged",
            "reasons",
            "summary",
            pl.col("hits").cast(pl.List(HIT_DTYPE)),
            *counts,
        )
        .sort("school_code")
    )


def _low_result_reason_expr(label: pl.Expr, threshold: float) -> pl.Expr:
    twos, participants = pl.col("mark_2"), pl.col("participants")
    return pl.format(
        "{}: {} % «2» ({} из {}) ≥ {} %",
        label,
        percent_expr(twos, participants),
        twos,
        participants,
        pl.lit(format_threshold(threshold)),
    )


def _low_result_verdict(rule: LowResultsRule, year: int) -> list[pl.Expr]:
    """flagged and a one-line summary of each criterion, met or not."""
    outcome = {True: "выполнено", False: "не выполнено"}
    threshold = format_threshold(rule.threshold)
    met, parts = [], []
    if rule.min_hits_last_year is not None:
        hits = pl.col("hits_last_year")
        criterion = hits >= rule.min_hits_last_year
        met.append(criterion)
        parts.append(
            pl.format(
                "{} {} с долей «2» ≥ {} % в {} (нужно не менее {}) — {}",
                hits,
                plural_expr(hits, "процедура", "процедуры", "процедур"),
                pl.lit(threshold),
                pl.lit(academic_year_label(year - 1)),
                pl.lit(rule.min_hits_last_year),
                pl.when(criterion).then(pl.lit(outcome[True])).otherwise(pl.lit(outcome[False])),
            )
        )
    if rule.consecutive_years is not None:
        years = pl.col("years_with_hits")
        criterion = years >= rule.consecutive_years
        span = format_years(range(year - rule.consecutive_years, year))
        met.append(criterion)
        parts.append(
            pl.format(
                "доля «2» ≥ {} % хотя бы по одной процедуре в {} из {} лет ({}, нужно в каждом)"
                " — {}",
                pl.lit(threshold),
                years,
                pl.lit(rule.consecutive_years),
                pl.lit(span),
                pl.when(criterion).then(pl.lit(outcome[True])).otherwise(pl.lit(outcome[False])),
            )
        )
    return [
        pl.any_horizontal(met).alias("flagged"),
        pl.concat_str(parts, separator="; ").alias("summary"),
    ]


# --- ШНСУ by social context -------------------------------------------------------------------


def social_index(
    context: pl.DataFrame | pl.LazyFrame,
    *,
    rule: SocialIndexRule,
    schools: Iterable[str] | None = None,
    indicator_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Weighted social-context index per school from long data (school_code, indicator, value).

    A school lacking any weighted indicator gets no index, is not flagged, and its reasons name the
    missing data. Returns school_code, index (null when missing data), flagged, reasons (verdict,
    then each indicator's contribution), sorted by code. Raises ValueError on duplicate values.
    """
    labels = dict(indicator_labels or {})
    data = _checked(context, required=("school_code", "indicator", "value"), ints=()).with_columns(
        pl.col("value").cast(pl.Float64)
    )
    weighted = data.filter(
        pl.col("indicator").is_in(list(rule.weights)) & pl.col("value").is_not_null()
    )
    _refuse_duplicates(weighted)
    weights = pl.LazyFrame(
        {
            "indicator": list(rule.weights),
            "weight": list(rule.weights.values()),
            "weight_text": [format_number(weight) for weight in rule.weights.values()],
            "label": [labels.get(code, code) for code in rule.weights],
            "position": list(range(len(rule.weights))),
        }
    )
    contribution = pl.col("value") * pl.col("weight")
    per_school = (
        _scope(data, schools)
        .join(weights, how="cross")
        .join(weighted, on=["school_code", "indicator"], how="left")
        .sort("school_code", "position")
        .group_by("school_code")
        .agg(
            # Rounded so that float noise (0.1 + 0.2) never decides a school at the threshold.
            index=pl.when(pl.col("value").null_count() == 0).then(contribution.sum().round(9)),
            missing=pl.format("«{}»", pl.col("label")).filter(pl.col("value").is_null()),
            contributions=pl.format(
                "{}: {} × {} = {}",
                pl.col("label"),
                _decimal_expr(pl.col("value")),
                pl.col("weight_text"),
                _decimal_expr(contribution),
            ).filter(pl.col("value").is_not_null()),
        )
    )
    threshold = format_number(rule.threshold)
    index = pl.col("index")
    flagged = (index >= rule.threshold).fill_null(False)
    verdict = (
        pl.when(index.is_null())
        .then(
            pl.format(
                "индекс социального контекста не рассчитан: нет данных — {}",
                pl.col("missing").list.join(", "),
            )
        )
        .when(flagged)
        .then(
            pl.format(
                "индекс социального контекста {} ≥ {}", _decimal_expr(index), pl.lit(threshold)
            )
        )
        .otherwise(
            pl.format(
                "индекс социального контекста {} < {}", _decimal_expr(index), pl.lit(threshold)
            )
        )
    )
    return (
        per_school.select(
            "school_code",
            "index",
            flagged.alias("flagged"),
            reasons=pl.concat_list(verdict, "contributions"),
        )
        .sort("school_code")
        .collect()
    )


def _refuse_duplicates(data: pl.LazyFrame) -> None:
    duplicates = (
        data.group_by("school_code", "indicator").len().filter(pl.col("len") > 1).limit(1).collect()
    )
    if duplicates.height:
        school, indicator = duplicates.row(0)[:2]
        raise ValueError(f"Несколько значений показателя «{indicator}» у школы {school}")


# --- Signs of non-objective results -----------------------------------------------------------


def objectivity_flags(
    results: pl.DataFrame | pl.LazyFrame,
    *,
    rule: ObjectivityRule,
    year: int,
    schools: Iterable[str] | None = None,
    subject_labels: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Signs of non-objective results for identification year `year`, judged on `rule.kind`
    results of year − 1 (the same year identify_low_results calls «last year»).

    `results` needs school_code, year, kind, subject, grade and journal_lowered /
    journal_confirmed / journal_raised (null = no comparison with the journal). Returns school_code,
    flagged, reasons (shares at or above the threshold, then assessments not counted), hits (list
    of OBJECTIVITY_HIT_DTYPE), sorted by code.
    """
    data = _checked(
        results,
        required=("school_code", "year", "kind", "subject", "grade", *JOURNAL_COLUMNS),
        ints=("year", "grade", *JOURNAL_COLUMNS),
    )
    compared = pl.sum_horizontal(JOURNAL_COLUMNS, ignore_nulls=False)
    rows = (
        data.filter((pl.col("year") == year - 1) & (pl.col("kind") == rule.kind))
        .with_columns(compared=compared)
        .collect()
    )
    label = _label_expr(subject_labels)
    counted = pl.col("compared") >= rule.min_participants
    hits = (
        _in_reason_order(
            _objectivity_shares(rows.lazy().filter(counted), threshold=rule.threshold),
            then=("direction",),
        )
        .with_columns(
            reason=pl.format(
                "{}: {} {} % ({} из {}) ≥ {} %",
                label,
                pl.col("direction").replace_strict({"lowered": "понизили", "raised": "повысили"}),
                percent_expr(pl.col("students"), pl.col("compared")),
                pl.col("students"),
                pl.col("compared"),
                pl.lit(format_threshold(rule.threshold)),
            ),
            hit=pl.struct(
                "kind", "subject", "grade", "year", "direction", "share", "students", "compared"
            ),
        )
        .group_by("school_code")
        .agg(hit_reasons=pl.col("reason"), hits=pl.col("hit"))
    )
    no_comparison = pl.format("{}: нет сравнения с отметками в журнале, не учитывается", label)
    ignored = (
        _in_reason_order(rows.lazy().filter(~counted | pl.col("compared").is_null()))
        .with_columns(
            reason=pl.when(pl.col("compared").is_null())
            .then(no_comparison)
            .otherwise(
                _ignored_expr(
                    pl.col("compared"), " с отметкой в журнале", rule.min_participants, label
                )
            )
        )
        .group_by("school_code")
        .agg(ignored_reasons=pl.col("reason"))
    )
    return (
        _scope(data, schools)
        .join(hits, on="school_code", how="left")
        .join(ignored, on="school_code", how="left")
        .with_columns(pl.col("hit_reasons", "ignored_reasons").fill_null(_NO_TEXT))
        .select(
            "school_code",
            flagged=pl.col("hit_reasons").list.len() > 0,
            reasons=pl.concat_list("hit_reasons", "ignored_reasons"),
            hits=pl.col("hits")
            .fill_null(pl.lit([], dtype=pl.List(OBJECTIVITY_HIT_DTYPE)))
            .cast(pl.List(OBJECTIVITY_HIT_DTYPE)),
        )
        .sort("school_code")
        .collect()
    )


def _objectivity_shares(rows: pl.LazyFrame, *, threshold: float) -> pl.LazyFrame:
    """One row per assessment and direction whose share reaches the threshold."""
    return (
        rows.unpivot(
            on=["journal_lowered", "journal_raised"],
            index=["school_code", "year", "kind", "subject", "grade", "compared"],
            variable_name="direction",
            value_name="students",
        )
        .with_columns(
            pl.col("direction").str.strip_prefix("journal_"),
            share=pl.col("students") / pl.col("compared"),
        )
        .filter(pl.col("share") >= threshold)
    )
