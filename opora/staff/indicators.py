"""The figures the seeds use as target indicators, computed from the staff data, per school.

Each function is `(*, school_ids, year) -> {school_id: (numerator, denominator)}` for an academic
year written by its ending calendar year (2023 = 2022/23). A school without a denominator (no
teachers, no figures) is left out: it has no value, not a zero. `INDICATOR_SOURCES` lists them
for the programs app, which registers them as sources of target indicators.

Teachers are counted as the school's list stands now; the list keeps no dates of hiring.
"""

import datetime
from collections import Counter, defaultdict
from functools import partial

from django.db.models import Q

from opora.staff.closure import CLOSED, Finding, route_closure
from opora.staff.models import (
    PERIOD_ORDER,
    AtRiskFigure,
    CourseCompletion,
    Diagnostic,
    MentoringPair,
    MethodicalEvent,
    Route,
    RouteStatus,
    Teacher,
)

Shares = dict[int, tuple[float, float]]


def year_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """1 September to 31 August of the academic year."""
    return datetime.date(year - 1, 9, 1), datetime.date(year, 8, 31)


def _teachers(school_ids: list[int], subject: str | None = None):
    teachers = Teacher.objects.filter(school_id__in=school_ids)
    return teachers.filter(subjects__code=subject).distinct() if subject else teachers


def _shares(numerators: Counter, denominators: Counter) -> Shares:
    return {
        school: (float(numerators.get(school, 0)), float(total))
        for school, total in denominators.items()
        if total
    }


def _per_school(teachers) -> Counter:
    return Counter(teachers.values_list("school_id", flat=True))


def teachers_diagnosed(*, school_ids: list[int], year: int) -> Shares:
    """Доля педагогов, прошедших диагностику/самодиагностику профессиональных дефицитов
    (seed 001 T1, seed 002 T4.1, seed 003 5.1)."""
    teachers = _teachers(school_ids)
    diagnosed = teachers.filter(diagnostics__taken_on__range=year_dates(year)).distinct()
    return _shares(_per_school(diagnosed), _per_school(teachers))


def teachers_with_route(*, school_ids: list[int], year: int, subject: str | None = None) -> Shares:
    """Доля педагогов, реализующих ИОМ (seed 001 S2, seed 003 5.10–5.12): a route of the year
    that is being carried out or is completed; a draft does not count."""
    teachers = _teachers(school_ids, subject)
    with_route = teachers.filter(
        routes__year=year, routes__status__in=[RouteStatus.ACTIVE, RouteStatus.COMPLETED]
    ).distinct()
    return _shares(_per_school(with_route), _per_school(teachers))


def teachers_with_course(*, school_ids: list[int], year: int) -> Shares:
    """Доля педагогов, прошедших КПК в учебном году (seed 002 T6.1, seed 003 6.5)."""
    teachers = _teachers(school_ids)
    completed = CourseCompletion.objects.filter(
        teacher__school_id__in=school_ids, completed_on__range=year_dates(year)
    ).values_list("teacher__school_id", "teacher_id")
    return _shares(Counter(school for school, _ in set(completed)), _per_school(teachers))


def young_specialists_mentored(*, school_ids: list[int], year: int) -> Shares:
    """Доля молодых специалистов, охваченных наставничеством (seed 003, RF2 task 6: mentors for
    teachers with up to 3 years of service)."""
    young = _teachers(school_ids).filter(is_young_specialist=True)
    start, end = year_dates(year)
    pairs = MentoringPair.objects.filter(mentee__in=young, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    mentored = set(pairs.values_list("mentee__school_id", "mentee_id"))
    return _shares(Counter(school for school, _ in mentored), _per_school(young))


def teachers_in_events(*, school_ids: list[int], year: int) -> Shares:
    """Доля педагогов, участвовавших в методических мероприятиях (семинары, мастер-классы,
    заседания МО) — seed 003 5.3, seed 001 S1."""
    teachers = _teachers(school_ids)
    attended = (
        MethodicalEvent.participants.through.objects.filter(
            teacher__school_id__in=school_ids,
            methodicalevent__held_on__range=year_dates(year),
        )
        .values_list("teacher__school_id", "teacher_id")
        .distinct()
    )
    return _shares(Counter(school for school, _ in attended), _per_school(teachers))


def route_deficits_closed(*, school_ids: list[int], year: int) -> Shares:
    """Доля дефицитов, на которые направлены ИОМ года, устранённых по повторной диагностике
    (seed 003 5.7–5.9: «ликвидация выявленных дефицитов»)."""
    routes = (
        Route.objects.filter(teacher__school_id__in=school_ids, year=year)
        .exclude(status=RouteStatus.DRAFT)
        .select_related("teacher")
        .prefetch_related("deficits")
    )
    findings = diagnostic_findings(teacher_ids=[r.teacher_id for r in routes])
    closed, addressed = Counter(), Counter()
    for route in routes:
        closures = route_closure([d.pk for d in route.deficits.all()], findings[route.teacher_id])
        addressed[route.teacher.school_id] += len(closures)
        closed[route.teacher.school_id] += sum(c.status == CLOSED for c in closures)
    return _shares(closed, addressed)


def diagnostic_findings(*, teacher_ids: list[int]) -> dict[int, list[Finding]]:
    findings = defaultdict(list)
    diagnostics = Diagnostic.objects.filter(teacher_id__in=teacher_ids).prefetch_related("deficits")
    for d in diagnostics:
        findings[d.teacher_id].append(
            Finding(d.taken_on, d.subject_id, frozenset(x.pk for x in d.deficits.all()))
        )
    return findings


def at_risk_rows(*, school_ids: list[int], year: int) -> dict[int, list[AtRiskFigure]]:
    """The rows that stand for the school in the year: its latest period, all subjects; the
    whole-school row when there is one, else its grades (which then add up)."""
    figures = AtRiskFigure.objects.filter(school_id__in=school_ids, year=year, subject__isnull=True)
    by_school = defaultdict(list)
    for figure in figures:
        by_school[figure.school_id].append(figure)
    chosen = {}
    for school, rows in by_school.items():
        latest = max(PERIOD_ORDER[r.period] for r in rows)
        rows = [r for r in rows if PERIOD_ORDER[r.period] == latest]
        whole = [r for r in rows if r.grade is None]
        chosen[school] = whole or rows
    return chosen


def _at_risk(school_ids: list[int], year: int, numerator: str, denominator: str) -> Shares:
    rows = at_risk_rows(school_ids=school_ids, year=year)
    # A row that does not know its numerator (who improved) counts in neither part.
    rows = {s: [r for r in rs if getattr(r, numerator) is not None] for s, rs in rows.items()}
    return _shares(
        Counter({s: sum(getattr(r, numerator) for r in rs) for s, rs in rows.items()}),
        Counter({s: sum(getattr(r, denominator) for r in rs) for s, rs in rows.items()}),
    )


def students_at_risk(*, school_ids: list[int], year: int) -> Shares:
    """Доля обучающихся с рисками учебной неуспешности (seed 000 track 3 «нуждающихся в адресной
    поддержке»; the 500+ risk factor «Высокая доля обучающихся с рисками …»)."""
    return _at_risk(school_ids, year, "at_risk", "students")


def at_risk_with_plan(*, school_ids: list[int], year: int) -> Shares:
    """Доля обучающихся с рисками, для которых разработаны и реализуются индивидуальные планы
    сопровождения / ИОМ (seed 000 track 3 indicator 3; seed 003 8.10, 8.11)."""
    return _at_risk(school_ids, year, "with_plan", "at_risk")


def at_risk_improved(*, school_ids: list[int], year: int) -> Shares:
    """Доля обучающихся с рисками, улучшивших результаты."""
    return _at_risk(school_ids, year, "improved", "at_risk")


INDICATOR_SOURCES = {
    "staff_diagnosed": (
        "Доля педагогов, прошедших диагностику (самодиагностику) профессиональных дефицитов",
        teachers_diagnosed,
    ),
    "staff_route": ("Доля педагогов, реализующих ИОМ", teachers_with_route),
    "staff_route_math": (
        "Доля учителей математики, реализующих ИОМ",
        partial(teachers_with_route, subject="math"),
    ),
    "staff_route_rus": (
        "Доля учителей русского языка, реализующих ИОМ",
        partial(teachers_with_route, subject="rus"),
    ),
    "staff_route_primary": (
        "Доля учителей начальных классов, реализующих ИОМ",
        partial(teachers_with_route, subject="primary"),
    ),
    "staff_course": ("Доля педагогов, прошедших КПК", teachers_with_course),
    "staff_mentoring": (
        "Доля молодых специалистов, охваченных наставничеством",
        young_specialists_mentored,
    ),
    "staff_events": (
        "Доля педагогов, участвовавших в методических мероприятиях",
        teachers_in_events,
    ),
    "staff_deficits_closed": (
        "Доля дефицитов, на которые направлены ИОМ, устранённых по повторной диагностике",
        route_deficits_closed,
    ),
    "students_at_risk": (
        "Доля обучающихся с рисками учебной неуспешности",
        students_at_risk,
    ),
    "students_at_risk_plan": (
        "Доля обучающихся с рисками неуспешности, для которых реализуются планы сопровождения",
        at_risk_with_plan,
    ),
    "students_at_risk_improved": (
        "Доля обучающихся с рисками неуспешности, улучшивших результаты",
        at_risk_improved,
    ),
}
