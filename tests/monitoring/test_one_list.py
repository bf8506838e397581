"""One source of truth for the list: the list a year approves by order is what the dashboard,
the annual report, the public page and a computed indicator's population count, school by
school; a draft run is named as a draft and counts nowhere."""

import datetime
import re

import pytest
from django.urls import reverse

from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.identification.services import identification_approve
from opora.monitoring.public import public_page
from opora.monitoring.report import build
from opora.monitoring.report_data import report_data
from opora.programs.models import Indicator, Order, Program
from opora.programs.selectors import indicator_schools
from opora.registry.models import School
from tests.conftest import PASSWORD, plain_schools


@pytest.fixture
def schools(cast, municipality_a):
    """Municipality A's head schools besides A1 and A2: «Школа 000» … «Школа 002»."""
    plain_schools(municipality_a, 3, code_prefix="a-")
    return {s.code: s for s in School.objects.filter(municipality=municipality_a)}


def run_of(municipality, year, flagged, *, schools, kind="low_results", categories=None):
    rule_set, _ = RuleSet.objects.get_or_create(
        code=f"test-{kind}",
        version=1,
        defaults={"title": f"Правило {kind}", "kind": kind, "category": "ШНОР", "params": {}},
    )
    run = IdentificationRun.objects.create(
        rule_set=rule_set, year=year, region=municipality.region, municipality=municipality,
        params={"categories": [{"name": c} for c in categories or []]}, inputs={"years": [year - 1]},
        schools_count=len(schools), flagged_count=len(flagged),
    )  # fmt: skip
    for code, school in schools.items():
        category = (categories or [""])[0] if code in flagged else ""
        Verdict.objects.create(
            run=run, school=school, flagged=code in flagged, category=category, reasons=["—"]
        )
    return run


def approve(run, user, number):
    order = Order.objects.create(
        region=run.region, municipality=run.municipality, issuer="Управление образования",
        number=number, date=datetime.date(run.year - 1, 9, 1), title="Об утверждении списка",
    )  # fmt: skip
    return identification_approve(user=user, run=run, order=order)


def dashboard_schools(client, municipality, year):
    """The names the dashboard lists as the approved ШНОР, and its count «в ШНОР»."""
    page = client.get(
        reverse("monitoring:dashboard", args=[municipality.code]), {"year": year}
    ).content.decode()
    listed = re.search(r'<ul class="approved-list">(.*?)</ul>', page, re.S)
    names = set(re.findall(r'">([^<]+)</a></li>', listed.group(1))) if listed else set()
    count = int(re.search(r"в ШНОР: <strong>(\d+)</strong>", page).group(1))
    return names, count, page


def report_schools(municipality, year):
    """The schools the report treats as ШНОР: its ШНОР group and its table of list exits."""
    data = report_data(municipality=municipality, year=year)
    names = {s.code: s.short_name for s in data.schools}
    tables = [b for b in build(data) if getattr(b, "title", "") == "Школы в списках ШНОР"]
    exits = tables[0].rows if tables else []
    in_year = {row[0] for row in exits if f"{year - 1}/{year % 100:02d}: да" in row[2]}
    return {names[c] for c in data.shnor}, in_year


def public_schools(municipality, year):
    return {
        v.school.short_name
        for run, verdicts in public_page(code=municipality.code).lists
        if run.year == year
        for v in verdicts
    }


def population(municipality, year):
    program = Program.objects.create(
        municipality=municipality, level="municipal", kind="program", name=f"Программа {year}",
        status="approved",
    )  # fmt: skip
    indicator = Indicator.objects.create(
        program=program, number="1", name="Доля «2» ОГЭ", unit="percent", scope="municipality",
        source="results_twos", source_population="supported",
    )  # fmt: skip
    return {s.short_name for s in indicator_schools(indicator=indicator, year=year)}


def test_only_the_approved_list_reaches_every_page(client, schools, municipality_a, coordinator_a):
    run_of(municipality_a, 2024, {"a1", "a2", "a-000"}, schools=schools)  # a draft of 3
    approved = run_of(municipality_a, 2024, {"a-001", "a-002"}, schools=schools)
    # A draft clustering counts nowhere either.
    run_of(
        municipality_a, 2024, {"a1", "a2"}, schools=schools, kind="clustering", categories=["ШНОР"]
    )
    approve(approved, coordinator_a, "12")
    expected = {"Школа 001", "Школа 002"}
    client.login(username="coordinator_a", password=PASSWORD)

    names, count, page = dashboard_schools(client, municipality_a, 2024)
    assert (names, count) == (expected, 2)
    assert "черновик, не утверждён" in page  # the drafts are named as drafts
    assert "Утверждённой кластеризации нет" in page
    shnor, in_year = report_schools(municipality_a, 2024)
    assert shnor == in_year == expected
    general = build(report_data(municipality=municipality_a, year=2024))[2].text
    assert "приказом от 01.09.2023 № 12: Школа 001, Школа 002." in general
    assert "Черновики" not in general  # a draft beside its year's approved list is a what-if
    assert public_schools(municipality_a, 2024) == expected
    assert population(municipality_a, 2024) == expected

    # The next year's list, once approved, is that year's; the year before keeps its own.
    next_year = run_of(municipality_a, 2025, {"a1"}, schools=schools)
    approve(next_year, coordinator_a, "7")
    assert dashboard_schools(client, municipality_a, 2025)[:2] == ({"СОШ с. Альфа"}, 1)
    assert dashboard_schools(client, municipality_a, 2024)[:2] == (expected, 2)
    assert report_schools(municipality_a, 2025) == ({"СОШ с. Альфа"}, {"СОШ с. Альфа"})
    assert report_schools(municipality_a, 2024) == (expected, expected)
    assert public_schools(municipality_a, 2025) == {"СОШ с. Альфа"}
    assert public_schools(municipality_a, 2024) == expected
    assert population(municipality_a, 2025) == {"СОШ с. Альфа"}
    assert population(municipality_a, 2024) == expected


def test_without_an_approved_list_nothing_counts_as_shnor(
    client, schools, municipality_a, coordinator_a
):
    run_of(municipality_a, 2024, {"a1", "a2", "a-000"}, schools=schools)
    client.login(username="coordinator_a", password=PASSWORD)

    names, count, page = dashboard_schools(client, municipality_a, 2024)
    assert (names, count) == (set(), 0)
    assert "Утверждённого списка ШНОР на 2023/24 нет" in page
    assert report_schools(municipality_a, 2024) == (set(), set())
    general = build(report_data(municipality=municipality_a, year=2024))[2].text
    assert general == (
        "Утверждённого приказом списка ШНОР на 2023/24 нет: ШНОР в отчёте не выделены. "
        "Черновики, не утверждённые и не учтённые: «Правило low_results» на 2023/24."
    )
    assert public_schools(municipality_a, 2024) == set()
    assert population(municipality_a, 2024) == set()
