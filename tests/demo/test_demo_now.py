"""The demo's "now": each municipality opens on its latest year with data and is shown as that
year stood at its end (opora/demo/now.py) — a plausible handful of overdue items, not every
plan of years gone by counted against today's calendar; and a list is shown with the results
it was made from (a list for Y is made from the results of Y − 1)."""

import re

import pytest
from django.urls import reverse

from opora.monitoring.models import MonitoringCampaign
from opora.monitoring.report_data import report_data
from opora.monitoring.report_schools import ClustersSection, GeneralSection
from opora.registry.models import Municipality

pytestmark = pytest.mark.django_db

# login → (the year the demo opens on, overdue roadmap activities shown on the home page)
DEMO_NOW = {
    "coord_ivanteevka": ("2023/24", 2),  # seed 000's list year; two 2023–2024 roadmaps
    "coord_pirovskoe": ("2021/22", 1),  # seed 003: the МППКО and its list of 2021/22
    "coord_terbuny": ("2021/22", 1),
    "coord_svobodny": ("2022/23", 1),
    "coord_tyumen": ("2022/23", 1),
    "region": ("2023/24", 2),  # Саратовская область: Ивантеевка
}


def home(client, login):
    client.login(username=login, password="opora-demo")
    return client.get(reverse("home"))


@pytest.mark.parametrize(("login", "expected"), DEMO_NOW.items())
def test_the_demo_opens_on_its_year_with_a_plausible_handful_overdue(demo, client, login, expected):
    year, overdue = expected
    response = home(client, login)
    page = response.content.decode()
    assert f"Учебный год — {year} (завершён" in page
    assert "Текущий учебный год" not in page
    assert response.context["overdue"].count() == overdue
    found = re.search(r'id="overdue">.*?<strong[^>]*>(\d+)', page)
    assert found and int(found.group(1)) == overdue


def test_demo_campaigns_belong_to_the_year_each_municipality_shows(demo, client):
    years = {
        code: {c.year for c in MonitoringCampaign.objects.filter(municipality__code=code)}
        for code in ("ivanteevka", "pirovskoe", "terbuny", "svobodny", "tyumen")
    }
    assert years == {
        "ivanteevka": {2023},  # seed 000's January 2023 campaign
        "pirovskoe": {2022},
        "terbuny": {2022},
        "svobodny": {2023},
        "tyumen": {2023},
    }
    page = home(client, "coord_terbuny").content.decode()
    assert "Ежемесячный информационный запрос о реализации мероприятия 21" in page  # due soon


def test_the_dashboard_shows_the_list_beside_the_results_it_was_made_from(demo, client):
    client.login(username="coord_ivanteevka", password="opora-demo")
    response = client.get(reverse("monitoring:dashboard", args=["ivanteevka"]))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert response.context["year"] == 2024 and response.context["results_year"] == 2023
    assert "Утверждённого списка ШНОР" not in page
    assert "Список на 2023/24 составлен по результатам 2022/23" in page
    assert "Доля «2» в 2022/23: ШНОР и остальные школы" in page
    assert "Результатов за 2023/24 пока нет: показаны результаты 2022/23" in page
    assert "Аналитический отчёт за 2022/23" in page


def test_ivanteevka_report_for_2022_23_presents_the_groups_made_from_its_results(demo):
    """Seed 000's report for 2022/23 presents the clustering of that year's results, which the
    order № 71 made the list for 2023/24: the report shows it, named as such."""
    data = report_data(municipality=Municipality.objects.get(code="ivanteevka"), year=2023)
    text = " ".join(str(getattr(block, "text", "")) for block in ClustersSection().blocks(data))
    assert "список на 2023/24 утверждён приказом от 01.04.2022 № 71" in text
    assert "Список на 2023/24 составлен по результатам 2022/23" in text
    table = next(
        b
        for b in ClustersSection().blocks(data)
        if getattr(b, "title", "") == "Школы по категориям"
    )
    assert any("СОШ с. Бартеневка" in row[3] for row in table.rows)
    general = " ".join(str(getattr(b, "text", "")) for b in GeneralSection().blocks(data))
    assert "По результатам 2022/23 составлен список" in general and "СОШ с. Бартеневка" in general


def test_the_region_dashboard_counts_the_list_of_the_year_in_view(demo, client):
    client.login(username="region", password="opora-demo")
    response = client.get(reverse("monitoring:region_dashboard"))
    ivanteevka = next(
        s for s in response.context["summaries"] if s.municipality.code == "ivanteevka"
    )
    assert (ivanteevka.year, ivanteevka.shnor) == (2024, 1)  # Бартеневка, by the order № 71
