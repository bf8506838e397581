"""The staff services check their user themselves: called directly (as a command, the API or a
background job would) by someone out of scope or with read-only rights, each refuses and
changes nothing. The console operator (user None) works with the whole database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from opora.registry.models import ContextValue
from opora.staff import services
from opora.staff.models import (
    AtRiskFigure,
    Course,
    CourseCompletion,
    Diagnostic,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    Period,
    ReviewRole,
    ReviewVerdict,
    Route,
    RouteActivity,
    RouteReview,
    RouteStatus,
    RouteTemplate,
    Teacher,
    Vacancy,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(cast, school_a1, municipality_a):
    """A teacher of A1 with a young colleague, a vacancy, an ИОМ with one activity, a course,
    an event and an at-risk figure: something for every service to change."""
    anna = Teacher.objects.create(school=school_a1, full_name="Сидорова А.П.", position="учитель")
    young = Teacher.objects.create(
        school=school_a1, full_name="Юнова Я.Я.", position="учитель", is_young_specialist=True
    )
    route = Route.objects.create(teacher=anna, year=2023, status=RouteStatus.ACTIVE)
    return {
        "school": school_a1,
        "municipality": municipality_a,
        "anna": anna,
        "young": young,
        "vacancy": Vacancy.objects.create(school=school_a1, position="учитель физики"),
        "route": route,
        "activity": RouteActivity.objects.create(route=route, kind="course", title="Курс"),
        "course": Course.objects.create(
            municipality=municipality_a, title="Курс", provider="ЦНППМ"
        ),
        "event": MethodicalEvent.objects.create(
            municipality=municipality_a, kind="seminar", title="Семинар", held_on=D(2023, 3, 1)
        ),
        "association": MethodicalAssociation.objects.create(
            municipality=municipality_a, name="РМО математиков"
        ),
        "figure": AtRiskFigure.objects.create(
            school=school_a1, year=2023, period=Period.YEAR, students=100, at_risk=10, with_plan=5
        ),
    }


def _state():
    """Everything the staff services write, to compare before and after a refused call."""
    return {
        "teachers": sorted(Teacher.objects.values_list("pk", "full_name", "position")),
        "vacancies": sorted(Vacancy.objects.values_list("pk", "position", "rates")),
        "routes": sorted(Route.objects.values_list("pk", "status")),
        "activities": sorted(RouteActivity.objects.values_list("pk", "title")),
        "reviews": RouteReview.objects.count(),
        "templates": RouteTemplate.objects.count(),
        "courses": Course.objects.count(),
        "completions": CourseCompletion.objects.count(),
        "pairs": MentoringPair.objects.count(),
        "associations": sorted(MethodicalAssociation.objects.values_list("pk", "name")),
        "events": MethodicalEvent.objects.count(),
        "participants": sorted(MethodicalEvent.participants.through.objects.values_list("pk")),
        "figures": sorted(AtRiskFigure.objects.values_list("pk", "at_risk")),
        "diagnostics": Diagnostic.objects.count(),
        "context": ContextValue.objects.count(),
    }


# (what is tried, who tries it): each call below is refused for that user.
ATTEMPTS = {
    "teacher_save (new)": lambda w, user: services.teacher_save(
        user=user,
        school=w["school"],
        teacher=None,
        values={"full_name": "Новый Н.Н.", "position": "учитель"},
        subjects=[],
    ),
    "teacher_save (edit)": lambda w, user: services.teacher_save(
        user=user,
        school=w["school"],
        teacher=w["anna"],
        values={"full_name": "Подменённая", "position": "учитель"},
        subjects=[],
    ),
    "teacher_delete": lambda w, user: services.teacher_delete(user=user, teacher=w["anna"]),
    "vacancy_add": lambda w, user: services.vacancy_add(
        user=user, school=w["school"], position="учитель химии", rates=Decimal(1)
    ),
    "vacancy_delete": lambda w, user: services.vacancy_delete(user=user, vacancy=w["vacancy"]),
    "diagnostic_save": lambda w, user: services.diagnostic_save(
        user=user,
        teacher=w["anna"],
        values={"taken_on": D(2023, 1, 1), "instrument": "ЕФОМ"},
        deficits=[],
    ),
    "route_create": lambda w, user: services.route_create(
        user=user, teacher=w["anna"], year=2024, deficits=[], template=None
    ),
    "route_update": lambda w, user: services.route_update(
        user=user, route=w["route"], status=RouteStatus.COMPLETED, deficits=[]
    ),
    "route_activity_save": lambda w, user: services.route_activity_save(
        user=user, route=w["route"], activity=w["activity"], values={"title": "Подменено"}
    ),
    "route_review_add": lambda w, user: services.route_review_add(
        user=user,
        route=w["route"],
        role=ReviewRole.METHODIST,
        verdict=ReviewVerdict.APPROVED,
        comment="",
    ),
    "route_template_save": lambda w, user: services.route_template_save(
        user=user, municipality=w["municipality"], title="Шаблон", deficits=[], activities=[]
    ),
    "course_save": lambda w, user: services.course_save(
        user=user,
        municipality=w["municipality"],
        values={"title": "Курс 2", "provider": "КИПК"},
        deficits=[],
    ),
    "course_completion_save": lambda w, user: services.course_completion_save(
        user=user,
        course=w["course"],
        teacher=w["anna"],
        completed_on=D(2023, 5, 1),
        certificate="",
    ),
    "mentoring_pair_save": lambda w, user: services.mentoring_pair_save(
        user=user, values={"mentor": w["anna"], "mentee": w["young"], "starts_on": D(2023, 9, 1)}
    ),
    "association_save (new)": lambda w, user: services.association_save(
        user=user,
        association=None,
        values={"municipality": w["municipality"], "name": "РМО физиков"},
    ),
    "association_save (edit)": lambda w, user: services.association_save(
        user=user,
        association=w["association"],
        values={"municipality": w["municipality"], "name": "Подменено"},
    ),
    "event_save": lambda w, user: services.event_save(
        user=user,
        municipality=w["municipality"],
        values={"kind": "seminar", "title": "Ещё семинар", "held_on": D(2023, 4, 1)},
    ),
    "event_attendance_save": lambda w, user: services.event_attendance_save(
        user=user, event=w["event"], teachers=[w["anna"]]
    ),
    "at_risk_save": lambda w, user: services.at_risk_save(
        user=user,
        school=w["school"],
        values={
            "year": 2023,
            "period": Period.YEAR,
            "grade": None,
            "subject": None,
            "students": 100,
            "at_risk": 99,
            "with_plan": 0,
            "improved": None,
        },
    ),
    "at_risk_delete": lambda w, user: services.at_risk_delete(user=user, figure=w["figure"]),
}


@pytest.mark.parametrize("attempt", ATTEMPTS)
@pytest.mark.parametrize("outsider", ["observer_b", "coordinator_b", "curator_a1"])
def test_a_staff_service_refuses_whoever_may_not_write_and_changes_nothing(
    world, cast, attempt, outsider
):
    before = _state()
    with pytest.raises(PermissionDenied):
        ATTEMPTS[attempt](world, cast[outsider])
    assert _state() == before


def test_the_methodist_reviews_and_runs_methodical_work_but_does_not_edit_teachers(world, cast):
    methodist = cast["methodist_a"]
    services.route_review_add(
        user=methodist,
        route=world["route"],
        role=ReviewRole.METHODIST,
        verdict=ReviewVerdict.APPROVED,
        comment="",
    )
    services.course_save(
        user=methodist,
        municipality=world["municipality"],
        values={"title": "Курс 2", "provider": "КИПК"},
        deficits=[],
    )
    before = _state()
    for attempt in ("teacher_save (edit)", "teacher_delete", "vacancy_add", "at_risk_delete"):
        with pytest.raises(PermissionDenied):
            ATTEMPTS[attempt](world, methodist)
    with pytest.raises(PermissionDenied):  # a methodist does not give the school's review
        services.route_review_add(
            user=methodist,
            route=world["route"],
            role=ReviewRole.SCHOOL,
            verdict=ReviewVerdict.APPROVED,
            comment="",
        )
    assert _state() == before


def test_the_school_team_and_the_console_operator_edit_the_school_staff(world, cast):
    services.teacher_save(
        user=cast["school_team_a1"],
        school=world["school"],
        teacher=world["anna"],
        values={"full_name": "Сидорова А.П.", "position": "завуч"},
        subjects=[],
    )
    services.vacancy_delete(user=None, vacancy=world["vacancy"])
    world["anna"].refresh_from_db()
    assert world["anna"].position == "завуч"
    assert not Vacancy.objects.exists()
