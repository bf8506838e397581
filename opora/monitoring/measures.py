"""Measures and their verdicts: each measure of a year judged at each of its schools by its
rule (effectiveness.py), from the results' dynamics, target indicators and comparable schools."""

from dataclasses import dataclass

import polars as pl
from django.db.models import Q
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import visible_municipalities
from opora.assessments.selectors import subject_labels
from opora.identification import peers
from opora.identification.selectors import fair_change_frame
from opora.monitoring import effectiveness as eff
from opora.monitoring.models import EffectivenessRule, Measure
from opora.monitoring.results import Dynamics, schools_dynamics_by_year
from opora.programs.achievement import achievement
from opora.programs.models import Indicator, IndicatorScope
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label


def measure_get(*, user: User, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.filter(municipality__in=visible_municipalities(user)), pk=pk
    )


def rule_list(*, municipality: Municipality):
    return EffectivenessRule.objects.filter(
        Q(region__isnull=True) | Q(region_id=municipality.region_id)
    ).order_by("code", "-version")


@dataclass
class MeasureVerdict:
    school: School | None
    judgement: eff.Judgement


@dataclass
class MeasureRow:
    measure: Measure
    verdicts: list[MeasureVerdict]


def indicator_outcome(
    *, indicator: Indicator, year: int, school: School | None
) -> eff.IndicatorOutcome:
    """The indicator's latest value measured in calendar year `year` (the end of the academic
    year) for the school (or for all) against the target of that year."""
    targets = {t.year: t.value for t in indicator.targets.all()}
    values = [
        v
        for v in indicator.values.all()
        if v.measured_on.year == year
        and (
            indicator.scope != IndicatorScope.EACH_SCHOOL
            or school is None
            or v.school_id == school.pk
        )
    ]
    name = indicator.name if len(indicator.name) < 120 else indicator.name[:117] + "…"
    if not values or year not in targets:
        return eff.IndicatorOutcome(name, eff.NOT_MEASURED)
    latest = max(values, key=lambda v: v.measured_on)
    status = achievement(
        target=targets[year], actual=latest.value, higher_is_better=indicator.higher_is_better
    )
    return eff.IndicatorOutcome(name, status, latest.value, targets[year])


def measure_rows(*, municipality: Municipality, year: int, dynamics: Dynamics) -> list[MeasureRow]:
    """Every measure of the year with a verdict for each of its schools."""
    measures = _measures(municipalities=[municipality], years={municipality.pk: year})
    return _judged(measures, year=year, schools=dynamics.schools, labels=dynamics.labels)


def _measures(*, municipalities: list[Municipality], years: dict[int, int]) -> list[Measure]:
    """The measures of each municipality's year (municipality id → year), in one read."""
    measures = (
        Measure.objects.filter(municipality__in=municipalities, year__in=set(years.values()))
        .select_related("rule", "activity", "municipality__region")
        .prefetch_related("schools", "indicators__targets", "indicators__values")
    )
    return [m for m in measures if years.get(m.municipality_id) == m.year]


def region_measure_rows(
    *, municipalities: list[Municipality], years: dict[int, int]
) -> dict[int, list[MeasureRow]]:
    """Municipality id → its measure rows of its year. Results are read only when a rule
    judges by them, and then once for all the municipalities."""
    measures = _measures(municipalities=municipalities, years=years)
    by_results = any(
        eff.EffectivenessParams.from_params(m.rule.params).results is not None for m in measures
    )
    labels = subject_labels() if by_results else {}
    frames = (
        schools_dynamics_by_year(municipalities=municipalities, years=years) if by_results else {}
    )
    rows: dict[int, list[MeasureRow]] = {m.pk: [] for m in municipalities}
    for year in set(years.values()):
        judged = [m for m in measures if m.year == year]
        for row in _judged(judged, year=year, schools=frames.get(year), labels=labels):
            rows[row.measure.municipality_id].append(row)
    return rows


def _judged(
    measures: list[Measure], *, year: int, schools: pl.DataFrame | None, labels: dict[str, str]
) -> list[MeasureRow]:
    """Verdicts of measures of `year`. `schools` holds the dynamics of at least the measures'
    schools (a measure has schools of its own municipality only; services.measure_save); it
    may be None when no rule judges by results."""
    evidence_cache: dict[int, dict] = {}
    rows = []
    for measure in measures:
        params = eff.EffectivenessParams.from_params(measure.rule.params)
        evidence = {}
        if params.results is not None:
            if measure.rule_id not in evidence_cache:
                evidence_cache[measure.rule_id] = eff.results_evidence(
                    schools, params.results, subject_labels=labels
                )
            evidence = evidence_cache[measure.rule_id]
        peers = (
            _peers_evidence(measure.municipality, year, measure.schools.all(), params.peers)
            if params.peers
            else {}
        )
        verdicts = []
        for school in sorted(measure.schools.all(), key=lambda s: s.short_name):
            indicators = [
                indicator_outcome(indicator=i, year=year, school=school)
                for i in measure.indicators.all()
                if i.scope != IndicatorScope.SCHOOL or i.school_id == school.pk
            ]
            judgement = eff.judge(
                params,
                results=evidence.get(school.code),
                indicators=indicators,
                year_label=academic_year_label(year),
                peers=peers.get(school.code),
            )
            verdicts.append(MeasureVerdict(school, judgement))
        rows.append(MeasureRow(measure, verdicts))
    return rows


def _peers_evidence(municipality, year, schools, criterion) -> dict[str, eff.PeersEvidence]:
    codes = [school.code for school in schools]
    if not codes:
        return {}
    verdicts = peers.fair_change_verdicts(
        fair_change_frame(municipality=municipality, year=year, codes=codes),
        metrics=criterion.metrics,
    )
    return {
        row["school_code"]: eff.PeersEvidence(row["verdict"], list(row["reasons"]))
        for row in verdicts.iter_rows(named=True)
    }
