"""Rule kinds a rule set can be, and the one function that applies any of them.

Pure polars over frames, like engine.py: a rule set stored in the database is its kind and its
parameters, and the same parameters give the same list on a page, in a command or a benchmark.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from opora.identification import engine

LOW_RESULTS = "low_results"
SOCIAL_INDEX = "social_index"
OBJECTIVITY = "objectivity"
KIND_LABELS = {
    LOW_RESULTS: "низкие результаты (доля «2»)",
    SOCIAL_INDEX: "индекс социального контекста (ШНСУ)",
    OBJECTIVITY: "признаки необъективности ВПР",
}


def rule_from_params(kind: str, params: Mapping[str, Any]):
    if kind == LOW_RESULTS:
        return engine.LowResultsRule.from_params(params)
    if kind == SOCIAL_INDEX:
        return engine.SocialIndexRule(**params)
    if kind == OBJECTIVITY:
        return engine.ObjectivityRule(**params)
    raise ValueError(f"Неизвестный вид правила: {kind}")


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
) -> pl.DataFrame:
    """school_code, flagged, reasons (list of Russian sentences) for every school in `schools`."""
    rule = rule_from_params(kind, params)
    schools = list(schools)
    if kind == LOW_RESULTS:
        verdicts = engine.identify_low_results(
            results, rule=rule, year=year, schools=schools, subject_labels=subject_labels
        )
    elif kind == SOCIAL_INDEX:
        verdicts = engine.social_index(
            context, rule=rule, schools=schools, indicator_labels=indicator_labels
        )
    else:
        verdicts = engine.objectivity_flags(
            results, rule=rule, year=year, schools=schools, subject_labels=subject_labels
        )
    return verdicts.select("school_code", "flagged", "reasons")
