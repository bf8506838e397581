"""Reads of programs, always within the user's scope."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_enter_indicator_value,
    can_issue_order,
    visible_municipalities,
    visible_schools,
    works_with_own_schools,
)
from opora.assessments.models import AssessmentKind
from opora.assessments.selectors import subject_labels
from opora.identification.selectors import supported_schools
from opora.programs.achievement import ACHIEVED, LABELS, NO_DATA, NOT_ACHIEVED, achievement
from opora.programs.models import (
    Activity,
    ActivityStatus,
    Goal,
    Indicator,
    IndicatorScope,
    IndicatorTarget,
    IndicatorValue,
    Order,
    Program,
    SourcePopulation,
    Task,
)
from opora.programs.sources import SOURCES
from opora.registry.models import School


def visible_programs(user: User) -> QuerySet[Program]:
    """Municipal programs of the user's municipalities, and school programs of their schools."""
    if user.is_superuser:
        return Program.objects.all()
    municipal = Program.objects.filter(
        school__isnull=True, municipality__in=visible_municipalities(user)
    )
    return municipal | Program.objects.filter(school__in=visible_schools(user))


def program_list(*, user: User) -> QuerySet[Program]:
    return (
        visible_programs(user)
        .select_related("municipality", "school", "order")
        .order_by("municipality__name", "-start_year", "name")
    )


def program_territories(*, user: User) -> tuple[QuerySet, QuerySet[School]]:
    """Municipalities and schools a new program may be written for (within the user's scope)."""
    return (
        visible_municipalities(user).order_by("name"),
        visible_schools(user).select_related("municipality").order_by("municipality__name", "name"),
    )


def program_get(*, user: User, pk: int) -> Program:
    return get_object_or_404(
        visible_programs(user).select_related("municipality__region", "school", "order"), pk=pk
    )


@dataclass
class IndicatorRow:
    indicator: Indicator
    targets: dict[int, str]
    values: list  # IndicatorValue, oldest first
    latest: object | None
    status: str
    status_label: str


def indicator_rows(*, program: Program) -> list[IndicatorRow]:
    """Each indicator with its targets by year, measured values and whether the latest value
    reached the target of its year."""
    indicators = program.indicators.select_related("school").prefetch_related("targets", "values")
    return [indicator_row(indicator=indicator) for indicator in indicators]


def indicator_row(*, indicator: Indicator) -> IndicatorRow:
    targets = {t.year: t.value for t in indicator.targets.all()}
    values = list(indicator.values.all())
    latest = max(values, key=lambda v: v.measured_on) if values else None
    status = _status(indicator, targets, values)
    return IndicatorRow(indicator, targets, values, latest, status, LABELS[status])


def indicator_statuses(*, indicators: QuerySet[Indicator]) -> list[tuple[Indicator, str]]:
    """Each indicator with the achievement `indicator_row` gives it, from three flat reads:
    prefetching targets and values into every indicator cost most of the region's dashboard."""
    indicators = list(indicators)
    pks = [i.pk for i in indicators]
    targets: dict[int, dict[int, str]] = {pk: {} for pk in pks}
    for pk, year, value in IndicatorTarget.objects.filter(indicator_id__in=pks).values_list(
        "indicator_id", "year", "value"
    ):
        targets[pk][year] = value
    values: dict[int, list] = {pk: [] for pk in pks}
    found = IndicatorValue.objects.filter(indicator_id__in=pks).values_list(
        "indicator_id", "measured_on", "school_id", "value", named=True
    )
    for value in found:
        values[value.indicator_id].append(value)
    return [(i, _status(i, targets[i.pk], values[i.pk])) for i in indicators]


def _status(indicator: Indicator, targets: dict[int, str], values: list) -> str:
    """Achievement of the latest value against the target of its year; for an indicator
    «каждая школа», of each school's latest value: achieved only when every school reached it."""
    latest = {}
    for value in sorted(values, key=lambda v: v.measured_on):
        latest[value.school_id] = value
    statuses = {
        achievement(
            target=targets[value.measured_on.year],
            actual=value.value,
            higher_is_better=indicator.higher_is_better,
        )
        for value in latest.values()
        if value.measured_on.year in targets
    }
    if NOT_ACHIEVED in statuses:
        return NOT_ACHIEVED
    return ACHIEVED if ACHIEVED in statuses else NO_DATA


@dataclass
class RoadmapSection:
    title: str
    activities: list[Activity] = field(default_factory=list)


def roadmap(*, program: Program) -> list[RoadmapSection]:
    """Activities grouped by the section the document puts them in, in the document's order."""
    sections: list[RoadmapSection] = []
    for activity in program.activities.prefetch_related("schools").select_related("task"):
        if not sections or sections[-1].title != activity.section:
            sections.append(RoadmapSection(activity.section))
        sections[-1].activities.append(activity)
    return sections


@dataclass
class RoadmapTask:
    task: Task | None
    activities: list[Activity] = field(default_factory=list)


@dataclass
class RoadmapGoal:
    goal: Goal | None
    tasks: list[RoadmapTask] = field(default_factory=list)


def roadmap_by_risk_factor(*, program: Program) -> list[RoadmapGoal]:
    """Seed 003's layout: risk factor → goal → task → its activities. Empty when no goal of the
    program names a risk factor, so other programs keep their document's sections."""
    goals = list(program.goals.prefetch_related("tasks"))
    if not any(goal.risk_factor for goal in goals):
        return []
    by_task: dict[int | None, list[Activity]] = {}
    for activity in program.activities.prefetch_related("schools"):
        by_task.setdefault(activity.task_id, []).append(activity)
    tree = [
        RoadmapGoal(
            goal, [RoadmapTask(task, by_task.pop(task.pk, [])) for task in goal.tasks.all()]
        )
        for goal in goals
    ]
    unplaced = [activity for activities in by_task.values() for activity in activities]
    if unplaced:
        tree.append(RoadmapGoal(None, [RoadmapTask(None, unplaced)]))
    return tree


def my_activities(*, user: User) -> QuerySet[Activity]:
    """What the user is expected to do: a school team the activities addressed to its school,
    a curator those of the curated schools, a coordinator every open activity of the
    municipality's programs. By end date, so the overdue come first."""
    open_activities = Activity.objects.filter(program__in=visible_programs(user)).exclude(
        status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED]
    )
    if works_with_own_schools(user):
        open_activities = open_activities.filter(schools__in=visible_schools(user)).distinct()
    return open_activities.select_related("program").order_by(
        "ends_on", "program", "position", "pk"
    )


def program_years(*, user: User) -> QuerySet:
    """The years the user's programs start in (a program's later years are plans, not data)."""
    starts = visible_programs(user).exclude(start_year=None).annotate(year=F("start_year"))
    return starts.values_list("year", flat=True).order_by().distinct()


def overdue_activities(*, user: User, today: datetime.date) -> QuerySet[Activity]:
    return my_activities(user=user).filter(ends_on__lt=today)


@dataclass
class PassportChange:
    when: datetime.datetime
    who: object
    field: str
    before: str
    after: str


def passport_changes(*, program: Program) -> list[PassportChange]:
    """Who changed which passport field, when, from what to what: newest first."""
    from opora.programs.models import PASSPORT_FIELDS

    records = list(program.history.order_by("-history_date"))
    changes = []
    for after, before in zip(records, records[1:], strict=False):
        fields = [
            (label, before.passport.get(key, ""), after.passport.get(key, ""))
            for key, label in PASSPORT_FIELDS.items()
        ]
        fields.append(("Статус", before.get_status_display(), after.get_status_display()))
        changes += [
            PassportChange(after.history_date, after.history_user, field, old, new)
            for field, old, new in fields
            if old != new
        ]
    return changes


def order_list(*, user: User) -> QuerySet[Order]:
    """Orders of the user's regions and municipalities, with the programs that cite them."""
    municipalities = visible_municipalities(user)
    regions = municipalities.values("region")
    orders = Order.objects.filter(municipality__in=municipalities) | Order.objects.filter(
        municipality__isnull=True, region__in=regions
    )
    programs = Prefetch("programs", queryset=visible_programs(user))
    return (
        orders.select_related("basis", "municipality").prefetch_related(programs).order_by("-date")
    )


def order_territory(*, user: User) -> tuple | None:
    """Where the user's new orders belong: (region, municipality) for a coordinator,
    (region, None) for a region operator; None for roles that do not record orders."""
    municipality = user.municipality
    if municipality and can_issue_order(
        user, region=municipality.region, municipality=municipality
    ):
        return municipality.region, municipality
    if user.region and can_issue_order(user, region=user.region, municipality=None):
        return user.region, None
    return None


def value_schools(*, user: User, indicator: Indicator) -> QuerySet | None:
    """For an indicator «каждая школа», the schools whose values the user may enter (the
    municipality's for its coordinator, the own school for a school team); None otherwise."""
    if indicator.scope != "each_school":
        return None
    schools = visible_schools(user).filter(municipality_id=indicator.program.municipality_id)
    allowed = [s.pk for s in schools if can_enter_indicator_value(user, indicator, s)]
    return schools.filter(pk__in=allowed)


def indicator_schools(*, indicator: Indicator, year: int) -> QuerySet[School]:
    """The schools an indicator counts in an academic year: its own school, or the
    municipality's schools — all of them or those on the approved list of that year."""
    if indicator.scope == IndicatorScope.SCHOOL:
        return School.objects.filter(pk=indicator.school_id)
    municipality = indicator.program.municipality
    if indicator.source_population == SourcePopulation.ALL:
        return School.objects.filter(municipality=municipality)
    return supported_schools(municipality=municipality, year=year)


def indicator_source_label(indicator: Indicator) -> str:
    """«доля «2» (от числа участников) · ОГЭ · математика · 9 кл.» — what a computed indicator
    counts, in words; empty for an indicator typed in."""
    if indicator.source not in SOURCES:
        return ""
    parts = [SOURCES[indicator.source].title]
    chosen = indicator.source_filter
    if chosen.get("kind"):
        parts.append(AssessmentKind(chosen["kind"]).label)
    if chosen.get("subject"):
        parts.append(subject_labels().get(chosen["subject"], chosen["subject"]))
    if chosen.get("grades"):
        parts.append(", ".join(str(g) for g in chosen["grades"]) + " кл.")
    return " · ".join(parts)
