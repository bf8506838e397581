"""Reads of monitoring: campaigns and submissions within the user's scope, and the data the
dynamics, verdicts, dashboards and the report are computed from."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_manage_municipality,
    is_school_team,
    visible_municipalities,
    visible_schools,
    works_with_own_schools,
)
from opora.assessments.metrics import MARK_COUNTS
from opora.assessments.selectors import results_frame, subject_labels
from opora.identification import peers
from opora.identification.models import IdentificationRun, RunStatus, Verdict
from opora.identification.selectors import fair_change_frame
from opora.monitoring import dynamics as dyn
from opora.monitoring import effectiveness as eff
from opora.monitoring.models import (
    AnnualReport,
    CampaignKind,
    CampaignStatus,
    Measure,
    MonitoringCampaign,
    Submission,
    SubmissionStatus,
)
from opora.programs.achievement import achievement
from opora.programs.models import Indicator, IndicatorScope, Program, ProgramStatus
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label

SHNOR_WORD = "ШНОР"
PUBLIC_PROGRAM_STATUSES = [
    ProgramStatus.APPROVED,
    ProgramStatus.IN_PROGRESS,
    ProgramStatus.COMPLETED,
]


# --- Campaigns ------------------------------------------------------------------------------


def campaign_list(*, user: User) -> QuerySet[MonitoringCampaign]:
    """Campaigns of the user's municipalities; a school team sees those its school is in."""
    campaigns = MonitoringCampaign.objects.filter(municipality__in=visible_municipalities(user))
    if works_with_own_schools(user):
        campaigns = campaigns.filter(schools__in=visible_schools(user)).distinct()
    return campaigns.select_related("municipality").annotate(
        schools_count=Count("submissions", distinct=True),
        accepted_count=Count(
            "submissions", filter=Q(submissions__status=SubmissionStatus.ACCEPTED), distinct=True
        ),
    )


def campaign_get(*, user: User, pk: int) -> MonitoringCampaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


@dataclass
class Completeness:
    submissions: list[Submission]
    counts: dict[str, int]  # status -> schools
    missing: list[Submission]  # not handed in yet (not started, being filled, returned)

    @property
    def done_percent(self) -> int:
        total = len(self.submissions)
        accepted = self.counts.get(SubmissionStatus.ACCEPTED, 0)
        return round(100 * accepted / total) if total else 0


def campaign_completeness(*, user: User, campaign: MonitoringCampaign) -> Completeness:
    """Who has handed in, who is being checked, who has not submitted yet."""
    submissions = list(
        campaign.submissions.filter(school__in=visible_schools(user))
        .select_related("school", "submitted_by", "reviewed_by")
        .order_by("school__short_name")
    )
    counts = {status: 0 for status in SubmissionStatus.values}
    for submission in submissions:
        counts[submission.status] += 1
    unsubmitted = {SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}
    missing = [s for s in submissions if s.status in unsubmitted]
    return Completeness(submissions, counts, missing)


def submission_get(*, user: User, pk: int) -> Submission:
    submissions = Submission.objects.filter(
        school__in=visible_schools(user), campaign__municipality__in=visible_municipalities(user)
    )
    return get_object_or_404(submissions.select_related("campaign__municipality", "school"), pk=pk)


def campaign_indicators(*, campaign: MonitoringCampaign, school: School) -> list[Indicator]:
    """The indicators a school reports in a campaign: those «каждая школа» and its own."""
    return list(
        campaign.indicators.filter(
            Q(scope=IndicatorScope.EACH_SCHOOL) | Q(scope=IndicatorScope.SCHOOL, school=school)
        ).order_by("program", "position")
    )


def municipal_indicators(*, campaign: MonitoringCampaign) -> QuerySet[Indicator]:
    """Indicators of the whole municipality in a campaign: the coordinator enters them."""
    return campaign.indicators.filter(scope=IndicatorScope.MUNICIPALITY).order_by(
        "program", "position"
    )


@dataclass
class DueCampaign:
    campaign: MonitoringCampaign
    submission: Submission | None
    days_left: int


def campaigns_due(*, user: User, today: datetime.date, within_days: int = 7) -> list[DueCampaign]:
    """Open campaigns whose deadline is within `within_days` (or past) and where the user still
    has something to do: a school team its submission, a coordinator the schools not in yet."""
    campaigns = MonitoringCampaign.objects.filter(
        status=CampaignStatus.OPEN,
        deadline__lte=today + datetime.timedelta(days=within_days),
        municipality__in=visible_municipalities(user),
    ).order_by("deadline")
    due = []
    waiting = [SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]
    for campaign in campaigns:
        days_left = (campaign.deadline - today).days
        if is_school_team(user):
            submission = campaign.submissions.filter(
                school_id=user.school_id, status__in=waiting
            ).first()
            if submission:
                due.append(DueCampaign(campaign, submission, days_left))
        elif (
            can_manage_municipality(user, campaign.municipality)
            and campaign.submissions.filter(status__in=waiting).exists()
        ):
            due.append(DueCampaign(campaign, None, days_left))
    return due


# --- Lists of schools by year ---------------------------------------------------------------


def _official(runs: list[IdentificationRun]) -> dict[int, IdentificationRun]:
    """Per year, the approved run if there is one, else the latest."""
    chosen: dict[int, IdentificationRun] = {}
    for run in sorted(runs, key=lambda r: (r.status == RunStatus.APPROVED, r.created_at)):
        chosen[run.year] = run
    return chosen


def _is_shnor_list(run: IdentificationRun) -> bool:
    """Rules of low results, and clusterings where a category names ШНОР."""
    kind = run.rule_set.kind
    return kind == "low_results" or (kind == "clustering" and SHNOR_WORD in str(run.params))


def _clustering_run(runs: list[IdentificationRun], year: int) -> IdentificationRun | None:
    """The latest clustering drawn up from `year`'s data or earlier (its year at most
    `year + 1`)."""
    runs = [r for r in runs if r.rule_set.kind == "clustering" and r.year <= year + 1]
    return _official(runs)[max(r.year for r in runs)] if runs else None


@dataclass
class _Lists:
    """The lists that apply to some municipalities, read in two queries whatever their number:
    a region's run judges the schools of every municipality of the region."""

    shnor: dict[int, dict[int, IdentificationRun]]  # municipality id → year → list of ШНОР
    clustering: dict[int, IdentificationRun | None]  # municipality id → clustering of its year
    verdicts: dict[tuple[int, int], list[Verdict]]  # (run id, municipality id) → verdicts


def _runs_by_municipality(
    municipalities: list[Municipality],
) -> dict[int, list[IdentificationRun]]:
    """Municipality id → the runs over it or over its whole region."""
    runs = list(
        IdentificationRun.objects.filter(
            Q(municipality__in=municipalities)
            | Q(municipality__isnull=True, region__in={m.region_id for m in municipalities})
        ).select_related("rule_set")
    )
    return {
        m.pk: [
            r
            for r in runs
            if r.municipality_id == m.pk
            or (r.municipality_id is None and r.region_id == m.region_id)
        ]
        for m in municipalities
    }


def _lists(*, municipalities: list[Municipality], years: dict[int, int]) -> _Lists:
    """`years`: municipality id → the year whose clustering is wanted (none: no clustering)."""
    shnor, clustering = {}, {}
    runs = _runs_by_municipality(municipalities)
    for m in municipalities:
        own = runs[m.pk]
        shnor[m.pk] = _official([r for r in own if _is_shnor_list(r)])
        clustering[m.pk] = _clustering_run(own, years[m.pk]) if m.pk in years else None
    wanted = {(run.pk, mid) for mid, by_year in shnor.items() for run in by_year.values()}
    wanted |= {(run.pk, mid) for mid, run in clustering.items() if run}
    verdicts: dict[tuple[int, int], list[Verdict]] = {key: [] for key in wanted}
    if wanted:
        found = Verdict.objects.filter(
            run_id__in={run for run, _ in wanted}, school__municipality__in=municipalities
        ).annotate(municipality_id=F("school__municipality_id"))
        for verdict in found:
            key = (verdict.run_id, verdict.municipality_id)
            if key in verdicts:  # a run may be official for one municipality and not another
                verdicts[key].append(verdict)
    return _Lists(shnor, clustering, verdicts)


def _flags(lists: _Lists, municipality_id: int) -> dict[int, dict[int, bool]]:
    flags: dict[int, dict[int, bool]] = {}
    for year, run in lists.shnor[municipality_id].items():
        clustering = run.rule_set.kind == "clustering"
        for verdict in lists.verdicts[(run.pk, municipality_id)]:
            shnor = SHNOR_WORD in verdict.category if clustering else verdict.flagged
            flags.setdefault(verdict.school_id, {})[year] = shnor
    return flags


def _categories(lists: _Lists, municipality_id: int) -> tuple[list[str], dict]:
    run = lists.clustering[municipality_id]
    if run is None:
        return [], {}
    names = [c["name"] for c in run.params.get("categories", [])]
    verdicts = lists.verdicts[(run.pk, municipality_id)]
    return names, {v.school_id: (v.category, v.reasons, run) for v in verdicts}


def _shnor_codes(flags: dict[int, dict[int, bool]], codes: dict[int, str], year: int) -> set[str]:
    """Schools in ШНОР in the list that applied in `year` or the one drawn from its data."""
    return {
        codes[school_id]
        for school_id, by_year in flags.items()
        if by_year.get(year + 1) or by_year.get(year)
    }


def shnor_flags(*, municipality: Municipality) -> dict[int, dict[int, bool]]:
    """school id → {year of a list: in ШНОР} from the lists of ШНОР."""
    return _flags(_lists(municipalities=[municipality], years={}), municipality.pk)


def school_categories(*, municipality: Municipality, year: int) -> tuple[list[str], dict]:
    """The clusters of the clustering that applies to `year`: the category names in order and
    school id → (category, reasons, run)."""
    lists = _lists(municipalities=[municipality], years={municipality.pk: year})
    return _categories(lists, municipality.pk)


def shnor_codes(*, municipality: Municipality, year: int) -> set[str]:
    codes = dict(School.objects.filter(municipality=municipality).values_list("pk", "code"))
    return _shnor_codes(shnor_flags(municipality=municipality), codes, year)


# --- Dynamics -------------------------------------------------------------------------------


@dataclass
class Dynamics:
    year: int
    schools: pl.DataFrame  # school × assessment (dynamics.school_dynamics)
    groups: pl.DataFrame  # group × assessment (dynamics.pooled_dynamics)
    assessments: list[tuple[str, str, int]]
    labels: dict[str, str]  # subject code -> name
    group_names: list[str] = field(default_factory=list)


def municipality_dynamics(
    *, municipality: Municipality, year: int, pooled: bool = True
) -> Dynamics:
    """Each school's results of `year` with changes, and the pooled figures of the
    municipality, the region, ШНОР and the other schools of the municipality.

    `pooled=False` leaves the groups out and with them reading the whole region's results:
    judging measures needs the schools only, and the region's dashboard judges every
    municipality's."""
    own_schools = School.objects.filter(municipality=municipality)
    region_schools = School.objects.filter(municipality__region_id=municipality.region_id)
    results = results_frame(
        schools=region_schools if pooled else own_schools,
        years=[year - 1, year],
        counts=MARK_COUNTS,
    )
    own = list(own_schools.values_list("code", flat=True))
    schools = _schools_dynamics(results, codes=own, year=year)
    groups = {}
    if pooled:
        shnor = shnor_codes(municipality=municipality, year=year)
        groups = {
            municipality.name: own,
            municipality.region.name: list(region_schools.values_list("code", flat=True)),
            "ШНОР": [c for c in own if c in shnor],
            "остальные школы": [c for c in own if c not in shnor],
        }
    return Dynamics(
        year=year,
        schools=schools,
        groups=dyn.pooled_dynamics(results, year=year, groups=groups),
        assessments=dyn.assessments_of(schools),
        labels=subject_labels(),
        group_names=[name for name, codes in groups.items() if codes],
    )


def _schools_dynamics(results: pl.DataFrame, *, codes: list[str], year: int) -> pl.DataFrame:
    return dyn.school_dynamics(results.filter(pl.col("school_code").is_in(codes)), year=year)


def _schools_dynamics_by_year(
    *, municipalities: list[Municipality], years: dict[int, int]
) -> dict[int, pl.DataFrame]:
    """Per year judged, the dynamics of the schools of the municipalities judged in it, from one
    read of the results of all of them. A school's figures depend on its own results only."""
    schools = School.objects.filter(municipality__in=municipalities)
    needed = sorted({y for year in years.values() for y in (year - 1, year)})
    results = results_frame(schools=schools, years=needed, counts=MARK_COUNTS)
    codes = list(schools.values_list("code", "municipality_id"))
    return {
        year: _schools_dynamics(
            results, codes=[code for code, mid in codes if years.get(mid) == year], year=year
        )
        for year in set(years.values())
    }


def latest_result_years(*, municipalities: list[Municipality]) -> dict[int, int]:
    """Municipality id → its latest year with results; one without results is left out."""
    from opora.assessments.models import SchoolResult

    latest = (
        SchoolResult.objects.filter(school__municipality__in=municipalities)
        .order_by()
        .values_list("school__municipality")
        .annotate(Max("year"))
    )
    return dict(latest)


def report_years(*, municipality: Municipality) -> list[int]:
    """Years with results in the municipality, latest first."""
    from opora.assessments.models import SchoolResult

    years = SchoolResult.objects.filter(school__municipality=municipality).values_list(
        "year", flat=True
    )
    return sorted(set(years), reverse=True)


# --- Effectiveness --------------------------------------------------------------------------


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


def _region_measure_rows(
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
        _schools_dynamics_by_year(municipalities=municipalities, years=years) if by_results else {}
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


def measure_get(*, user: User, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.filter(municipality__in=visible_municipalities(user)), pk=pk
    )


@dataclass
class ListRow:
    school: School
    status: eff.ListStatus


def list_exits(*, municipality: Municipality) -> list[ListRow]:
    """Every school that has been in a ШНОР list, with its status and history of lists."""
    flags = shnor_flags(municipality=municipality)
    schools = School.objects.in_bulk(list(flags))
    rows = [
        ListRow(schools[pk], eff.list_status(by_year, year_label=academic_year_label))
        for pk, by_year in flags.items()
        if any(by_year.values())
    ]
    return sorted(rows, key=lambda r: (r.status.status, r.school.short_name))


# --- Reports and public page ----------------------------------------------------------------


def report_list(*, user: User) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(
        municipality__in=visible_municipalities(user)
    ).select_related("municipality")


def report_get(*, user: User, pk: int) -> AnnualReport:
    return get_object_or_404(report_list(user=user), pk=pk)


@dataclass
class PublicPage:
    municipality: Municipality
    lists: list[tuple[IdentificationRun, list[Verdict]]]
    programs: list[Program]
    reports: list[AnnualReport]


def public_page(*, code: str) -> PublicPage:
    """What a municipality has made public: approved lists, approved programs and roadmaps,
    published reports. No user is asked: nothing else is read."""
    municipality = get_object_or_404(Municipality.objects.select_related("region"), code=code)
    runs = (
        IdentificationRun.objects.filter(municipality=municipality, status=RunStatus.APPROVED)
        .select_related("rule_set", "order")
        .order_by("-year", "-approved_at")
    )
    lists = [
        (
            run,
            list(
                run.verdicts.filter(flagged=True)
                .select_related("school")
                .order_by("school__short_name")
            ),
        )
        for run in runs
    ]
    programs = list(
        Program.objects.filter(municipality=municipality, status__in=PUBLIC_PROGRAM_STATUSES)
        .select_related("order", "school")
        .order_by("school__short_name", "-start_year", "name")
    )
    reports = list(
        AnnualReport.objects.filter(municipality=municipality, is_published=True).order_by("-year")
    )
    return PublicPage(municipality, lists, programs, reports)


def campaign_kinds_counts(*, municipality: Municipality) -> dict[str, int]:
    return dict(
        MonitoringCampaign.objects.filter(municipality=municipality)
        .values_list("status")
        .annotate(n=Count("pk"))
    )


KIND_HINTS = {
    CampaignKind.INDICATORS: "значения целевых показателей на дату",
    CampaignKind.MSOKO: "результаты оценочных процедур учебного года",
    CampaignKind.REQUEST: "ответы школ на вопросы муниципалитета",
}


# --- Dashboards -----------------------------------------------------------------------------


def rule_list(*, municipality: Municipality):
    from opora.monitoring.models import EffectivenessRule

    return EffectivenessRule.objects.filter(
        Q(region__isnull=True) | Q(region_id=municipality.region_id)
    ).order_by("code", "-version")


def municipality_get(*, user: User, code: str) -> Municipality:
    return get_object_or_404(visible_municipalities(user).select_related("region"), code=code)


@dataclass
class Summary:
    """The figures of one municipality's dashboard, each with where its data lives."""

    municipality: Municipality
    year: int
    categories: list[tuple[str, int]]
    clustering_run: IdentificationRun | None
    shnor: int
    schools: int
    indicators: dict[str, int]  # achieved / not_achieved / no_data
    activities: dict[str, int]  # status -> count, and "overdue"
    campaigns: list[MonitoringCampaign]
    verdicts: dict[str, int]


def municipality_summary(
    *, municipality: Municipality, year: int, today: datetime.date, measures=None
) -> Summary:
    """One municipality's figures, the same way as the region's dashboard counts them."""
    return _summaries(
        municipalities=[municipality],
        years={municipality.pk: year},
        today=today,
        measures={municipality.pk: measures or []},
    )[0]


def region_summaries(*, user: User, today: datetime.date) -> list[Summary]:
    """The summary of every visible municipality with results, for its latest year with them,
    in a number of queries that does not grow with the municipalities (issue 10)."""
    municipalities = list(visible_municipalities(user).select_related("region"))
    years = latest_result_years(municipalities=municipalities)
    municipalities = [m for m in municipalities if m.pk in years]
    if not municipalities:
        return []
    return _summaries(
        municipalities=municipalities,
        years=years,
        today=today,
        measures=_region_measure_rows(municipalities=municipalities, years=years),
    )


def _summaries(
    *,
    municipalities: list[Municipality],
    years: dict[int, int],
    today: datetime.date,
    measures: dict[int, list[MeasureRow]],
) -> list[Summary]:
    """Each municipality's figures of its year, every kind of data read once for all."""
    lists = _lists(municipalities=municipalities, years=years)
    schools = School.objects.filter(municipality__in=municipalities)
    codes = dict(schools.values_list("pk", "code"))
    heads: dict[int, set[int]] = {m.pk: set() for m in municipalities}
    for pk, municipality_id in schools.filter(parent__isnull=True).values_list(
        "pk", "municipality_id"
    ):
        heads[municipality_id].add(pk)
    programs = Program.objects.filter(
        municipality__in=municipalities, school__isnull=True, status__in=PUBLIC_PROGRAM_STATUSES
    )
    indicators = _indicator_counts(programs=programs)
    activities = _activity_counts(programs=programs, today=today)
    campaigns = _latest_campaigns(municipalities=municipalities)
    summaries = []
    for m in municipalities:
        names, placed = _categories(lists, m.pk)
        summaries.append(
            Summary(
                municipality=m,
                year=years[m.pk],
                categories=[
                    (name, sum(1 for pk, p in placed.items() if pk in heads[m.pk] and p[0] == name))
                    for name in names
                ],
                clustering_run=lists.clustering[m.pk] if placed else None,
                shnor=len(_shnor_codes(_flags(lists, m.pk), codes, years[m.pk])),
                schools=len(heads[m.pk]),
                indicators=indicators[m.pk],
                activities=activities[m.pk],
                campaigns=campaigns.get(m.pk, []),
                verdicts=_verdict_counts(measures.get(m.pk, [])),
            )
        )
    return summaries


def _no_indicators() -> dict[str, int]:
    return {"achieved": 0, "not_achieved": 0, "no_data": 0}


def _indicator_counts(*, programs: QuerySet[Program]) -> defaultdict[int, dict[str, int]]:
    """Municipality id → its programs' indicators by achievement (zeros for one without)."""
    from opora.programs.selectors import indicator_statuses

    counts: dict[int, dict[str, int]] = defaultdict(_no_indicators)
    # Only what the achievement reads: an indicator's texts are long.
    indicators = (
        Indicator.objects.filter(program__in=programs)
        .only("higher_is_better")
        .annotate(municipality_id=F("program__municipality_id"))
    )
    for indicator, status in indicator_statuses(indicators=indicators):
        counts[indicator.municipality_id][status] += 1
    return counts


def _no_activities() -> dict[str, int]:
    from opora.programs.models import ActivityStatus

    return {**{s: 0 for s in ActivityStatus.values}, "overdue": 0}


def _activity_counts(
    *, programs: QuerySet[Program], today: datetime.date
) -> defaultdict[int, dict[str, int]]:
    """Municipality id → its programs' activities by status, and how many are overdue (zeros
    for one without)."""
    from opora.programs.models import Activity

    counts: dict[int, dict[str, int]] = defaultdict(_no_activities)
    # Only what is_overdue reads: an activity's texts are long and the region has thousands.
    activities = (
        Activity.objects.filter(program__in=programs)
        .only("status", "ends_on")
        .annotate(municipality_id=F("program__municipality_id"))
    )
    for activity in activities:
        found = counts[activity.municipality_id]
        found[activity.status] += 1
        found["overdue"] += activity.is_overdue(today)
    return counts


def _verdict_counts(rows: list[MeasureRow]) -> dict[str, int]:
    verdicts = {eff.EFFECTIVE: 0, eff.INEFFECTIVE: 0, eff.NO_DATA: 0}
    for row in rows:
        for verdict in row.verdicts:
            verdicts[verdict.judgement.verdict] += 1
    return verdicts


LATEST_CAMPAIGNS = 6


def _latest_campaigns(*, municipalities: list[Municipality]) -> dict[int, list[MonitoringCampaign]]:
    """Municipality id → its latest campaigns with the schools in them and those accepted; the
    window keeps the read to what is shown however many campaigns the years have gathered."""
    campaigns = (
        MonitoringCampaign.objects.filter(municipality__in=municipalities)
        .annotate(
            schools_count=Count("submissions", distinct=True),
            accepted_count=Count(
                "submissions",
                filter=Q(submissions__status=SubmissionStatus.ACCEPTED),
                distinct=True,
            ),
            rank=Window(
                RowNumber(),
                partition_by=F("municipality_id"),
                order_by=[F("deadline").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=LATEST_CAMPAIGNS)
        .order_by("-deadline", "-pk")
    )
    found: dict[int, list[MonitoringCampaign]] = {}
    for campaign in campaigns:
        found.setdefault(campaign.municipality_id, []).append(campaign)
    return found


def latest_result_year(*, municipality: Municipality) -> int | None:
    return latest_result_years(municipalities=[municipality]).get(municipality.pk)
