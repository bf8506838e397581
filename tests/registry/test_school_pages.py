"""The school list, the school card and the forms that edit a school and its context by year."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opora.registry.models import ContextIndicator, ContextValue, Contingent, SchoolType
from tests.conftest import PASSWORD, plain_schools

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [s.code for s in response.context["schools"].rows]


def put(school, year, code, number=None, text=""):
    indicator = ContextIndicator.objects.get(code=code)
    ContextValue.objects.create(
        school=school, year=year, indicator=indicator, number=number, text=text
    )


@pytest.fixture
def coordinator_client(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    return client


def test_list_filters_by_type_locality_smallness_and_text(coordinator_client):
    url = reverse("registry:school_list")
    assert codes(coordinator_client.get(url, {"school_type": "гимназия"})) == ["a2"]
    assert codes(coordinator_client.get(url, {"locality": "urban"})) == ["a2"]
    assert codes(coordinator_client.get(url, {"small": "on"})) == ["a1-f"]
    assert codes(coordinator_client.get(url, {"q": "бета"})) == ["a1-f"]


def test_list_sorts_by_students_of_the_latest_year(coordinator_client, school_a1, school_a2):
    Contingent.objects.create(school=school_a1, year=2022, total=500)
    Contingent.objects.create(school=school_a1, year=2023, total=80)
    Contingent.objects.create(school=school_a2, year=2023, total=300)
    url = reverse("registry:school_list")
    assert codes(coordinator_client.get(url, {"sort": "-students"}))[:2] == ["a2", "a1"]
    assert codes(coordinator_client.get(url, {"sort": "students"}))[:2] == ["a1", "a2"]


def test_a_long_list_comes_fifty_rows_a_page_keeping_filter_and_order(
    coordinator_client, cast, municipality_a
):
    plain_schools(municipality_a, 120, code_prefix="g")
    url = reverse("registry:school_list")
    first = coordinator_client.get(url, {"school_type": SchoolType.SOSH, "sort": "-code"})
    assert first.context["schools"].total == 121  # and a1
    assert codes(first)[:2] == ["g119", "g118"] and len(codes(first)) == 50
    page = first.content.decode()
    assert "Строки 1–50 из 121" in page
    assert "?school_type=%D0%A1%D0%9E%D0%A8&amp;sort=-code&amp;page=3" in page
    last = coordinator_client.get(url, {"school_type": SchoolType.SOSH, "sort": "-code", "page": 3})
    assert codes(last)[-2:] == ["g000", "a1"] and len(codes(last)) == 21
    # A page past the end or not a number, as an old or mistyped link may ask for, is no error.
    beyond = coordinator_client.get(
        url, {"school_type": SchoolType.SOSH, "sort": "-code", "page": 99}
    )
    assert codes(beyond) == codes(last)
    assert codes(coordinator_client.get(url, {"page": "x", "sort": "-code"}))[0] == "g119"


def test_unknown_filter_values_are_ignored_not_an_error(coordinator_client):
    response = coordinator_client.get(
        reverse("registry:school_list"), {"sort": "drop table", "school_type": "x"}
    )
    assert response.status_code == 200
    assert codes(response) == ["a2", "a1", "a1-f"]  # sorted by short name


def test_card_shows_context_by_year_with_change_in_points(coordinator_client, school_a1):
    put(school_a1, 2022, "low_income_families", Decimal("25"))
    put(school_a1, 2023, "low_income_families", Decimal("22.5"))
    put(school_a1, 2023, "vacancies_note", text="учитель математики")
    response = coordinator_client.get(reverse("registry:school_detail", args=["a1"]))
    assert response.context["years"] == [2022, 2023]
    row = response.context["sections"][0].rows[0]
    assert [c.value for c in row.cells] == [Decimal("25"), Decimal("22.5")]
    assert row.cells[1].change == Decimal("-2.5")
    assert row.cells[1].direction == "better"
    page = response.content.decode()
    assert "2021/22" in page and "2022/23" in page
    assert "−2,5\u00a0п.п." in page
    assert "учитель математики" in page


def test_card_lists_branches_and_links_the_parent(coordinator_client, branch_a1):
    page = coordinator_client.get(reverse("registry:school_detail", args=["a1"])).content.decode()
    assert "филиал в с. Бета" in page
    page = coordinator_client.get(reverse("registry:school_detail", args=["a1-f"])).content.decode()
    assert "Головная школа" in page and "СОШ с. Альфа" in page


def test_school_with_no_context_says_so(coordinator_client):
    page = coordinator_client.get(reverse("registry:school_detail", args=["a2"])).content.decode()
    assert "Сведения об условиях работы не внесены." in page
    assert "Контингент не указан." in page


def test_school_team_saves_its_context_and_history_remembers(client, cast, school_a1):
    client.login(username="school_team_a1", password=PASSWORD)
    url = reverse("registry:school_context_edit", args=["a1", 2023])
    form = {
        "total": "86",
        "grades_1_4": "36",
        "grades_5_9": "48",
        "grades_10_11": "1",
        "ctx_low_income_families": "11",
        "ctx_stable_internet": "no",
        "ctx_vacancies_note": "нет",
    }
    assert client.post(url, form).status_code == 302
    form["ctx_low_income_families"] = "12,5"
    client.post(url, form)
    value = ContextValue.objects.get(
        school=school_a1, year=2023, indicator__code="low_income_families"
    )
    assert value.number == Decimal("12.5")
    assert [h.number for h in value.history.order_by("history_date")] == [
        Decimal("11"),
        Decimal("12.5"),
    ]
    assert ContextValue.objects.get(indicator__code="stable_internet").number == 0
    assert Contingent.objects.get(school=school_a1, year=2023).total == 86


def test_clearing_a_field_removes_the_figure(client, cast, school_a1):
    put(school_a1, 2023, "sek_index", Decimal("19"))
    client.login(username="school_team_a1", password=PASSWORD)
    client.post(reverse("registry:school_context_edit", args=["a1", 2023]), {"ctx_sek_index": ""})
    assert not ContextValue.objects.filter(school=school_a1, indicator__code="sek_index").exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("ctx_low_income_families", "120", "Убедитесь, что это значение меньше либо равно 100."),
        ("ctx_low_income_families", "много", "Введите число."),
        ("grades_1_4", "90", "Сумма по уровням больше общего числа обучающихся."),
    ],
)
def test_wrong_context_value_is_explained_and_nothing_saved(
    client, cast, school_a1, field, value, message
):
    client.login(username="school_team_a1", password=PASSWORD)
    form = {
        "total": "86",
        "grades_1_4": "36",
        "grades_5_9": "48",
        "grades_10_11": "1",
        field: value,
    }
    response = client.post(reverse("registry:school_context_edit", args=["a1", 2023]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contingent.objects.exists() and not ContextValue.objects.exists()


def test_coordinator_edits_school_details(coordinator_client, school_a1):
    url = reverse("registry:school_edit", args=["a1"])
    form = {
        "name": school_a1.name,
        "short_name": "СОШ с. Альфа им. А.",
        "school_type": "СОШ",
        "settlement": "с. Альфа",
        "is_rural": "True",
        "distance_km": "18",
        "address": "",
    }
    response = coordinator_client.post(url, form, follow=True)
    assert "Сведения о школе сохранены." in response.content.decode()
    school_a1.refresh_from_db()
    assert school_a1.short_name == "СОШ с. Альфа им. А."


def test_a_school_cannot_become_a_branch_without_a_parent(coordinator_client, school_a2):
    form = {"name": school_a2.name, "short_name": school_a2.short_name, "school_type": "филиал"}
    response = coordinator_client.post(reverse("registry:school_edit", args=["a2"]), form)
    assert "У филиала должна быть головная школа, у школы — нет." in response.content.decode()
    school_a2.refresh_from_db()
    assert school_a2.school_type == "гимназия"


def test_the_school_card_shows_and_edits_its_fisoko_login(coordinator_client, school_a1, school_a2):
    form = {"name": school_a1.name, "short_name": school_a1.short_name, "school_type": "СОШ"}
    url = reverse("registry:school_edit", args=["a1"])
    coordinator_client.post(url, {**form, "fisoko_login": " (SCH640101) "})
    school_a1.refresh_from_db()
    assert school_a1.fisoko_login == "sch640101"
    card = coordinator_client.get(reverse("registry:school_detail", args=["a1"]))
    assert "sch640101" in card.content.decode()
    # A login names one school: the other school's form says so and keeps its own.
    other = {"name": school_a2.name, "short_name": school_a2.short_name, "school_type": "гимназия"}
    answer = coordinator_client.post(
        reverse("registry:school_edit", args=["a2"]), {**other, "fisoko_login": "sch640101"}
    )
    assert "Этот логин ФИС ОКО уже указан у другой школы." in answer.content.decode()
    answer = coordinator_client.post(
        reverse("registry:school_edit", args=["a2"]), {**other, "fisoko_login": "школа"}
    )
    assert "логин ФИС ОКО — латинские буквы и цифры" in answer.content.decode()
    school_a2.refresh_from_db()
    assert school_a2.fisoko_login == ""
