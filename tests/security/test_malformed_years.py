"""A malformed academic year in an address never gives a 500: a page that takes ?year= shows
its default year with a Russian message naming the year, and a year in the path that is not
a four-digit year of Opora's range is simply not found."""

import pytest

from opora.registry.years import parse_academic_year
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# «²» passes str.isdigit but not int(); «٢٠٢٤» is int() 2024 in Arabic-Indic digits.
BAD_YEARS = ["²", "-1", "0", "0000", "99999999999999999999", "2024.5", "٢٠٢٤", "abc", "20240"]


@pytest.mark.parametrize("text", BAD_YEARS)
def test_the_parser_refuses_anything_but_a_four_digit_year_in_range(text):
    assert parse_academic_year(text) is None


@pytest.mark.parametrize("text, year", [("2024", 2024), (" 2023 ", 2023), ("2000", 2000)])
def test_the_parser_reads_a_year(text, year):
    assert parse_academic_year(text) == year


PAGES = {
    "coordinator_a": [
        "/results/",
        "/monitoring/mun-a/",
        "/monitoring/mun-a/dynamics/",
        "/monitoring/mun-a/effectiveness/",
        "/risks/",
        "/staff/",
        "/staff/deficits/",
        "/staff/routes/",
        "/staff/at-risk/",
        "/identification/schools/a1/fair-change/",
    ],
    "school_team_a1": ["/identification/schools/a1/fair-change/", "/schools/a1/results/"],
}


@pytest.mark.parametrize("user", PAGES)
@pytest.mark.parametrize("text", BAD_YEARS)
def test_pages_that_take_a_year_answer_a_malformed_one_with_a_message(client, cast, user, text):
    client.login(username=user, password=PASSWORD)
    for url in PAGES[user]:
        response = client.get(url, {"year": text})
        assert response.status_code == 200, (url, text, response.status_code)


@pytest.mark.parametrize("url", ["/monitoring/mun-a/", "/risks/", "/staff/", "/results/"])
def test_the_message_names_the_year_asked(client, cast, url):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(url, {"year": "²"}).content.decode()
    assert "Учебный год «²» не распознан" in page


@pytest.mark.parametrize(
    "url",
    [
        "/monitoring/mun-a/report/0/",
        "/monitoring/mun-a/report/0000/",
        "/monitoring/mun-a/report/99999999999999999999/",
        "/monitoring/mun-a/report/20240/",
        "/risks/schools/a1/0/",
        "/risks/schools/a1/99999999999999999999/",
        "/risks/schools/a1/0000/verify/",
        "/risks/schools/a1/0000/export.pdf",
    ],
)
def test_a_year_in_the_path_out_of_range_is_not_found(client, cast, url):
    from opora.monitoring.models import AnnualReport

    client.login(username="coordinator_a", password=PASSWORD)
    assert client.get(url).status_code in (404, 405)  # 405: a page that only takes POST
    assert client.post(url).status_code == 404
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("text", ["²", "-1", "99999999999999999999"])
def test_opening_a_risk_profile_for_a_malformed_year_opens_none(client, cast, text):
    from opora.risks.models import RiskProfile

    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post("/risks/schools/a1/open/", {"year": text}, follow=True)
    assert response.status_code == 200
    assert "Учебный год" in response.content.decode()
    assert not RiskProfile.objects.exclude(year__range=(2000, 2100)).exists()


def test_a_year_typed_in_a_form_beyond_the_range_is_a_field_error(
    client, cast, school_a1, school_a2
):
    from opora.risks.models import Partnership

    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        "/risks/partnerships/",
        {"leader": school_a2.pk, "partner": school_a1.pk, "year": "99999999999999999999"},
    )
    assert response.status_code == 200
    assert "2100" in response.content.decode()  # «…меньше или равно 2100»
    assert not Partnership.objects.exists()
