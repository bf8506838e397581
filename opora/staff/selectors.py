"""Reads of the staff app, always within the user's scope (out of scope: 404)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import (
    route_review_duty,
    visible_municipalities,
    visible_schools,
)
from opora.assessments.models import Subject
from opora.registry.models import Municipality, School
from opora.registry.years import current_academic_year
from opora.staff import indicators
from opora.staff.closure import LABELS, Closure, route_closure
from opora.staff.models import (
    PERIOD_ORDER,
    AtRiskFigure,
    Course,
    Deficit,
    Diagnostic,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    Period,
    Route,
    RouteActivity,
    RouteStatus,
    RouteTemplate,
    Teacher,
)

# The overview's columns: indicator code → short heading.
OVERVIEW_COLUMNS = {
    "staff_diagnosed": "прошли диагностику",
    "staff_route": "реализуют ИОМ",
    "staff_course": "прошли КПК",
    "staff_mentoring": "молодые специалисты с наставником",
    "staff_events": "участвовали в мероприятиях",
    "staff_deficits_closed": "дефициты ИОМ устранены",
    "students_at_risk": "обучающихся с рисками",
    "students_at_risk_plan": "из них с планом сопровождения",
}


def staff_data_years(*, user: User) -> list[int]:
    """Academic years with any staff data in the user's scope, newest first."""
    schools = visible_schools(user)
    years = set(Route.objects.filter(teacher__school__in=schools).values_list("year", flat=True))
    years |= set(AtRiskFigure.objects.filter(school__in=schools).values_list("year", flat=True))
    dates = Diagnostic.objects.filter(teacher__school__in=schools).values_list(
        "taken_on", flat=True
    )
    years |= {current_academic_year(d) for d in dates.order_by().distinct()}
    return sorted(years, reverse=True)


def staff_years(*, user: User, today: datetime.date, also: int | None = None) -> list[int]:
    """The years offered: those with staff data, the current one (to start it) and `also`."""
    years = {*staff_data_years(user=user), current_academic_year(today)}
    return sorted(years | ({also} if also else set()), reverse=True)


def latest_year(*, schools) -> int | None:
    """The latest academic year with an ИОМ, a diagnostic or at-risk figures of these schools."""
    latest = [
        Route.objects.filter(teacher__school__in=schools)
        .order_by("-year")
        .values_list("year", flat=True)
        .first(),
        AtRiskFigure.objects.filter(school__in=schools)
        .order_by("-year")
        .values_list("year", flat=True)
        .first(),
    ]
    last_diagnostic = (
        Diagnostic.objects.filter(teacher__school__in=schools)
        .order_by("-taken_on")
        .values_list("taken_on", flat=True)
        .first()
    )
    if last_diagnostic:
        latest.append(current_academic_year(last_diagnostic))
    years = [y for y in latest if y]
    return max(years) if years else None


def scoped_schools(*, user: User, municipality: str = "") -> QuerySet[School]:
    schools = visible_schools(user).select_related("municipality")
    if municipality:
        schools = schools.filter(municipality__code=municipality)
    return schools.order_by("municipality__name", "short_name")


@dataclass
class OverviewRow:
    school: School
    teachers: int
    shares: dict[str, tuple[float, float] | None]


def overview(*, user: User, year: int, municipality: str = "") -> list[OverviewRow]:
    return overview_rows(schools=scoped_schools(user=user, municipality=municipality), year=year)


def overview_rows(*, schools: QuerySet[School], year: int) -> list[OverviewRow]:
    """Per school: teachers and each figure of OVERVIEW_COLUMNS for the year."""
    schools = list(schools.annotate(teacher_count=Count("teachers", distinct=True)))
    ids = [s.pk for s in schools]
    values = {
        code: indicators.INDICATOR_SOURCES[code][1](school_ids=ids, year=year)
        for code in OVERVIEW_COLUMNS
    }
    return [
        OverviewRow(
            school=s,
            teachers=s.teacher_count,
            shares={code: values[code].get(s.pk) for code in OVERVIEW_COLUMNS},
        )
        for s in schools
    ]


def school_get(*, user: User, code: str) -> School:
    return get_object_or_404(
        visible_schools(user).select_related("municipality__region"), code=code
    )


def teacher_list(*, school: School, year: int) -> QuerySet[Teacher]:
    return (
        school.teachers.prefetch_related("subjects")
        .annotate(
            diagnostic_count=Count("diagnostics", distinct=True),
            route_count=Count(
                "routes",
                filter=Q(routes__year=year) & ~Q(routes__status=RouteStatus.DRAFT),
                distinct=True,
            ),
            mentor_count=Count("mentors", distinct=True),
        )
        .order_by("full_name")
    )


def teacher_get(*, user: User, pk: int) -> Teacher:
    return get_object_or_404(
        Teacher.objects.filter(school__in=visible_schools(user)).select_related(
            "school__municipality"
        ),
        pk=pk,
    )


def route_get(*, user: User, pk: int) -> Route:
    return get_object_or_404(
        Route.objects.filter(teacher__school__in=visible_schools(user)).select_related(
            "teacher__school__municipality", "template"
        ),
        pk=pk,
    )


@dataclass
class ClosureRow:
    deficit: Deficit
    closure: Closure

    @property
    def label(self) -> str:
        return LABELS[self.closure.status]


def route_closure_rows(*, route: Route) -> list[ClosureRow]:
    deficits = list(route.deficits.all())
    findings = indicators.diagnostic_findings(teacher_ids=[route.teacher_id])[route.teacher_id]
    closures = route_closure([d.pk for d in deficits], findings)
    return [ClosureRow(d, c) for d, c in zip(deficits, closures, strict=True)]


@dataclass
class RouteClosureLine:
    route: Route
    rows: list[ClosureRow]

    @property
    def closed(self) -> int:
        return sum(r.closure.status == "closed" for r in self.rows)


def route_closure_list(*, user: User, year: int, municipality: str = "") -> list[RouteClosureLine]:
    return closure_lines(schools=scoped_schools(user=user, municipality=municipality), year=year)


def closure_lines(*, schools: QuerySet[School], year: int) -> list[RouteClosureLine]:
    """Every ИОМ of the year of these schools with its deficits: addressed and closed by a
    diagnostic."""
    routes = (
        Route.objects.filter(teacher__school__in=schools, year=year)
        .select_related("teacher__school")
        .prefetch_related("deficits")
        .order_by("teacher__school__short_name", "teacher__full_name")
    )
    findings = indicators.diagnostic_findings(teacher_ids=[r.teacher_id for r in routes])
    lines = []
    for route in routes:
        deficits = list(route.deficits.all())
        closures = route_closure([d.pk for d in deficits], findings[route.teacher_id])
        lines.append(
            RouteClosureLine(
                route, [ClosureRow(d, c) for d, c in zip(deficits, closures, strict=True)]
            )
        )
    return lines


@dataclass
class MatrixCell:
    with_deficits: int = 0
    diagnosed: int = 0

    @property
    def share(self) -> float | None:
        return 100 * self.with_deficits / self.diagnosed if self.diagnosed else None


@dataclass
class DeficitMatrix:
    subjects: list[Subject]
    rows: list[tuple[School, list[MatrixCell]]]
    totals: list[MatrixCell]
    by_deficit: list[tuple[Deficit, int, int]] = field(default_factory=list)


def deficit_matrix(*, user: User, year: int, municipality: str = "") -> DeficitMatrix:
    return deficit_matrix_of(
        schools=scoped_schools(user=user, municipality=municipality), year=year
    )


def deficit_matrix_of(*, schools: QuerySet[School], year: int) -> DeficitMatrix:
    """Subject × school: of the teachers diagnosed in a subject during the year, how many had
    deficits in their latest diagnostic of it. And by deficit: teachers who have it, and how many
    of them have an ИОМ of the year addressing it."""
    schools = list(schools)
    diagnostics = (
        Diagnostic.objects.filter(
            teacher__school__in=schools, taken_on__range=indicators.year_dates(year)
        )
        .select_related("subject", "teacher")
        .prefetch_related("deficits")
        .order_by("taken_on")
    )
    latest: dict[tuple[int, int | None], Diagnostic] = {}
    for d in diagnostics:
        latest[(d.teacher_id, d.subject_id)] = d  # later ones replace earlier ones
    subjects = sorted(
        {d.subject for d in latest.values() if d.subject}, key=lambda s: (s.position, s.name)
    )
    cells = defaultdict(MatrixCell)
    having = defaultdict(set)  # deficit id → teacher ids
    for (teacher_id, subject_id), d in latest.items():
        found = list(d.deficits.all())
        cell = cells[(d.teacher.school_id, subject_id)]
        cell.diagnosed += 1
        cell.with_deficits += bool(found)
        for deficit in found:
            having[deficit.pk].add(teacher_id)
    rows, totals = [], [MatrixCell() for _ in subjects]
    for school in schools:
        line = [cells.get((school.pk, s.pk), MatrixCell()) for s in subjects]
        if any(c.diagnosed for c in line):
            rows.append((school, line))
        for total, cell in zip(totals, line, strict=True):
            total.diagnosed += cell.diagnosed
            total.with_deficits += cell.with_deficits
    addressed = defaultdict(set)
    for route in (
        Route.objects.filter(teacher__school__in=schools, year=year)
        .exclude(status=RouteStatus.DRAFT)
        .prefetch_related("deficits")
    ):
        for deficit in route.deficits.all():
            addressed[deficit.pk].add(route.teacher_id)
    by_deficit = [
        (deficit, len(having[deficit.pk]), len(having[deficit.pk] & addressed[deficit.pk]))
        for deficit in Deficit.objects.all()
        if having[deficit.pk]
    ]
    return DeficitMatrix(subjects, rows, totals, by_deficit)


def municipality_choices(*, user: User) -> QuerySet[Municipality]:
    return visible_municipalities(user).order_by("name")


def course_list(*, user: User) -> QuerySet[Course]:
    return (
        Course.objects.filter(municipality__in=visible_municipalities(user))
        .select_related("municipality")
        .prefetch_related("deficits")
        .annotate(
            completed=Count(
                "completions",
                filter=Q(completions__teacher__school__in=visible_schools(user)),
                distinct=True,
            )
        )
        .order_by("-starts_on", "title")
    )


def course_get(*, user: User, pk: int) -> Course:
    return get_object_or_404(
        Course.objects.filter(municipality__in=visible_municipalities(user)).select_related(
            "municipality"
        ),
        pk=pk,
    )


def pair_list(*, user: User) -> QuerySet[MentoringPair]:
    schools = visible_schools(user)
    return (
        MentoringPair.objects.filter(Q(mentor__school__in=schools) | Q(mentee__school__in=schools))
        .select_related("mentor__school", "mentee__school")
        .distinct()
        .order_by("-starts_on")
    )


def association_list(*, user: User) -> QuerySet[MethodicalAssociation]:
    return (
        MethodicalAssociation.objects.filter(municipality__in=visible_municipalities(user))
        .select_related("municipality", "subject", "leader__school")
        .annotate(event_count=Count("events", distinct=True))
        .order_by("municipality__name", "name")
    )


def association_get(*, user: User, pk: int) -> MethodicalAssociation:
    return get_object_or_404(
        MethodicalAssociation.objects.filter(
            municipality__in=visible_municipalities(user)
        ).select_related("municipality"),
        pk=pk,
    )


def association_leaders(*, municipalities) -> QuerySet[Teacher]:
    """Teachers who may lead an association: those of the municipalities where it is run."""
    return (
        Teacher.objects.filter(school__municipality__in=municipalities)
        .select_related("school")
        .order_by("school__short_name", "full_name")
    )


def event_list(*, user: User) -> QuerySet[MethodicalEvent]:
    return (
        MethodicalEvent.objects.filter(municipality__in=visible_municipalities(user))
        .select_related("municipality", "host_school", "association")
        .annotate(attended=Count("participants", distinct=True))
        .order_by("-held_on")
    )


def event_get(*, user: User, pk: int) -> MethodicalEvent:
    return get_object_or_404(
        MethodicalEvent.objects.filter(municipality__in=visible_municipalities(user))
        .select_related("municipality", "host_school", "association")
        .prefetch_related(
            Prefetch("participants", queryset=Teacher.objects.select_related("school"))
        ),
        pk=pk,
    )


def event_attendees(*, user: User, event: MethodicalEvent) -> QuerySet[Teacher]:
    """Teachers the user sees among the event's municipality, for marking attendance."""
    return (
        Teacher.objects.filter(
            school__in=visible_schools(user), school__municipality=event.municipality
        )
        .select_related("school")
        .order_by("school__short_name", "full_name")
    )


def visible_participants(*, user: User, event: MethodicalEvent) -> list[Teacher]:
    """Attendance as far as the user sees schools: a school team sees its own teachers only."""
    schools = set(visible_schools(user).values_list("pk", flat=True))
    return [t for t in event.participants.all() if t.school_id in schools]


def templates_for(*, municipality: Municipality) -> QuerySet[RouteTemplate]:
    return RouteTemplate.objects.filter(municipality=municipality).prefetch_related("deficits")


def at_risk_list(*, school: School) -> list[AtRiskFigure]:
    figures = school.at_risk_figures.select_related("subject")
    return sorted(
        figures,
        key=lambda f: (-f.year, PERIOD_ORDER[f.period], f.grade or 0, f.subject_id or 0),
    )


def _total(rows: list[AtRiskFigure], name: str) -> int | None:
    """A sum that stays unknown when any of its rows does not know the figure."""
    values = [getattr(r, name) for r in rows]
    return None if None in values else sum(values)


@dataclass
class AtRiskLine:
    school: School
    # per period: students, at risk, with a plan, improved (None when not known)
    cells: list[tuple[int, int, int, int | None] | None]


def at_risk_overview(
    *, user: User, municipality: str = ""
) -> tuple[list[tuple[int, str]], list[AtRiskLine]]:
    return at_risk_table(schools=scoped_schools(user=user, municipality=municipality))


def at_risk_table(*, schools: QuerySet[School]) -> tuple[list[tuple[int, str]], list[AtRiskLine]]:
    """Per school and period (year, period label): students, at risk, with a plan, improved —
    from the rows that stand for the school (whole school, all subjects; else its grades)."""
    schools = list(schools)
    figures = AtRiskFigure.objects.filter(school__in=schools, subject__isnull=True)
    grouped = defaultdict(list)
    for f in figures:
        grouped[(f.school_id, f.year, f.period)].append(f)
    keys = sorted({(y, p) for _, y, p in grouped}, key=lambda k: (k[0], PERIOD_ORDER[k[1]]))
    lines = []
    for school in schools:
        cells = []
        for year, period in keys:
            rows = grouped.get((school.pk, year, period))
            if rows:
                rows = [r for r in rows if r.grade is None] or rows
                fields = ("students", "at_risk", "with_plan", "improved")
                cells.append(tuple(_total(rows, f) for f in fields))
            else:
                cells.append(None)
        if any(cells):
            lines.append(AtRiskLine(school, cells))
    return [(y, Period(p).label) for y, p in keys], lines


def routes_awaiting_review(*, user: User) -> QuerySet[Route]:
    """ИОМ not yet completed that the user's side (the methodist, the school) has not reviewed."""
    role = route_review_duty(user)
    if role is None:
        return Route.objects.none()
    return (
        Route.objects.filter(teacher__school__in=visible_schools(user))
        .exclude(status=RouteStatus.COMPLETED)
        .exclude(reviews__role=role)
        .select_related("teacher__school")
        .order_by("-year", "teacher__school__short_name", "teacher__full_name")
    )


def overdue_route_activities(*, user: User, today: datetime.date) -> QuerySet[RouteActivity]:
    """Activities of ИОМ in progress whose end date has passed without a mark of completion;
    asked of those who follow ИОМ (the methodist, the school team)."""
    if route_review_duty(user) is None:
        return RouteActivity.objects.none()
    return (
        RouteActivity.objects.filter(
            route__teacher__school__in=visible_schools(user),
            ends_on__lt=today,
            completed_on__isnull=True,
        )
        .exclude(route__status=RouteStatus.COMPLETED)
        .select_related("route__teacher__school")
        .order_by("ends_on", "pk")
    )
