"""A program from nothing: a blank form or a template shaped like a seed's document, written
by those who may write it, for a territory or school in their scope; bad input creates nothing."""

import datetime

import pytest
from django.urls import reverse

from opora.programs.models import Activity, IndicatorTarget, IndicatorValue, Program
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("programs:program_create")


def _form(**fields) -> dict:
    return {
        "template": "",
        "kind": "mppko",
        "name": "Программа повышения качества образования на 2025-2027 годы",
        "start_year": "2025",
        "end_year": "2027",
        **fields,
    }


def test_a_coordinator_creates_a_blank_municipal_program_as_a_draft(client, cast, municipality_a):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Выберите вид программы" in html and "---------" not in html

    response = client.post(
        URL, _form(municipality=municipality_a.pk, goal="Повысить качество образования")
    )

    program = Program.objects.get()
    assert response["Location"] == reverse("programs:program_detail", args=[program.pk])
    assert (program.level, program.kind, program.status, program.school) == (
        "municipal",
        "mppko",
        "draft",
        None,
    )
    assert (program.start_year, program.end_year, program.period) == (2025, 2027, "2025-2027 годы")
    assert program.passport == {"goal": "Повысить качество образования"}
    assert not program.goals.exists() and not program.activities.exists()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "template,kind,goals,indicators,activities",
    [
        ("terbuny", "measure21", 1, 13, 37),
        ("pirovskoe", "mppko", 3, 59, 45),
        ("svobodny", "roadmap", 1, 0, 14),
    ],
)
def test_a_template_gives_the_structure_of_the_seed_document_without_its_values(
    client, cast, municipality_a, template, kind, goals, indicators, activities
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        URL,
        _form(template=template, kind=kind, municipality=municipality_a.pk, start_year="2026"),
    )

    program = Program.objects.get()
    assert response["Location"] == reverse("programs:program_detail", args=[program.pk])
    assert (program.kind, program.status, program.order) == (kind, "draft", None)
    assert program.goals.count() == goals
    assert program.indicators.count() == indicators
    assert program.activities.count() == activities
    # Structure only: no baselines, targets, measured values, schools, people or progress.
    assert not IndicatorTarget.objects.filter(indicator__program=program).exists()
    assert not IndicatorValue.objects.filter(indicator__program=program).exists()
    assert not program.indicators.exclude(baseline="").exists()
    assert not program.indicators.filter(school__isnull=False).exists()
    assert not Activity.schools.through.objects.filter(activity__program=program).exists()
    assert set(program.activities.values_list("responsible", flat=True)) == {""}
    assert set(program.activities.values_list("status", flat=True)) == {"planned"}
    assert client.get(response["Location"]).status_code == 200


def test_a_template_roadmap_is_dated_in_the_new_programs_years(client, cast, municipality_a):
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(
        URL,
        _form(
            template="svobodny",
            kind="roadmap",
            municipality=municipality_a.pk,
            start_year="2026",
            end_year="2027",
        ),
    )

    first = Program.objects.get().activities.first()
    # The seed's «Март-апрель 2023» in a roadmap starting three years later.
    assert first.period == "Март-апрель 2026"
    assert (first.starts_on, first.ends_on) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 30),
    )


def test_a_school_team_creates_its_own_school_program(client, cast, school_a1):
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(
        URL,
        _form(kind="antirisk", name="Антирисковая программа", school=school_a1.pk),
    )

    program = Program.objects.get()
    assert response["Location"] == reverse("programs:program_detail", args=[program.pk])
    assert (program.level, program.school, program.municipality) == (
        "school",
        school_a1,
        school_a1.municipality,
    )


def test_a_school_team_may_not_create_a_municipal_program(client, cast, municipality_a):
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(URL, _form(municipality=municipality_a.pk))
    assert response.status_code == 403
    assert not Program.objects.exists()


def test_a_school_team_may_not_create_a_program_of_another_school(client, cast, school_a2):
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(URL, _form(kind="concept", school=school_a2.pk))
    assert response.status_code == 404
    assert not Program.objects.exists()


def test_a_coordinator_may_not_create_a_program_of_another_municipality(
    client, cast, municipality_b
):
    client.login(username="coordinator_a", password=PASSWORD)
    assert client.post(URL, _form(municipality=municipality_b.pk)).status_code == 404
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"end_year": "2024"}, "end_year", "не может быть раньше года начала"),
        ({"name": ""}, "name", "Укажите наименование программы."),
        ({"name": "   "}, "name", "Укажите наименование программы."),
        ({"kind": "concept"}, "school", "пишется для школы"),
        ({"start_year": "двадцать"}, "start_year", "Год — четыре цифры."),
    ],
)
def test_bad_input_gets_a_russian_message_and_creates_nothing(
    client, cast, municipality_a, fields, field, message
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(URL, _form(municipality=municipality_a.pk, **fields))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Program.objects.exists()


def test_the_list_offers_creation_only_to_those_who_write_programs(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    assert URL in client.get(reverse("programs:program_list")).content.decode()
    client.login(username="curator_a1", password=PASSWORD)
    assert URL not in client.get(reverse("programs:program_list")).content.decode()
    assert client.get(URL).status_code == 403


def test_tasks_under_no_stated_goal_show_no_empty_goal_heading(client, cast, municipality_a):
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(URL, _form(template="svobodny", kind="roadmap", municipality=municipality_a.pk))
    program = Program.objects.get()

    page = client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()
    assert program.goals.get().text == ""  # seed 004 states tasks only
    assert "<strong>1. </strong>" not in page
    assert "Адресный сбор данных об отдельных дефицитах" in page
