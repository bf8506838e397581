"""Reads for identification: the frames the engine works on, runs and their comparison."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import F, FloatField, Max, Q, QuerySet
from django.db.models.functions import Cast

from opora.accounts.models import User
from opora.accounts.permissions import (
    rule_sets_offered,
    visible_municipalities,
    visible_schools,
)
from opora.assessments.models import SchoolResult
from opora.assessments.selectors import results_frame
from opora.columnar import read_frame
from opora.identification import engine, peers
from opora.identification.models import (
    IdentificationRun,
    RuleSet,
    RunStatus,
    Verdict,
    WarningEntry,
    WarningRun,
)
from opora.identification.rules import (
    ANALYSIS_KINDS,
    CLUSTERING,
    COMPARABLE_SCHOOLS,
    LOW_RESULTS,
    SOCIAL_INDEX,
    rule_from_params,
)
from opora.registry.models import ContextIndicator, ContextValue, Municipality, School
from opora.registry.years import latest_up_to, year_in_view


def context_frame(*, schools: QuerySet[School], before_year: int) -> pl.DataFrame:
    """The latest value of each context figure of each school from years before `before_year`."""
    schema = {"school_code": pl.String, "indicator": pl.String, "value": pl.Float64}
    values = read_frame(
        ContextValue.objects.filter(school__in=schools, year__lt=before_year, number__isnull=False)
        .order_by("school__code", "indicator__code", "-year")
        .annotate(value=Cast("number", FloatField()))
        .values_list("school__code", "indicator__code", "value"),
        schema,
    )
    # Registry facts that rules read like context figures (seed 003: «малочисленная школа»).
    small = read_frame(
        schools.values_list("code", "is_small"), {"school_code": pl.String, "value": pl.Float64}
    ).select("school_code", indicator=pl.lit("is_small"), value="value")
    frame = pl.concat([values, small])
    return frame.unique(subset=["school_code", "indicator"], keep="first", maintain_order=True)


def indicator_labels() -> dict[str, str]:
    return {
        "is_small": "малокомплектная школа",
        **dict(ContextIndicator.objects.values_list("code", "name")),
    }


def visible_rule_sets(*, user: User) -> QuerySet[RuleSet]:
    """Every version of the rule sets offered to the user: built-in, their region's, and their
    municipality's variants."""
    return rule_sets_offered(user, RuleSet.objects.all())


def rule_set_list(*, user: User) -> QuerySet[RuleSet]:
    """The latest version of each rule set offered to the user."""
    rule_sets = visible_rule_sets(user=user).exclude(kind__in=ANALYSIS_KINDS)
    latest = {}
    for rule_set in rule_sets.order_by("code", "-version"):
        latest.setdefault(rule_set.code, rule_set)
    return (
        RuleSet.objects.filter(pk__in=[r.pk for r in latest.values()])
        .select_related("region", "municipality")
        .order_by("code")
    )


def run_list(*, user: User) -> QuerySet[IdentificationRun]:
    municipalities = visible_municipalities(user)
    regions = municipalities.values("region")
    runs = IdentificationRun.objects.filter(municipality__in=municipalities)
    if user.is_superuser or user.region_id:
        runs = runs | IdentificationRun.objects.filter(
            municipality__isnull=True, region__in=regions
        )
    return runs.select_related("rule_set", "region", "municipality", "created_by")


def run_verdicts(*, user: User, run: IdentificationRun) -> QuerySet[Verdict]:
    """The run's verdicts for the schools the user may see, flagged first."""
    return (
        run.verdicts.filter(school__in=visible_schools(user))
        .select_related("school__municipality")
        .order_by("-flagged", "school__municipality__name", "school__short_name")
    )


def previous_run(*, run: IdentificationRun) -> IdentificationRun | None:
    """The latest earlier run of the same rule (any version, or a variant of the same built-in
    rule) over the same territory."""
    family = run.rule_set.derived_from or run.rule_set
    return (
        IdentificationRun.objects.filter(
            Q(rule_set__code=family.code) | Q(rule_set__derived_from=family),
            region=run.region,
            municipality=run.municipality,
            created_at__lt=run.created_at,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass
class ListChange:
    school: School
    before: str  # the category, or «в списке» / «не в списке» for a plain rule
    after: str
    reasons: list[str]  # why the school is where it is now, then why it was where it was

    @property
    def entered(self) -> bool:
        return self.after != NOT_LISTED and self.before == NOT_LISTED


NOT_LISTED = "не в списке"


def _placement(verdict: Verdict) -> str:
    if verdict.category:
        return verdict.category
    return "в списке" if verdict.flagged else NOT_LISTED


def run_changes(
    *, user: User, run: IdentificationRun, before: IdentificationRun
) -> list[ListChange]:
    """Schools whose place changed since an earlier run (entered, left, moved between
    categories), with the reasons now and then."""
    then = {v.school_id: v for v in run_verdicts(user=user, run=before)}
    changes = []
    for verdict in run_verdicts(user=user, run=run):
        earlier = then.get(verdict.school_id)
        was = _placement(earlier) if earlier else NOT_LISTED
        now = _placement(verdict)
        if was != now:
            reasons = [f"теперь: {r}" for r in verdict.reasons]
            reasons += [f"раньше: {r}" for r in earlier.reasons] if earlier else []
            changes.append(
                ListChange(school=verdict.school, before=was, after=now, reasons=reasons)
            )
    return sorted(changes, key=lambda c: (not c.entered, c.school.short_name))


def category_counts(*, user: User, run: IdentificationRun) -> list[tuple[str, int]]:
    """How many schools fell in each category of a clustering, in the clustering's order."""
    order = [c["name"] for c in run.params.get("categories", [])]
    counts = Counter(v.category for v in run_verdicts(user=user, run=run))
    return [(name, counts[name]) for name in order] + (
        [("без категории", counts[""])] if counts[""] else []
    )


def next_identification_year(*, user: User, year: int) -> int:
    """The year a list would be drawn up for, working in academic year `year`: the one after the
    latest results in scope up to `year` (a list for Y is made from the results of Y − 1)."""
    latest = SchoolResult.objects.filter(
        school__in=visible_schools(user), year__lte=year
    ).aggregate(y=Max("year"))["y"]
    return latest + 1 if latest else year


# --- The approved list of a year ---------------------------------------------------------------

SHNOR_WORD = "ШНОР"
# The kinds of rule whose approved runs are the lists a municipality works with: who is in ШНОР
# (a rule of low results, or a clustering with a category naming ШНОР), who is in ШНСУ, and the
# categories of a clustering.
LIST_KINDS = (LOW_RESULTS, SOCIAL_INDEX, CLUSTERING)


def _is_shnor_run(run: IdentificationRun) -> bool:
    kind = run.rule_set.kind
    return kind == LOW_RESULTS or (
        kind == CLUSTERING
        and any(SHNOR_WORD in c["name"] for c in run.params.get("categories", []))
    )


@dataclass
class ApprovedList:
    """The lists in force for a municipality in an academic year: of each kind (ШНОР, ШНСУ,
    clustering) the run approved by order for that year or, when the year has none yet, for the
    latest earlier year. A draft never enters: it is only named, as a draft. Programs, risk
    profiles, monitoring, dashboards, the annual report and the public page all read this."""

    year: int
    shnor_run: IdentificationRun | None = None
    shnsu_run: IdentificationRun | None = None
    clustering_run: IdentificationRun | None = None
    # run id → its verdicts on the municipality's schools (a region's run covers others too)
    verdicts: dict[int, list[Verdict]] = field(default_factory=dict)

    @property
    def runs(self) -> list[IdentificationRun]:
        found = [self.shnor_run, self.shnsu_run, self.clustering_run]
        return list({r.pk: r for r in found if r}.values())

    @property
    def category(self) -> str:
        """What the list is called: «ШНОР», «ШНОР, ШНСУ», or empty without a list."""
        return ", ".join(r.rule_set.category for r in (self.shnor_run, self.shnsu_run) if r)

    @property
    def orders(self) -> list:
        return list({r.order_id: r.order for r in self.runs}.values())

    @property
    def shnor_ids(self) -> set[int]:
        run = self.shnor_run
        if run is None:
            return set()
        if run.rule_set.kind == CLUSTERING:
            return {v.school_id for v in self.verdicts[run.pk] if SHNOR_WORD in v.category}
        return {v.school_id for v in self.verdicts[run.pk] if v.flagged}

    @property
    def school_ids(self) -> set[int]:
        """The schools supported: in ШНОР or in ШНСУ."""
        shnsu = self.shnsu_run
        flagged = {v.school_id for v in self.verdicts[shnsu.pk] if v.flagged} if shnsu else set()
        return self.shnor_ids | flagged

    def categories(self) -> tuple[list[str], dict[int, tuple[str, list[str]]]]:
        """The clustering's category names in order and school id → (category, reasons)."""
        run = self.clustering_run
        if run is None:
            return [], {}
        names = [c["name"] for c in run.params.get("categories", [])]
        return names, {v.school_id: (v.category, v.reasons) for v in self.verdicts[run.pk]}

    def members(self, run: IdentificationRun) -> list[Verdict]:
        """The verdicts of the schools a run of the list puts in it (for a clustering, in one
        of its categories), by name."""
        return sorted(
            (v for v in self.verdicts[run.pk] if v.flagged), key=lambda v: v.school.short_name
        )


def _approved_runs(municipalities: list[Municipality]) -> dict[int, list[IdentificationRun]]:
    """Municipality id → the approved list runs over it or over its whole region."""
    runs = list(
        IdentificationRun.objects.filter(status=RunStatus.APPROVED, rule_set__kind__in=LIST_KINDS)
        .filter(
            Q(municipality__in=municipalities)
            | Q(municipality__isnull=True, region__in={m.region_id for m in municipalities})
        )
        .select_related("rule_set", "order")
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


def _latest(runs: list[IdentificationRun]) -> IdentificationRun | None:
    return max(runs, key=lambda r: (r.year, r.approved_at), default=None)


def _pick(runs: list[IdentificationRun], year: int) -> ApprovedList:
    return ApprovedList(
        year=year,
        shnor_run=_latest([r for r in runs if _is_shnor_run(r)]),
        shnsu_run=_latest([r for r in runs if r.rule_set.kind == SOCIAL_INDEX]),
        clustering_run=_latest([r for r in runs if r.rule_set.kind == CLUSTERING]),
    )


def _read_verdicts(lists: list[tuple[Municipality, ApprovedList]]) -> None:
    """Fill each list's verdicts on its municipality's schools, in one query for all."""
    wanted = {(run.pk, m.pk): found for m, found in lists for run in found.runs}
    for found in {id(f): f for _, f in lists}.values():
        found.verdicts = {run.pk: [] for run in found.runs}
    if not wanted:
        return
    verdicts = (
        Verdict.objects.filter(
            run_id__in={run for run, _ in wanted},
            school__municipality__in={m.pk for m, _ in lists},
        )
        .select_related("school")
        .annotate(municipality_id=F("school__municipality_id"))
    )
    for verdict in verdicts:
        found = wanted.get((verdict.run_id, verdict.municipality_id))
        if found is not None:  # a region's run is in force for one municipality, not another
            found.verdicts[verdict.run_id].append(verdict)


def approved_lists(
    *, municipalities: list[Municipality], years: dict[int, int]
) -> dict[int, ApprovedList]:
    """Municipality id → its approved list in force in its year (`years`: municipality id →
    year), read in a few queries whatever the number of municipalities."""
    runs = _approved_runs(municipalities)
    lists = {
        m.pk: _pick([r for r in runs[m.pk] if r.year <= years[m.pk]], years[m.pk])
        for m in municipalities
    }
    _read_verdicts([(m, lists[m.pk]) for m in municipalities])
    return lists


def approved_list(*, municipality: Municipality, year: int) -> ApprovedList:
    """The municipality's approved list in force in academic year `year`."""
    return approved_lists(municipalities=[municipality], years={municipality.pk: year})[
        municipality.pk
    ]


def approved_list_history(*, municipality: Municipality) -> dict[int, ApprovedList]:
    """Year → the lists approved for that very year (no carrying over), for every year that has
    one, latest first: the history of a school in the lists and the public page."""
    runs = _approved_runs([municipality])[municipality.pk]
    years = sorted({r.year for r in runs}, reverse=True)
    history = {year: _pick([r for r in runs if r.year == year], year) for year in years}
    _read_verdicts([(municipality, found) for found in history.values()])
    return history


def draft_runs(*, municipality: Municipality, years: list[int]) -> list[IdentificationRun]:
    """Runs of the years over the municipality (or its region) that are drafts in a year with
    no list of their kind approved: shown as «черновик, не утверждён», never counted."""
    runs = list(
        IdentificationRun.objects.filter(rule_set__kind__in=LIST_KINDS, year__in=years)
        .filter(
            Q(municipality=municipality)
            | Q(municipality__isnull=True, region_id=municipality.region_id)
        )
        .select_related("rule_set")
        .order_by("-year", "-created_at")
    )
    approved = {(r.year, r.rule_set.kind) for r in runs if r.status == RunStatus.APPROVED}
    return [
        r for r in runs if r.status == RunStatus.DRAFT and (r.year, r.rule_set.kind) not in approved
    ]


def list_years(*, user: User) -> QuerySet:
    """The years lists were drawn up for (approved or draft) over the user's territory."""
    years = run_list(user=user).filter(rule_set__kind__in=LIST_KINDS).values_list("year", flat=True)
    return years.order_by().distinct()


def supported_schools(*, municipality: Municipality, year: int) -> QuerySet[School]:
    """The municipality's schools on its approved list in force in `year` (ШНОР and ШНСУ)."""
    return School.objects.filter(
        pk__in=approved_list(municipality=municipality, year=year).school_ids
    )


# --- Comparable schools, fair change and the risk group ------------------------------------------


def analysis_rule(*, kind: str, region) -> RuleSet:
    """The latest version of the region's own parameters of `kind`, else of the built-in ones."""
    rule_sets = RuleSet.objects.filter(kind=kind, municipality__isnull=True).filter(
        Q(region=region) | Q(region__isnull=True)
    )
    found = rule_sets.order_by(F("region").desc(nulls_last=True), "-version").first()
    if found is None:
        raise RuleSet.DoesNotExist(f"Нет правила вида «{kind}»")
    return found


def list_rule_sets(*, user: User) -> QuerySet[RuleSet]:
    """Rule sets a warning can be about: the low-results lists (ШНОР)."""
    return rule_set_list(user=user).filter(kind=LOW_RESULTS)


def schools_frame(*, schools: QuerySet[School], year: int) -> pl.DataFrame:
    """What comparable schools are chosen by: region, type, urban/rural and the social-context
    index of the region's ШНСУ rule from figures known before `year` ends (null without them)."""
    frame = read_frame(
        schools.values_list("code", "municipality__region__name", "school_type", "is_rural"),
        {
            "school_code": pl.String,
            "region": pl.String,
            "school_type": pl.String,
            "is_rural": pl.Boolean,
        },
    )
    regions = frame["region"].unique().to_list()
    indices = []
    for region in regions:
        rule_set = (
            RuleSet.objects.filter(kind=SOCIAL_INDEX, municipality__isnull=True)
            .filter(Q(region__name=region) | Q(region__isnull=True))
            .order_by(F("region").desc(nulls_last=True), "code", "-version")
            .first()
        )
        if rule_set is None:
            continue
        in_region = schools.filter(municipality__region__name=region)
        indices.append(
            engine.social_index(
                context_frame(schools=in_region, before_year=year + 1),
                rule=rule_from_params(SOCIAL_INDEX, rule_set.params),
                schools=frame.filter(pl.col("region") == region)["school_code"].to_list(),
            ).select("school_code", social_index="index")
        )
    index = (
        pl.concat(indices)
        if indices
        else pl.DataFrame(schema={"school_code": pl.String, "social_index": pl.Float64})
    )
    return frame.join(index, on="school_code", how="left")


@dataclass
class FairChange:
    """A school's change against comparable schools, for the school page."""

    school: School
    year: int
    base_year: int
    rule_set: RuleSet
    rule: peers.PeerRule
    rows: list[dict]  # one per metric: the columns of peers.fair_change
    group_label: str
    group_size: int
    criteria_dropped: list[str]
    peers_shown: list[School]  # the peers the user may see
    peers_hidden: int  # the others, counted only
    verdict: str
    verdict_reasons: list[str]


def school_fair_change(*, user: User, school: School, year: int | None = None) -> FairChange | None:
    """The school's change from the year before `year` (default: its latest year with results
    up to the year in view) against comparable schools of its region; None without two years of
    results. Peers' figures enter only as a group total; their names are shown where the user
    may see them."""
    years = sorted(set(SchoolResult.objects.filter(school=school).values_list("year", flat=True)))
    if year is None:
        year = latest_up_to(year_in_view(user), years) or (years[-1] if years else None)
    if year is None or year - 1 not in years or year not in years:
        return None
    base_year = year - 1
    rule_set = analysis_rule(kind=COMPARABLE_SCHOOLS, region=school.municipality.region)
    rule = peers.PeerRule.from_params(rule_set.params)
    region_schools = School.objects.filter(municipality__region=school.municipality.region_id)
    results = results_frame(schools=region_schools, years=[base_year, year])
    frame = schools_frame(schools=region_schools, year=base_year)
    fair = peers.fair_change(frame, results, rule=rule, year=year, only=[school.code])
    groups = peers.comparable_groups(frame, results, rule=rule, year=base_year)
    own = groups.filter(pl.col("school_code") == school.code).row(0, named=True)
    members = peers.group_members(frame, results, rule=rule, year=base_year)
    peer_codes = set(members.filter(pl.col("group_key") == own["group_key"])["school_code"]) - {
        school.code
    }
    shown = list(visible_schools(user).filter(code__in=peer_codes).order_by("short_name"))
    verdict, verdict_reasons = peers.fair_change_verdict(fair, school_code=school.code)
    return FairChange(
        school=school,
        year=year,
        base_year=base_year,
        rule_set=rule_set,
        rule=rule,
        rows=fair.to_dicts(),
        group_label=own["group_label"],
        group_size=own["group_size"],
        criteria_dropped=list(own["criteria_dropped"]),
        peers_shown=shown,
        peers_hidden=len(peer_codes) - len(shown),
        verdict=verdict,
        verdict_reasons=verdict_reasons,
    )


def warning_run_list(*, user: User) -> QuerySet[WarningRun]:
    municipalities = visible_municipalities(user)
    runs = WarningRun.objects.filter(municipality__in=municipalities)
    if user.is_superuser or user.region_id:
        runs = runs | WarningRun.objects.filter(
            municipality__isnull=True, region__in=municipalities.values("region")
        )
    return runs.select_related("rule_set", "warning_rule", "region", "municipality", "created_by")


def warning_entries(
    *, user: User, run: WarningRun, municipality: str = "", warned_only: bool = True
) -> QuerySet[WarningEntry]:
    """The run's schools the user may see (of one municipality if given), most likely first."""
    entries = run.entries.filter(school__in=visible_schools(user))
    if municipality:
        entries = entries.filter(school__municipality__code=municipality)
    if warned_only:
        entries = entries.filter(warned=True)
    return entries.select_related("school__municipality").order_by(
        F("rank").asc(nulls_last=True), F("probability").desc(nulls_last=True), "school__short_name"
    )


def warning_municipality_counts(*, user: User, run: WarningRun) -> list[tuple[Any, int]]:
    """How many warned schools each municipality of the run has (for a region's run)."""
    counts = Counter(e.school.municipality for e in warning_entries(user=user, run=run))
    return sorted(counts.items(), key=lambda item: item[0].name)


def municipality_fair_verdicts(*, municipality, year: int, codes: list[str]) -> pl.DataFrame:
    """For the listed schools of a municipality: school_code, verdict, reasons — each school's
    change from `year − 1` against comparable schools of its region. The caller has checked the
    user's scope; peers enter only as group figures."""
    return peers.fair_change_verdicts(
        fair_change_frame(municipality=municipality, year=year, codes=codes)
    )


def fair_change_frame(*, municipality, year: int, codes: list[str]) -> pl.DataFrame:
    """peers.fair_change for the listed schools, from `year − 1` to `year`, within the region."""
    region = municipality.region
    rule = peers.PeerRule.from_params(analysis_rule(kind=COMPARABLE_SCHOOLS, region=region).params)
    region_schools = School.objects.filter(municipality__region=region)
    results = results_frame(schools=region_schools, years=[year - 1, year])
    frame = schools_frame(schools=region_schools, year=year - 1)
    return peers.fair_change(frame, results, rule=rule, year=year, only=codes)
