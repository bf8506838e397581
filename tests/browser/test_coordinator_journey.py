"""A coordinator logs in, filters her school list and opens a school card."""

from decimal import Decimal

import pytest

from opora.registry.models import ContextIndicator, ContextValue, Contingent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_filters_schools_and_reads_a_card(page, cast, school_a1):
    Contingent.objects.create(
        school=school_a1, year=2023, total=86, grades_1_4=36, grades_5_9=48, grades_10_11=1
    )
    sek = ContextIndicator.objects.get(code="sek_index")
    ContextValue.objects.create(school=school_a1, year=2022, indicator=sek, number=Decimal("21"))
    ContextValue.objects.create(school=school_a1, year=2023, indicator=sek, number=Decimal("19"))

    page.goto("/")
    page.fill("#id_username", "coordinator_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "Муниципальный координатор · Район А" in page.inner_text("header")

    page.click("nav.main-nav >> text=Школы")
    assert page.inner_text("#school-count") == "3"
    page.select_option("#id_school_type", "СОШ")
    page.click("#school-filters button[type=submit]")
    page.wait_for_url("**school_type=*")
    rows = page.locator("#school-table tbody tr")
    assert rows.count() == 1
    assert "СОШ с. Альфа" in rows.first.inner_text()
    assert "Гимназия" not in page.inner_text("#school-table")

    page.click("#school-table >> text=СОШ с. Альфа")
    assert page.inner_text("h1") == "СОШ с. Альфа"
    assert "МОУ «СОШ с. Альфа»" in page.inner_text("main")
    assert "филиал в с. Бета" in page.inner_text("main")
    context = page.inner_text("#context-table")
    assert "2021/22" in context and "2022/23" in context
    assert "19\u00a0%" in context and "−2\u00a0п.п." in context
    # A falling СЭК index means harder conditions: the change is marked as a worsening.
    assert page.locator("#context-table .change.worse").count() == 1


def test_school_team_cannot_reach_another_school(page, cast):
    page.goto("/accounts/login/")
    page.fill("#id_username", "school_team_a1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    response = page.goto("/schools/b1/")
    assert response.status == 404
    assert "ООШ с. Вторая" not in page.content()
