"""The home page lists schools whose context for the current academic year is missing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opora.registry.models import ContextIndicator, ContextValue, Contingent
from opora.registry.selectors import schools_missing_context
from opora.registry.years import academic_year_label, current_academic_year
from tests.conftest import PASSWORD, plain_schools

pytestmark = pytest.mark.django_db


def fill_required(school, year):
    Contingent.objects.create(school=school, year=year, total=100)
    for indicator in ContextIndicator.objects.filter(is_required=True):
        ContextValue.objects.create(
            school=school, year=year, indicator=indicator, number=Decimal(1)
        )


def test_academic_year_starts_in_september():
    import datetime

    assert current_academic_year(datetime.date(2026, 8, 31)) == 2026
    assert current_academic_year(datetime.date(2026, 9, 1)) == 2027
    assert academic_year_label(2023) == "2022/23"
    assert academic_year_label(2000) == "1999/00"


def test_school_with_every_required_figure_needs_no_attention(
    cast, school_a1, school_a2, branch_a1
):
    fill_required(school_a1, 2027)
    items = schools_missing_context(user=cast["coordinator_a"], year=2027)
    assert [i.school.code for i in items] == ["a2", "a1-f"]  # by short name within the municipality


def test_attention_names_what_is_missing_and_the_last_year_with_data(cast, school_a2):
    fill_required(school_a2, 2026)
    ContextValue.objects.create(
        school=school_a2,
        year=2027,
        indicator=ContextIndicator.objects.get(code="sek_index"),
        number=30,
    )
    item = next(
        i
        for i in schools_missing_context(user=cast["coordinator_a"], year=2027)
        if i.school == school_a2
    )
    assert item.missing_contingent
    assert (
        "Индекс СЭК: доля детей, у которых хотя бы один родитель с высшим образованием"
        not in item.missing_indicators
    )
    assert "Доля педагогов в возрасте 65 лет и старше" in item.missing_indicators
    assert item.last_year_with_data == 2027


def test_attention_stays_within_scope(cast):
    items = schools_missing_context(user=cast["school_team_a1"], year=2027)
    assert [i.school.code for i in items] == ["a1"]


def test_home_page_shows_the_list(client, cast):
    client.login(username="coordinator_b", password=PASSWORD)
    page = client.get(reverse("home")).content.decode()
    assert "Требует внимания" in page
    assert "ООШ с. Вторая" in page
    assert "СОШ с. Альфа" not in page


def test_home_page_shows_a_long_list_25_schools_a_page(client, cast, municipality_b):
    plain_schools(municipality_b, 30, code_prefix="n")
    client.login(username="coordinator_b", password=PASSWORD)
    first = client.get(reverse("home"))
    assert first.context["missing_context"].total == 31  # and «ООШ с. Вторая»
    page = first.content.decode()
    assert "Строки 1–25 из 31" in page and "?missing_page=2" in page
    # By name: «ООШ с. Вторая» and «Школа 000» … «Школа 023» on the first page.
    assert "ООШ с. Вторая" in page and "Школа 023" in page and "Школа 024" not in page
    second = client.get(reverse("home"), {"missing_page": 2}).content.decode()
    assert "Школа 024" in second and "Школа 029" in second and "Школа 023" not in second
