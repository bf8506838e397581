"""Reads of the risks app, always within the user's scope (schools outside it are 404)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import Role, User
from opora.accounts.permissions import visible_municipalities, visible_schools
from opora.programs.models import Program
from opora.programs.selectors import visible_programs
from opora.registry.models import Municipality, School
from opora.risks import levels
from opora.risks.models import (
    Answer,
    CuratorAssignment,
    Notification,
    Partnership,
    ProfileFactor,
    Question,
    ReviewComment,
    ReviewDecision,
    RiskFactor,
    RiskProfile,
    SchoolProgram,
    Visit,
)


def factors_of(year: int) -> list[RiskFactor]:
    return [f for f in RiskFactor.objects.all() if f.is_valid_in(year)]


def profile_get(*, user: User, school_code: str, year: int) -> RiskProfile:
    return get_object_or_404(
        RiskProfile.objects.filter(school__in=visible_schools(user)).select_related(
            "school__municipality", "verified_by"
        ),
        school__code=school_code,
        year=year,
    )


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    points: int | None


@dataclass
class FactorBlock:
    factor: RiskFactor
    row: ProfileFactor | None
    questions: list[QuestionRow]
    before: ProfileFactor | None = None  # the same factor in the previous year's profile
    change: str = ""  # worse / better / same


def questionnaire(*, profile: RiskProfile) -> list[FactorBlock]:
    """The questionnaire grouped by factor, with answers, points and the factor's level, and
    the comparison with the school's profile of the year before."""
    answers = {a.question_id: a for a in profile.answers.all()}
    rows = {r.factor_id: r for r in profile.factors.all()}
    before = previous_profile(profile=profile)
    before_rows = {r.factor_id: r for r in before.factors.all()} if before else {}
    blocks = []
    for factor in RiskFactor.objects.prefetch_related("questions"):
        if not factor.is_valid_in(profile.year):
            continue
        questions = []
        for question in factor.questions.all():
            answer = answers.get(question.pk)
            points = levels.question_points(question.threshold(), answer.number if answer else None)
            questions.append(QuestionRow(question, answer, points))
        row, earlier = rows.get(factor.pk), before_rows.get(factor.pk)
        change = levels.level_change(earlier.level if earlier else "", row.level if row else "")
        blocks.append(FactorBlock(factor, row, questions, earlier, change))
    return blocks


def previous_profile(*, profile: RiskProfile) -> RiskProfile | None:
    return (
        RiskProfile.objects.filter(school=profile.school, year__lt=profile.year)
        .order_by("-year")
        .first()
    )


@dataclass
class HeatCell:
    level: str
    label: str
    is_priority: bool
    change: str


@dataclass
class HeatRow:
    school: School
    profile: RiskProfile | None
    cells: list[HeatCell]


@dataclass
class LevelCount:
    factor: RiskFactor
    counts: dict[str, int]
    before: dict[str, int] | None
    changes: dict[str, int] = field(default_factory=dict)


@dataclass
class HeatMap:
    year: int
    factors: list[RiskFactor]
    rows: list[HeatRow]
    totals: list[LevelCount]
    has_previous: bool


def profile_years(*, user: User, municipality: Municipality | None = None) -> list[int]:
    profiles = RiskProfile.objects.filter(school__in=visible_schools(user))
    if municipality:
        profiles = profiles.filter(school__municipality=municipality)
    return sorted(set(profiles.values_list("year", flat=True)), reverse=True)


def heat_map(*, user: User, municipality: Municipality, year: int) -> HeatMap:
    """The heat map of the municipality's schools the user sees."""
    schools = visible_schools(user).filter(municipality=municipality)
    return schools_heat_map(schools=schools, year=year)


def schools_heat_map(*, schools: QuerySet[School], year: int) -> HeatMap:
    """Schools × risk factors coloured by level for the year, the number of schools at each
    level per factor, and the change of those numbers since the year before. The caller has
    checked that the user may see these schools."""
    schools = schools.order_by("short_name")
    factors = factors_of(year)
    levels_now = _levels(schools, year)
    levels_before = _levels(schools, year - 1)
    profiles = {p.school_id: p for p in RiskProfile.objects.filter(school__in=schools, year=year)}
    rows = []
    for school in schools:
        cells = []
        for factor in factors:
            now = levels_now.get((school.pk, factor.pk))
            before = levels_before.get((school.pk, factor.pk))
            level = now.level if now else ""
            cells.append(
                HeatCell(
                    level=level,
                    label=now.get_level_display() if now and level else "",
                    is_priority=bool(now and now.is_priority),
                    change=levels.level_change(before.level if before else "", level),
                )
            )
        rows.append(HeatRow(school, profiles.get(school.pk), cells))
    has_previous = bool(levels_before)
    totals = []
    for factor in factors:
        counts = Counter(r.level for (_, f), r in levels_now.items() if f == factor.pk and r.level)
        before = (
            Counter(r.level for (_, f), r in levels_before.items() if f == factor.pk and r.level)
            if has_previous
            else None
        )
        total = LevelCount(factor, {k: counts.get(k, 0) for k in levels.ORDER}, None)
        if before is not None:
            total.before = {k: before.get(k, 0) for k in levels.ORDER}
            total.changes = {k: total.counts[k] - total.before[k] for k in levels.ORDER}
        totals.append(total)
    return HeatMap(year, factors, rows, totals, has_previous)


def _levels(schools: QuerySet[School], year: int) -> dict[tuple[int, int], ProfileFactor]:
    rows = ProfileFactor.objects.filter(profile__school__in=schools, profile__year=year)
    return {(r.profile.school_id, r.factor_id): r for r in rows.select_related("profile")}


@dataclass
class SchoolRiskPage:
    school: School
    profiles: list[RiskProfile]
    latest_blocks: list[FactorBlock]
    programs: list[Program]
    links: dict[int, SchoolProgram]
    assignments: list[CuratorAssignment]
    visits: list[Visit]
    decisions: list[ReviewDecision]
    partnerships: list[Partnership]


def school_page(*, user: User, school: School) -> SchoolRiskPage:
    """A school's profile, programs and curators' history in one place."""
    profiles = list(school.risk_profiles.prefetch_related("factors__factor").order_by("-year"))
    programs = list(
        visible_programs(user)
        .filter(school=school)
        .select_related("school")
        .order_by("-start_year", "kind", "name")
    )
    links = {
        link.program_id: link
        for link in SchoolProgram.objects.filter(program__in=programs).select_related("factor")
    }
    return SchoolRiskPage(
        school=school,
        profiles=profiles,
        latest_blocks=questionnaire(profile=profiles[0]) if profiles else [],
        programs=programs,
        links=links,
        assignments=list(
            CuratorAssignment.objects.filter(school=school).select_related("curator", "assigned_by")
        ),
        visits=list(Visit.objects.filter(school=school).select_related("curator")),
        decisions=list(
            ReviewDecision.objects.filter(program__in=programs).select_related("program", "user")
        ),
        partnerships=list(
            Partnership.objects.filter(Q(leader=school) | Q(partner=school))
            .select_related("leader", "partner")
            .prefetch_related("plan")
        ),
    )


def school_program_get(*, user: User, pk: int) -> Program:
    """A school's program (концепция, среднесрочная, антирисковая) within the user's scope."""
    return get_object_or_404(
        visible_programs(user)
        .filter(school__isnull=False)
        .select_related("school__municipality", "risk_link__factor", "risk_link__profile"),
        pk=pk,
    )


def review_thread(*, program: Program) -> list:
    """Decisions and comments of a program's review, oldest first, as one conversation."""
    items = [
        *program.review_decisions.select_related("user"),
        *program.review_comments.select_related("author", "activity"),
    ]
    return sorted(items, key=lambda item: (item.created, item.pk))


def open_comments(*, program: Program) -> QuerySet[ReviewComment]:
    return program.review_comments.filter(resolved=False).select_related("activity", "author")


def notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def unread_count(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def assignments(*, user: User, municipality: Municipality) -> QuerySet[CuratorAssignment]:
    return (
        CuratorAssignment.objects.filter(
            school__in=visible_schools(user).filter(municipality=municipality)
        )
        .select_related("curator", "school", "assigned_by")
        .order_by("school__short_name", "-assigned_on")
    )


def curator_candidates(*, user: User, municipality: Municipality) -> QuerySet[User]:
    """Curators the municipality can assign: those already working in it and those not yet
    assigned anywhere (new accounts made by the administrator)."""
    return (
        User.objects.filter(role=Role.CURATOR, is_active=True)
        .filter(Q(curated_schools__municipality=municipality) | Q(curated_schools__isnull=True))
        .distinct()
        .order_by("last_name", "username")
    )


def partnerships(*, user: User) -> QuerySet[Partnership]:
    schools = visible_schools(user)
    return (
        Partnership.objects.filter(Q(leader__in=schools) | Q(partner__in=schools))
        .select_related("leader", "partner__municipality")
        .prefetch_related("plan")
        .distinct()
    )


def partnership_get(*, user: User, pk: int) -> Partnership:
    return get_object_or_404(partnerships(user=user), pk=pk)


def municipality_for(*, user: User, code: str | None) -> Municipality | None:
    """The municipality asked for (404 outside the scope), else the user's first one."""
    municipalities = visible_municipalities(user).order_by("name")
    if code:
        return get_object_or_404(municipalities, code=code)
    if user.school_id:
        return user.school.municipality
    return municipalities.first()
