"""Staff pages walked by the fixed cast: who sees, who edits, and the outsider who gets 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.assessments.models import Subject
from opora.registry.years import current_academic_year
from opora.staff.models import (
    AtRiskFigure,
    Course,
    Deficit,
    Diagnostic,
    MethodicalAssociation,
    MethodicalEvent,
    ReviewRole,
    Route,
    RouteActivity,
    RouteStatus,
    RouteTemplate,
    Teacher,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def anna(cast, school_a1):
    teacher = Teacher.objects.create(
        school=school_a1, full_name="Сидорова А.П.", position="учитель"
    )
    teacher.subjects.add(Subject.objects.get(code="math"))
    diagnostic = Diagnostic.objects.create(
        teacher=teacher,
        taken_on=D(2022, 10, 1),
        subject=Subject.objects.get(code="math"),
        instrument="ЕФОМ",
    )
    diagnostic.deficits.set([Deficit.objects.get(code="exam_tasks")])
    return teacher


@pytest.fixture
def route(anna):
    route = Route.objects.create(teacher=anna, year=2023, status=RouteStatus.ACTIVE)
    route.deficits.set([Deficit.objects.get(code="exam_tasks")])
    return route


def login(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_methodist_sees_where_the_deficits_are(client, anna, school_b1):
    Teacher.objects.create(school=school_b1, full_name="Чужой Б.Б.", position="учитель")
    response = login(client, "methodist_a").get(reverse("staff:deficits"), {"year": 2023})
    matrix = response.context["matrix"]
    assert [s.code for s in matrix.subjects] == ["math"]
    assert [(school.code, cells[0].share) for school, cells in matrix.rows] == [("a1", 100.0)]
    assert [(d.code, having, addressed) for d, having, addressed in matrix.by_deficit] == [
        ("exam_tasks", 1, 0)
    ]
    assert "Чужой" not in response.content.decode()


def test_closure_page_shows_a_deficit_closed_by_a_later_diagnostic(client, anna, route):
    Diagnostic.objects.create(
        teacher=anna,
        taken_on=D(2023, 4, 10),
        subject=Subject.objects.get(code="math"),
        instrument="ЕФОМ",
    )
    response = login(client, "coordinator_a").get(reverse("staff:closure"), {"year": 2023})
    assert response.context["closed"] == 1 and response.context["addressed"] == 1
    page = login(client, "coordinator_a").get(reverse("staff:route_detail", args=[route.pk]))
    assert "устранён" in page.content.decode()


def test_overview_opens_on_the_latest_year_with_data(client, route):
    response = login(client, "region_operator").get(reverse("staff:overview"))
    assert response.context["year"] == 2023
    row = next(r for r in response.context["rows"] if r.school.code == "a1")
    assert row.teachers == 1 and row.shares["staff_route"] == (1.0, 1.0)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("region_operator", 200),
        ("coordinator_a", 200),
        ("methodist_a", 200),
        ("curator_a1", 200),
        ("school_team_a1", 200),
        ("coordinator_b", 404),
        ("observer_b", 404),
    ],
)
def test_teacher_and_route_pages_are_hidden_outside_the_scope(client, route, username, status):
    login(client, username)
    assert (
        client.get(reverse("staff:teacher_detail", args=[route.teacher.pk])).status_code == status
    )
    assert client.get(reverse("staff:route_detail", args=[route.pk])).status_code == status
    assert client.get(reverse("staff:school_teachers", args=["a1"])).status_code == status
    assert client.get(reverse("staff:school_at_risk", args=["a1"])).status_code == status


def test_school_team_edits_its_teachers_the_methodist_does_not(client, anna):
    url = reverse("staff:school_teachers", args=["a1"])
    data = {
        "teacher-full_name": "Новикова Е.А.",
        "teacher-position": "учитель",
        "teacher-category": "first",
        "teacher-age_band": "65_plus",
        "teacher-workload": "1",
    }
    assert login(client, "methodist_a").post(url, data).status_code == 403
    response = login(client, "school_team_a1").post(url, data)
    assert response.status_code == 302
    assert Teacher.objects.filter(school__code="a1").count() == 2
    staffing = {v.indicator.code: v.number for v in anna.school.context_values.all()}
    assert staffing["teachers_65plus"] == 50


def test_the_school_builds_a_route_from_a_template_and_the_methodist_reviews_it(
    client, anna, municipality_a
):
    template = RouteTemplate.objects.create(
        municipality=municipality_a,
        title="ГИА: развёрнутый ответ",
        activities=[{"kind": "course", "title": "КПК по подготовке к ГИА"}],
    )
    template.deficits.set([Deficit.objects.get(code="exam_tasks")])
    url = reverse("staff:teacher_detail", args=[anna.pk])
    year = current_academic_year(timezone.localdate())
    response = login(client, "school_team_a1").post(
        url, {"route-year": str(year), "route-template": template.pk}
    )
    route = Route.objects.get(teacher=anna)
    assert response.url == reverse("staff:route_detail", args=[route.pk])
    assert [a.title for a in route.activities.all()] == ["КПК по подготовке к ГИА"]
    assert [d.code for d in route.deficits.all()] == ["exam_tasks"]

    route_url = reverse("staff:route_detail", args=[route.pk])
    review = {"review-verdict": "approved", "review-comment": "", "role": ReviewRole.METHODIST}
    assert client.post(route_url, review).status_code == 403  # the school is not the methodist
    assert login(client, "methodist_a").post(route_url, review).status_code == 302
    assert route.reviews.get().reviewed_by.username == "methodist_a"
    edit = {"route-status": "completed", "route-deficits": []}
    assert client.post(route_url, edit).status_code == 403  # the methodist reviews, not edits


def test_an_activity_counts_as_done_only_with_evidence(client, route):
    activity = RouteActivity.objects.create(route=route, kind="open_lesson", title="Открытый урок")
    url = reverse("staff:route_activity_edit", args=[activity.pk])
    data = {"kind": "open_lesson", "title": "Открытый урок", "completed_on": "12.12.2022"}
    response = login(client, "school_team_a1").post(url, data)
    assert response.status_code == 200
    assert "требует подтверждения" in response.content.decode()
    data["evidence"] = "https://school.example/lesson"
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.completed_on == D(2022, 12, 12)


def test_the_methodist_adds_courses_and_events_and_marks_attendance(client, anna, school_a1):
    login(client, "methodist_a")
    client.post(
        reverse("staff:course_list"),
        {"municipality": anna.school.municipality_id, "title": "ФГ", "provider": "ЦНППМ"},
    )
    course = Course.objects.get(title="ФГ")
    response = client.post(
        reverse("staff:course_detail", args=[course.pk]),
        {"teacher": anna.pk, "completed_on": "01.03.2023"},
    )
    assert response.status_code == 302 and course.completions.count() == 1
    client.post(
        reverse("staff:event_list"),
        {
            "municipality": anna.school.municipality_id,
            "kind": "master_class",
            "title": "Задания с развёрнутым ответом",
            "held_on": "15.11.2022",
            "host_school": school_a1.pk,
        },
    )
    event = MethodicalEvent.objects.get()
    client.post(reverse("staff:event_detail", args=[event.pk]), {"participants": [anna.pk]})
    assert list(event.participants.all()) == [anna]
    # A school team reads the event but may not mark anyone.
    login(client, "school_team_a1")
    assert client.get(reverse("staff:event_detail", args=[event.pk])).status_code == 200
    assert client.post(reverse("staff:event_detail", args=[event.pk]), {}).status_code == 403
    assert client.post(reverse("staff:course_list"), {"title": "x"}).status_code == 403


def test_other_municipality_courses_and_events_are_404(client, anna, municipality_b):
    course = Course.objects.create(municipality=municipality_b, title="Б", provider="x")
    event = MethodicalEvent.objects.create(
        municipality=municipality_b, kind="seminar", title="Б", held_on=D(2023, 1, 1)
    )
    login(client, "methodist_a")
    assert client.get(reverse("staff:course_detail", args=[course.pk])).status_code == 404
    assert client.get(reverse("staff:event_detail", args=[event.pk])).status_code == 404


def test_at_risk_figures_are_entered_replaced_and_checked(client, school_a1, cast):
    url = reverse("staff:school_at_risk", args=["a1"])
    data = {
        "year": str(current_academic_year(timezone.localdate())),
        "period": "h1",
        "students": "91",
        "at_risk": "12",
        "with_plan": "12",
        "improved": "0",
    }
    login(client, "school_team_a1")
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "at_risk": "8", "with_plan": "8"}).status_code == 302
    assert AtRiskFigure.objects.get().at_risk == 8  # the same key replaced the row
    response = client.post(url, {**data, "with_plan": "20"})
    assert response.status_code == 200
    assert "Планов сопровождения больше" in response.content.decode()
    overview = login(client, "coordinator_a").get(reverse("staff:at_risk_overview"))
    assert overview.context["lines"][0].cells == [(91, 8, 8, 0)]
    assert login(client, "curator_a1").post(url, data).status_code == 403


def test_school_card_links_to_its_teachers(client, cast):
    response = login(client, "coordinator_a").get(reverse("registry:school_detail", args=["a1"]))
    assert reverse("staff:school_teachers", args=["a1"]) in response.content.decode()


def test_every_staff_list_page_opens_for_every_role(client, route):
    names = [
        "overview",
        "deficits",
        "closure",
        "templates",
        "course_list",
        "pair_list",
        "event_list",
        "at_risk_overview",
    ]
    for username in ["region_operator", "coordinator_b", "school_team_a1", "observer_b"]:
        login(client, username)
        for name in names:
            assert client.get(reverse(f"staff:{name}")).status_code == 200, (username, name)


def test_the_methodist_creates_and_edits_a_methodical_association(client, anna, municipality_a):
    login(client, "methodist_a")
    url = reverse("staff:association_list")
    data = {
        "municipality": municipality_a.pk,
        "name": "РМО учителей математики",
        "subject": Subject.objects.get(code="math").pk,
        "leader": anna.pk,
    }
    assert client.post(url, data).status_code == 302
    association = MethodicalAssociation.objects.get()
    assert (association.name, association.leader) == ("РМО учителей математики", anna)
    assert "РМО учителей математики" in client.get(url).content.decode()

    edit = reverse("staff:association_edit", args=[association.pk])
    response = client.post(edit, {**data, "name": "ММО математиков", "leader": ""})
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.name, association.leader) == ("ММО математиков", None)
    # The association is offered when an event is added.
    page = client.get(reverse("staff:event_list"))
    assert "ММО математиков" in page.content.decode()


def test_an_association_leader_comes_from_the_associations_municipality(
    client, coordinator_a, region_operator, municipality_a, school_b1
):
    outsider = Teacher.objects.create(school=school_b1, full_name="Чужой Б.Б.", position="учитель")
    response = login(client, "region_operator").post(
        reverse("staff:association_list"),
        {"municipality": municipality_a.pk, "name": "РМО", "leader": outsider.pk},
    )
    assert response.status_code == 200
    assert "другого муниципалитета" in response.content.decode()
    assert not MethodicalAssociation.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("coordinator_a", 200),
        ("region_operator", 200),
        ("school_team_a1", 403),
        ("curator_a1", 403),
        ("coordinator_b", 404),
        ("observer_b", 404),
    ],
)
def test_who_edits_a_methodical_association(client, cast, municipality_a, username, status):
    association = MethodicalAssociation.objects.create(municipality=municipality_a, name="РМО")
    login(client, username)
    assert (
        client.get(reverse("staff:association_edit", args=[association.pk])).status_code == status
    )


@pytest.mark.parametrize("username", ["school_team_a1", "curator_a1", "observer_b"])
def test_who_runs_no_methodical_work_adds_no_association(client, cast, username):
    response = login(client, username).post(reverse("staff:association_list"), {"name": "РМО"})
    assert response.status_code == 403
    assert not MethodicalAssociation.objects.exists()


def test_the_home_page_asks_the_methodist_and_the_school_for_what_needs_them(
    client, route, methodist_a
):
    overdue = RouteActivity.objects.create(
        route=route, kind="internship", title="Стажировка в школе-лидере", ends_on=D(2023, 3, 1)
    )
    RouteActivity.objects.create(
        route=route,
        kind="open_lesson",
        title="Открытый урок",
        ends_on=D(2023, 3, 1),
        completed_on=D(2023, 2, 20),
        evidence="протокол",
    )
    for username in ("methodist_a", "school_team_a1"):
        home = login(client, username).get(reverse("home"))
        assert list(home.context["routes_to_review"]) == [route]
        assert list(home.context["overdue_route_activities"]) == [overdue]
        assert "Стажировка в школе-лидере" in home.content.decode()
    # The methodist's review takes the ИОМ off the methodist's list, not off the school's.
    route.reviews.create(role=ReviewRole.METHODIST, verdict="approved", reviewed_by=methodist_a)
    assert not login(client, "methodist_a").get(reverse("home")).context["routes_to_review"]
    assert list(login(client, "school_team_a1").get(reverse("home")).context["routes_to_review"])
    # Those who do not follow ИОМ day to day, and those outside the scope, are not asked.
    for username in ("coordinator_a", "coordinator_b", "observer_b"):
        home = login(client, username).get(reverse("home"))
        assert "routes-to-review" not in home.content.decode()
        assert "overdue-route-activities" not in home.content.decode()
    route.status = RouteStatus.COMPLETED
    route.save()
    home = login(client, "school_team_a1").get(reverse("home"))
    assert not home.context["routes_to_review"] and not home.context["overdue_route_activities"]


def test_an_event_links_its_host_school_only_for_who_sees_the_school(client, cast, school_a2):
    event = MethodicalEvent.objects.create(
        municipality=school_a2.municipality,
        kind="seminar",
        title="Семинар",
        held_on=D(2023, 1, 1),
        host_school=school_a2,
    )
    link = reverse("registry:school_detail", args=["a2"])
    url = reverse("staff:event_detail", args=[event.pk])
    assert link in login(client, "methodist_a").get(url).content.decode()
    page = login(client, "curator_a1").get(url).content.decode()  # curates a1, not a2
    assert link not in page and "Гимназия г. Альфа" in page
