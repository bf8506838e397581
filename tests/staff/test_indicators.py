"""The per-school figures the seeds count as target indicators, and the rule that says whether
an ИОМ closed a deficit."""

import datetime
from decimal import Decimal

import pytest

from opora.assessments.models import Subject
from opora.staff import indicators
from opora.staff.closure import CLOSED, NOT_DIAGNOSED, OPEN, Finding, deficit_closure
from opora.staff.models import (
    AtRiskFigure,
    Course,
    CourseCompletion,
    Deficit,
    Diagnostic,
    MentoringPair,
    MethodicalEvent,
    Period,
    Route,
    RouteStatus,
    Teacher,
)
from opora.staff.services import staffing_context_compute

D = datetime.date


def test_a_deficit_is_closed_by_a_later_diagnostic_of_the_same_subject_without_it():
    found = Finding(D(2022, 10, 1), 1, frozenset({7}))
    assert deficit_closure(7, [found]).status == OPEN
    other_subject = Finding(D(2023, 4, 1), 2, frozenset())
    assert deficit_closure(7, [found, other_subject]).status == OPEN
    same_subject = Finding(D(2023, 4, 1), 1, frozenset({3}))
    closure = deficit_closure(7, [found, same_subject])
    assert (closure.status, closure.found_on, closure.checked_on) == (
        CLOSED,
        D(2022, 10, 1),
        D(2023, 4, 1),
    )
    found_again = Finding(D(2023, 5, 1), 1, frozenset({7}))
    assert deficit_closure(7, [found, same_subject, found_again]).status == OPEN
    assert deficit_closure(5, [found]).status == NOT_DIAGNOSED


@pytest.fixture
def staff(school_a1, school_a2, municipality_a):
    math = Subject.objects.get(code="math")
    t = {
        name: Teacher.objects.create(school=school, full_name=name, position="учитель", **extra)
        for name, school, extra in [
            ("Анна", school_a1, {}),
            ("Борис", school_a1, {"is_young_specialist": True}),
            ("Вера", school_a1, {}),
            ("Глеб", school_a1, {"is_young_specialist": True}),
            ("Дина", school_a2, {}),
        ]
    }
    t["Анна"].subjects.add(math)
    t["Борис"].subjects.add(math)
    return t


def ids(*schools):
    return [s.pk for s in schools]


def test_teachers_diagnosed_in_the_academic_year(staff, school_a1, school_a2):
    Diagnostic.objects.create(teacher=staff["Анна"], taken_on=D(2022, 10, 1), instrument="ЕФОМ")
    Diagnostic.objects.create(teacher=staff["Анна"], taken_on=D(2023, 3, 1), instrument="ЕФОМ-2")
    Diagnostic.objects.create(teacher=staff["Вера"], taken_on=D(2022, 8, 31), instrument="ЕФОМ")
    shares = indicators.teachers_diagnosed(school_ids=ids(school_a1, school_a2), year=2023)
    assert shares == {school_a1.pk: (1.0, 4.0), school_a2.pk: (0.0, 1.0)}


def test_teachers_with_an_active_route_and_by_subject(staff, school_a1):
    Route.objects.create(teacher=staff["Анна"], year=2023, status=RouteStatus.ACTIVE)
    Route.objects.create(teacher=staff["Борис"], year=2023, status=RouteStatus.DRAFT)
    Route.objects.create(teacher=staff["Вера"], year=2022, status=RouteStatus.COMPLETED)
    assert indicators.teachers_with_route(school_ids=ids(school_a1), year=2023) == {
        school_a1.pk: (1.0, 4.0)
    }
    by_math = indicators.INDICATOR_SOURCES["staff_route_math"][1]
    assert by_math(school_ids=ids(school_a1), year=2023) == {school_a1.pk: (1.0, 2.0)}
    by_primary = indicators.INDICATOR_SOURCES["staff_route_primary"][1]
    assert by_primary(school_ids=ids(school_a1), year=2023) == {}  # no primary teachers: no value


def test_courses_mentoring_and_events(staff, school_a1, municipality_a):
    course = Course.objects.create(municipality=municipality_a, title="КПК", provider="КИПК")
    CourseCompletion.objects.create(
        course=course, teacher=staff["Анна"], completed_on=D(2023, 2, 1)
    )
    other = Course.objects.create(municipality=municipality_a, title="КПК-2", provider="ЦНППМ")
    CourseCompletion.objects.create(course=other, teacher=staff["Анна"], completed_on=D(2023, 3, 1))
    CourseCompletion.objects.create(course=other, teacher=staff["Вера"], completed_on=D(2021, 3, 1))
    assert indicators.teachers_with_course(school_ids=ids(school_a1), year=2023) == {
        school_a1.pk: (1.0, 4.0)
    }
    MentoringPair.objects.create(
        mentor=staff["Анна"], mentee=staff["Борис"], starts_on=D(2021, 9, 1), ends_on=D(2022, 9, 5)
    )
    MentoringPair.objects.create(
        mentor=staff["Вера"], mentee=staff["Глеб"], starts_on=D(2023, 9, 1)
    )
    assert indicators.young_specialists_mentored(school_ids=ids(school_a1), year=2023) == {
        school_a1.pk: (1.0, 2.0)
    }
    event = MethodicalEvent.objects.create(
        municipality=municipality_a, kind="seminar", title="ГИА", held_on=D(2022, 11, 1)
    )
    event.participants.set([staff["Анна"], staff["Вера"]])
    assert indicators.teachers_in_events(school_ids=ids(school_a1), year=2023) == {
        school_a1.pk: (2.0, 4.0)
    }


def test_deficits_closed_by_routes(staff, school_a1):
    math = Subject.objects.get(code="math")
    exam, literacy = (
        Deficit.objects.get(code="exam_tasks"),
        Deficit.objects.get(code="functional_literacy"),
    )
    first = Diagnostic.objects.create(
        teacher=staff["Анна"], taken_on=D(2022, 10, 1), subject=math, instrument="ЕФОМ"
    )
    first.deficits.set([exam, literacy])
    later = Diagnostic.objects.create(
        teacher=staff["Анна"], taken_on=D(2023, 4, 1), subject=math, instrument="ЕФОМ"
    )
    later.deficits.set([literacy])
    route = Route.objects.create(teacher=staff["Анна"], year=2023, status=RouteStatus.ACTIVE)
    route.deficits.set([exam, literacy])
    assert indicators.route_deficits_closed(school_ids=ids(school_a1), year=2023) == {
        school_a1.pk: (1.0, 2.0)
    }


def test_students_at_risk_take_the_latest_period_and_the_whole_school_row(school_a1, school_a2):
    def figure(school, period, grade, students, at_risk, plan, improved, subject=None):
        AtRiskFigure.objects.create(
            school=school,
            year=2023,
            period=period,
            grade=grade,
            subject=subject,
            students=students,
            at_risk=at_risk,
            with_plan=plan,
            improved=improved,
        )

    figure(school_a1, Period.H1, None, 91, 12, 12, 0)
    figure(school_a1, Period.YEAR, None, 91, 8, 8, 5)
    figure(school_a1, Period.YEAR, 5, 10, 3, 3, 1)  # a grade row: the school row stands instead
    figure(school_a1, Period.YEAR, None, 91, 4, 4, 4, subject=Subject.objects.get(code="math"))
    figure(school_a2, Period.Q1, 5, 20, 2, 1, 0)
    figure(school_a2, Period.Q1, 6, 30, 4, 4, 2)
    school_ids = ids(school_a1, school_a2)
    assert indicators.students_at_risk(school_ids=school_ids, year=2023) == {
        school_a1.pk: (8.0, 91.0),
        school_a2.pk: (6.0, 50.0),
    }
    assert indicators.at_risk_with_plan(school_ids=school_ids, year=2023)[school_a2.pk] == (
        5.0,
        6.0,
    )
    assert indicators.at_risk_improved(school_ids=school_ids, year=2023)[school_a1.pk] == (5.0, 8.0)
    assert indicators.students_at_risk(school_ids=school_ids, year=2022) == {}


def test_every_source_has_a_russian_title_and_answers_for_empty_schools(db):
    for code, (title, function) in indicators.INDICATOR_SOURCES.items():
        assert title.startswith("Доля"), code
        assert function(school_ids=[], year=2023) == {}


def test_staffing_share_of_65_plus_matches_seed_000_for_19_teachers(school_a1):
    """Seed 000 gives СОШ с. Бартеневка 10,5 % teachers of 65+: 2 of 19."""
    for n in range(19):
        Teacher.objects.create(
            school=school_a1,
            full_name=f"Педагог {n}",
            position="учитель",
            age_band="65_plus" if n < 2 else "30_49",
        )
    values = staffing_context_compute(school=school_a1, year=2024)
    assert values["teachers_65plus"] == Decimal("10.5")


def test_a_target_indicator_fills_itself_from_the_teachers_routes(staff, school_a1, cast):
    """«Доля педагогов, реализующих ИОМ» of a municipal program, on a date in 2022/23."""
    from opora.programs.models import Indicator, Program
    from opora.programs.services import indicator_values_compute

    Route.objects.create(teacher=staff["Анна"], year=2023, status=RouteStatus.ACTIVE)
    Route.objects.create(teacher=staff["Дина"], year=2023, status=RouteStatus.COMPLETED)
    program = Program.objects.create(
        municipality=school_a1.municipality, level="municipal", kind="mppko", name="МППКО"
    )
    indicator = Indicator.objects.create(
        program=program,
        number="5.10",
        name="Доля педагогов, реализующих ИОМ",
        unit="percent",
        source="staff_route",
        source_population="all",
    )
    (value,) = indicator_values_compute(
        indicator=indicator, user=cast["coordinator_a"], measured_on=D(2023, 1, 20)
    )
    # 1 of 4 teachers at a1 and 1 of 1 at a2: 2 of 5, pooled over the municipality.
    assert value.value == "40,0"
    assert value.computed_from.endswith("2022/23: 2 из 5; школ с данными: 2")
