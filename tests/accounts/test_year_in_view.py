"""One academic year in view: picked once in the header, kept on the account, and every
section opens on it; `?year=` shows another year on one page without changing the choice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.assessments.models import Assessment, SchoolResult, Subject
from opora.assessments.selectors import result_years
from opora.monitoring.models import MonitoringCampaign
from opora.programs.models import Program
from opora.registry.years import years_in_scope, years_of
from opora.risks.models import RiskProfile
from opora.staff.models import Route, RouteStatus, Teacher
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def result(school, year, *, participants=20, twos=2):
    assessment, _ = Assessment.objects.get_or_create(
        kind="OGE", subject=Subject.objects.get(code="math"), grade=9
    )
    SchoolResult.objects.create(
        school=school,
        assessment=assessment,
        year=year,
        participants=participants,
        mark_2=twos,
        mark_3=participants - twos,
        mark_4=0,
        mark_5=0,
    )


@pytest.fixture
def three_years(cast, school_a1, school_b1):
    """Results of municipality A for 2020/21–2022/23 and of B for 2023/24 (out of A's scope);
    risk profiles and ИОМ of A1 in each of A's years."""
    teacher = Teacher.objects.create(
        school=school_a1, full_name="Сидорова А.П.", position="учитель"
    )
    for year in (2021, 2022, 2023):
        result(school_a1, year)
        RiskProfile.objects.create(school=school_a1, year=year)
        Route.objects.create(teacher=teacher, year=year, status=RouteStatus.ACTIVE)
    result(school_b1, 2024)


def login(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def choose(client, year, next_page="/"):
    return client.post(reverse("accounts:year_choose"), {"year": year, "next": next_page})


def test_without_a_choice_sections_open_on_the_latest_year_with_data_not_the_calendar(
    client, three_years
):
    login(client, "coordinator_a")
    home = client.get(reverse("home")).content.decode()
    assert "Учебный год — 2022/23" in home
    assert client.get(reverse("assessments:results_table")).context["year"] == 2023


def test_the_header_offers_the_years_with_data_in_the_users_scope(client, three_years):
    page = login(client, "coordinator_a").get(reverse("home")).content.decode()
    picker = page[
        page.index('class="year-picker"') : page.index("</form>", page.index("year-picker"))
    ]
    assert '<option value="2023" selected>2022/23</option>' in picker
    assert "2021/22" in picker and "2020/21" in picker
    assert "2023/24" not in picker  # municipality B's year


def test_the_chosen_year_persists_and_every_section_opens_on_it(client, three_years):
    login(client, "coordinator_a")
    response = choose(client, "2022", next_page="/staff/?municipality=a&year=2023")
    # Back to the page, which now opens on the chosen year: its old `?year=` is dropped.
    assert response.status_code == 302 and response["Location"] == "/staff/?municipality=a"
    assert client.get(reverse("assessments:results_table")).context["year"] == 2022
    assert client.get(reverse("risks:index")).context["year"] == 2022
    assert client.get(reverse("staff:overview")).context["year"] == 2022
    dashboard = client.get(reverse("monitoring:dashboard", args=["mun-a"]))
    assert dashboard.context["year"] == 2022
    # Working in 2021/22 with its results in, the list drawn up next is the one for 2022/23.
    form = client.get(reverse("identification:index")).context["form"]
    assert form.initial["year"] == 2023
    assert "Учебный год — 2021/22" in client.get(reverse("home")).content.decode()
    # A new session of the same account keeps it.
    client.logout()
    login(client, "coordinator_a")
    assert client.get(reverse("assessments:results_table")).context["year"] == 2022


def test_a_year_in_the_address_shows_that_year_without_changing_the_choice(
    client, coordinator_a, three_years
):
    login(client, "coordinator_a")
    choose(client, "2022")
    assert client.get(reverse("risks:index"), {"year": "2021"}).context["year"] == 2021
    coordinator_a.refresh_from_db()
    assert coordinator_a.academic_year == 2022
    assert client.get(reverse("risks:index")).context["year"] == 2022


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2024", "За 2023/24 учебный год в ваших школах и муниципалитетах данных нет"),
        ("24", "Учебный год «24» не распознан"),
        ("2023; drop", "не распознан"),
    ],
)
def test_a_year_out_of_scope_or_malformed_is_refused_and_changes_nothing(
    client, coordinator_a, three_years, year, message
):
    login(client, "coordinator_a")
    choose(client, "2022")
    response = choose(client, year)
    assert response.status_code == 302
    shown = [str(m) for m in client.get(reverse("home")).context["messages"]]
    assert any(message in m for m in shown), shown
    coordinator_a.refresh_from_db()
    assert coordinator_a.academic_year == 2022


def test_only_a_local_next_is_followed(client, three_years):
    login(client, "coordinator_a")
    assert choose(client, "2022", next_page="https://evil.example/")["Location"] == "/"
    assert choose(client, "2022", next_page="//evil.example/")["Location"] == "/"


def test_each_role_keeps_its_own_year(client, cast, three_years, school_team_a1, coordinator_a):
    login(client, "school_team_a1")
    choose(client, "2021")
    school_team_a1.refresh_from_db()
    coordinator_a.refresh_from_db()
    assert school_team_a1.academic_year == 2021 and coordinator_a.academic_year is None


def test_a_section_without_data_of_the_year_shows_the_latest_earlier_one_and_says_so(
    client, three_years
):
    Route.objects.filter(year=2023).delete()
    login(client, "coordinator_a")
    response = client.get(reverse("staff:overview"), follow=True)
    assert response.context["year"] == 2022
    assert "За 2022/23 учебный год здесь данных пока нет: показан 2021/22." in [
        str(m) for m in response.context["messages"]
    ]


def test_the_years_of_every_section_are_read_in_one_query(
    three_years, coordinator_a, municipality_a
):
    Program.objects.create(
        municipality=municipality_a, level="municipal", kind="mppko", name="Программа А",
        start_year=2025,
    )  # fmt: skip
    MonitoringCampaign.objects.create(
        municipality=municipality_a, title="Мониторинг", kind="indicators", year=2019,
        measured_on=datetime.date(2019, 1, 1), opens_on=datetime.date(2019, 1, 9),
        deadline=datetime.date(2019, 1, 31),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        years = years_in_scope(coordinator_a)
        with_results = years_of(result_years, coordinator_a)
    assert years == [2025, 2023, 2022, 2021, 2019]  # programs, results, campaigns; not B's 2024
    # A section's own years come from the same read: the results', without the others'.
    assert (
        with_results == [2023, 2022, 2021] == sorted(result_years(user=coordinator_a), reverse=True)
    )
    assert len(queries) == 1


def test_the_results_table_reads_the_years_once(client, three_years):
    login(client, "coordinator_a")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:results_table"))
    assert response.context["year"] == 2023
    # The header's UNION holds the results' years; the page used to ask them again.
    result_years_read = 'SELECT DISTINCT "assessments_schoolresult"."year"'
    assert sum(result_years_read in q["sql"] for q in queries) == 1


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(reverse("accounts:year_choose"), {"year": "2023"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_deadlines_of_a_past_year_count_as_of_its_last_day():
    from opora.registry.years import deadlines_as_of

    assert deadlines_as_of(2023, datetime.date(2026, 12, 7)) == datetime.date(2023, 8, 31)
    assert deadlines_as_of(2027, datetime.date(2026, 12, 7)) == datetime.date(2026, 12, 7)
