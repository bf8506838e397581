"""Copying a program to the next period: years move in the title, the period, the targets and
every activity's dates; the copy is a draft with no progress; addressees kept or cleared."""

import datetime

import pytest
from django.urls import reverse

from opora.programs.models import Activity, IndicatorValue, Program
from opora.programs.services import program_create_from_document
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "level": "municipal",
    "kind": "mppko",
    "name": "Муниципальная программа повышения качества образования на 2022-2024 годы",
    "status": "in_progress",
    "period": "2022-2024 годы",
    "start_year": 2022,
    "end_year": 2024,
    "passport": {
        "stages": "I этап: 2022 год; II этап: 2023-2024 годы",
        "basis": "Федеральный закон от 29.12.2012 № 273-ФЗ",
    },
    "goals": [
        {"number": "1", "text": "Повысить качество", "tasks": [{"number": "1.1", "text": "Т"}]}
    ],
    "indicators": [
        {
            "number": "1",
            "name": "Доля школ с положительной динамикой",
            "unit": "percent",
            "targets": {"2022": "50", "2024": "70"},
            "actuals": {"2023-01": "55"},
        }
    ],
    "activities": [
        {"number": "1", "text": "Анализ ВПР", "period": "Октябрь 2022", "addressees": ["a1"]},
        {"number": "2", "text": "Отчёт", "period": "до 30.09.2024", "addressees": "ШНОР"},
    ],
}


@pytest.fixture
def program(cast, municipality_a):
    program = program_create_from_document(
        user=None, municipality=municipality_a, data=DOCUMENT, orders={}
    )
    program.activities.update(status="done", comment="сделано", evidence_link="https://x.ru")
    return program


def _copy(client, program, addressees: str) -> Program:
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("programs:program_copy", args=[program.pk]), {"addressees": addressees}
    )
    copy = Program.objects.exclude(pk=program.pk).get()
    assert response["Location"] == reverse("programs:program_detail", args=[copy.pk])
    return copy


def test_the_copy_page_shows_the_new_title_and_asks_about_addressees(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("programs:program_copy", args=[program.pk]))
    html = page.content.decode()
    assert "на 2025-2027 годы" in html
    assert "Оставить те же школы" in html and "Очистить" in html
    assert not Program.objects.exclude(pk=program.pk).exists()  # a look creates nothing


def test_a_2022_2024_program_is_copied_as_a_2025_2027_draft(client, program):
    copy = _copy(client, program, "keep")

    assert copy.name == "Муниципальная программа повышения качества образования на 2025-2027 годы"
    assert (copy.period, copy.start_year, copy.end_year) == ("2025-2027 годы", 2025, 2027)
    assert (copy.status, copy.order) == ("draft", None)
    assert copy.passport == {
        "stages": "I этап: 2025 год; II этап: 2026-2027 годы",
        "basis": "Федеральный закон от 29.12.2012 № 273-ФЗ",  # a law's date is not a period
    }
    first, second = copy.activities.all()
    assert (first.period, first.starts_on, first.ends_on) == (
        "Октябрь 2025",
        datetime.date(2025, 10, 1),
        datetime.date(2025, 10, 31),
    )
    assert (second.period, second.ends_on) == ("до 30.09.2027", datetime.date(2027, 9, 30))
    assert {(a.status, a.comment, a.evidence_link) for a in copy.activities.all()} == {
        ("planned", "", "")
    }
    assert [s.code for s in first.schools.all()] == ["a1"]
    assert second.addressees == "ШНОР"
    indicator = copy.indicators.get()
    assert {t.year: t.value for t in indicator.targets.all()} == {2025: "50", 2027: "70"}
    assert not IndicatorValue.objects.filter(indicator__program=copy).exists()
    # The original stays as it was.
    program.refresh_from_db()
    assert program.name.endswith("на 2022-2024 годы")
    assert set(program.activities.values_list("status", flat=True)) == {"done"}


def test_the_copy_can_clear_the_addressee_schools(client, program):
    copy = _copy(client, program, "clear")

    assert not Activity.schools.through.objects.filter(activity__program=copy).exists()
    assert [s.code for s in program.activities.first().schools.all()] == ["a1"]


def test_only_those_who_may_create_the_program_copy_it(client, program):
    url = reverse("programs:program_copy", args=[program.pk])
    client.login(username="school_team_a1", password=PASSWORD)
    assert client.get(url).status_code == 403
    assert client.post(url, {"addressees": "keep"}).status_code == 403
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.post(url, {"addressees": "keep"}).status_code == 404
    assert Program.objects.count() == 1
