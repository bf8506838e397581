"""Rule kinds a rule set can be, and the one function that applies any of them.

Pure polars over frames, like engine.py: a rule set stored in the database is its kind and its
parameters, and the same parameters give the same list on a page, in a command or a benchmark.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from opora.identification import categories, early_warning, engine, peers

LOW_RESULTS = "low_results"
SOCIAL_INDEX = "social_index"
OBJECTIVITY = "objectivity"
POSITIVE_DYNAMICS = "positive_dynamics"
HIGH_RESULTS = "high_results"
CONTEXT_CONDITIONS = "context_conditions"
CLUSTERING = "clustering"
COMPARABLE_SCHOOLS = "comparable_schools"
EARLY_WARNING = "early_warning"
KIND_LABELS = {
    LOW_RESULTS: "низкие результаты (доля «2»)",
    SOCIAL_INDEX: "индекс социального контекста (ШНСУ)",
    OBJECTIVITY: "признаки необъективности ВПР",
    POSITIVE_DYNAMICS: "положительная динамика результатов",
    HIGH_RESULTS: "высокие результаты",
    CONTEXT_CONDITIONS: "условия работы школы",
    CLUSTERING: "кластеризация: категории по порядку",
    COMPARABLE_SCHOOLS: "похожие школы и изменение относительно них",
    EARLY_WARNING: "группа риска на следующий год",
}
# Rules that do not draw up a list: they set how schools are compared and warned about.
ANALYSIS_KINDS = (COMPARABLE_SCHOOLS, EARLY_WARNING)
MARKS = ["mark_2", "mark_3", "mark_4", "mark_5"]
JOURNAL = ["journal_lowered", "journal_confirmed", "journal_raised"]
ALL_COUNTS = ["participants", *MARKS, *JOURNAL]
RULE_CLASSES = {
    LOW_RESULTS: engine.LowResultsRule,
    POSITIVE_DYNAMICS: categories.PositiveDynamicsRule,
    HIGH_RESULTS: categories.HighResultsRule,
    CONTEXT_CONDITIONS: categories.ContextConditionsRule,
    COMPARABLE_SCHOOLS: peers.PeerRule,
    EARLY_WARNING: early_warning.EarlyWarningRule,
}


def result_counts(kind: str, params: Mapping[str, Any]) -> list[str]:
    """Which counts of results a rule reads: a country's results are read faster without the
    columns nobody uses."""
    if kind == CLUSTERING:
        needed = {
            c
            for category in params["categories"]
            for c in result_counts(category["kind"], category["params"])
        }
        return [c for c in ALL_COUNTS if c in needed]
    return {
        LOW_RESULTS: ["participants", "mark_2"],
        OBJECTIVITY: ["participants", *JOURNAL],
        SOCIAL_INDEX: [],
        CONTEXT_CONDITIONS: [],
    }.get(kind, ["participants", *MARKS])


def results_read(
    kind: str, params: Mapping[str, Any], *, year: int
) -> tuple[list[int], tuple[engine.AssessmentSelector, ...] | None]:
    """Which years and assessments a rule reads for identification year `year` (None: every
    assessment). A low-results rule counts a few assessments of its last years: a country's
    results are read three times faster without the rest."""
    if kind == CLUSTERING:
        parts = [results_read(c["kind"], c["params"], year=year) for c in params["categories"]]
        years = sorted({y for part_years, _ in parts for y in part_years})
        if any(selectors is None for _, selectors in parts):
            return years, None
        return years, tuple(s for _, selectors in parts for s in selectors)
    if kind == LOW_RESULTS:
        rule = engine.LowResultsRule.from_params(params)
        return [year - back for back in range(rule.years_back, 0, -1)], rule.selectors
    return [year - 3, year - 2, year - 1], None


def rule_from_params(kind: str, params: Mapping[str, Any]):
    """The rule object; raises ValueError (in Russian) for wrong parameters."""
    if kind in RULE_CLASSES:
        return RULE_CLASSES[kind].from_params(params)
    if kind == SOCIAL_INDEX:
        return engine.SocialIndexRule(**params)
    if kind == OBJECTIVITY:
        return engine.ObjectivityRule(**params)
    if kind == CLUSTERING:
        if not params.get("categories"):
            raise ValueError("В кластеризации должна быть хотя бы одна категория")
        for category in params["categories"]:
            if category["kind"] == CLUSTERING:
                raise ValueError("Категория кластеризации не может сама быть кластеризацией")
            rule_from_params(category["kind"], category["params"])
        return params
    raise ValueError(f"Неизвестный вид правила: {kind}")


def thresholds_text(kind: str, params: Mapping[str, Any]) -> str:
    """The thresholds of a rule in words, for the name of a saved variant: the name is made from
    the parameters, so it cannot claim thresholds the rule does not have."""
    if kind == SOCIAL_INDEX:
        return f"индекс социального контекста ≥ {engine.format_number(params['threshold'])}"
    share = f"≥ {engine.format_threshold(params['threshold'])} %"
    participants = params.get("min_participants") or 1
    least = f"от {participants} участник{'а' if participants == 1 else 'ов'}"
    if kind == OBJECTIVITY:
        return f"понизили или повысили {share}, {least}"
    if kind != LOW_RESULTS:
        raise ValueError(f"Пороги правила вида «{KIND_LABELS.get(kind, kind)}» здесь не меняют")
    hits, years = params.get("min_hits_last_year"), params.get("consecutive_years")
    criteria = []
    if hits:
        criteria.append(
            "хотя бы в одной процедуре прошлого года"
            if hits == 1
            else f"в {hits} и более процедурах прошлого года"
        )
    if years:
        one = "хотя бы в одной" if hits else "хотя бы в одной процедуре"
        criteria.append(f"{one} {years} года подряд" if years > 1 else f"{one} прошлого года")
    return f"доля «2» {share} {' или '.join(criteria)}, {least}"


def variant_title(kind: str, category: str, params: Mapping[str, Any]) -> str:
    """«ШНОР: критерии ФИОКО (доля «2» ≥ 25 % …)»: what the rule selects, then its thresholds."""
    name = params.get("title") or category[:1].upper() + category[1:]
    return f"{name} ({thresholds_text(kind, params)})"


def apply_rule(
    kind: str,
    params: Mapping[str, Any],
    *,
    year: int,
    schools: Iterable[str],
    results: pl.DataFrame,
    context: pl.DataFrame,
    subject_labels: Mapping[str, str],
    indicator_labels: Mapping[str, str],
    parents: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """school_code, flagged, reasons (Russian sentences) and, for a clustering, the category
    each school falls in, for every school in `schools`. `parents` maps a branch to its head
    school, for clusterings whose branches follow the head school."""
    schools = list(schools)
    data = {
        "year": year,
        "schools": schools,
        "results": results,
        "context": context,
        "subject_labels": subject_labels,
        "indicator_labels": indicator_labels,
    }
    if kind == CLUSTERING:
        clusters = _clustering(params, **data)
        if params.get("branches_follow_parent") and parents:
            clusters = _branches_follow_parent(clusters, parents)
        return clusters
    return _single(kind, params, **data).with_columns(category=pl.lit(None, dtype=pl.String))


def _single(kind, params, *, year, schools, results, context, subject_labels, indicator_labels):
    rule = rule_from_params(kind, params)
    on_results = {"rule": rule, "year": year, "schools": schools, "subject_labels": subject_labels}
    on_context = {"rule": rule, "schools": schools, "indicator_labels": indicator_labels}
    verdicts = {
        LOW_RESULTS: lambda: engine.identify_low_results(results, **on_results),
        OBJECTIVITY: lambda: engine.objectivity_flags(results, **on_results),
        POSITIVE_DYNAMICS: lambda: categories.positive_dynamics(results, **on_results),
        HIGH_RESULTS: lambda: categories.high_results(results, **on_results),
        SOCIAL_INDEX: lambda: engine.social_index(context, **on_context),
        CONTEXT_CONDITIONS: lambda: categories.context_conditions(context, **on_context),
    }[kind]()
    if kind == LOW_RESULTS:
        # How each criterion came out, so that a school not in the list also learns why.
        verdicts = verdicts.with_columns(reasons=pl.concat_list("reasons", pl.col("summary")))
    return verdicts.select("school_code", "flagged", "reasons")


def _clustering(params, **data) -> pl.DataFrame:
    """Each school in the first category whose rule it meets (seed 000's and 003's clusters)."""
    flags = [
        (category["name"], _single(category["kind"], category["params"], **data))
        for category in params["categories"]
    ]
    default = params.get("default") or None
    assigned = categories.assign_categories(flags, schools=data["schools"], default=default)
    named = [c["name"] for c in params["categories"]]
    return assigned.select(
        "school_code",
        flagged=pl.col("category").is_in(named).fill_null(False),
        reasons="reasons",
        category="category",
    )


def _branches_follow_parent(clusters: pl.DataFrame, parents: Mapping[str, str]) -> pl.DataFrame:
    """A branch is counted with its head school (seed 000 clusters 9 schools, not 13)."""
    links = pl.DataFrame(
        {"school_code": list(parents), "parent_code": list(parents.values())},
        schema={"school_code": pl.String, "parent_code": pl.String},
    )
    heads = clusters.select(
        parent_code="school_code",
        parent_flagged="flagged",
        parent_category="category",
        parent_reasons="reasons",
    )
    joined = clusters.join(links, on="school_code", how="left").join(
        heads, on="parent_code", how="left"
    )
    is_branch = pl.col("parent_flagged").is_not_null()
    note = pl.concat_list(
        pl.format("филиал: относится к категории головной школы ({})", "parent_code"),
        "parent_reasons",
    )
    return joined.select(
        "school_code",
        flagged=pl.when(is_branch).then("parent_flagged").otherwise("flagged"),
        reasons=pl.when(is_branch).then(note).otherwise("reasons"),
        category=pl.when(is_branch).then("parent_category").otherwise("category"),
    )
