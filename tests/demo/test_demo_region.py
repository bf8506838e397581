"""The demo region is a region: besides Ивантеевка, invented municipalities of the Saratov region
with results, lists found by the built-in rule and approved by invented orders, all marked as
invented (issue 18, item 8)."""

import pytest
from django.urls import reverse

from opora.assessments.models import SchoolResult
from opora.demo.services import DEMO_PASSWORD
from opora.identification.models import IdentificationRun, RunStatus
from opora.registry.models import Municipality, School

pytestmark = pytest.mark.django_db

INVENTED = {"zarechny", "lugovoy", "kovylny", "sosnovsky"}
# The lists docs/demo-data.md describes, by year of the list: a school whose share of «2»
# reaches 30 % in two procedures of the year before (criterion A), or in one procedure in each
# of the two years before (criterion B).
LISTS = {
    ("zarechny", 2023): {"zarechny-03", "zarechny-04"},
    ("zarechny", 2024): {"zarechny-03", "zarechny-05"},  # 04 left the list, 05 joined it
    ("lugovoy", 2023): {"lugovoy-03"},
    ("lugovoy", 2024): {"lugovoy-03"},
    ("kovylny", 2023): {"kovylny-03", "kovylny-04"},
    ("kovylny", 2024): {"kovylny-03", "kovylny-04", "kovylny-05"},
    ("sosnovsky", 2023): set(),
    ("sosnovsky", 2024): {"sosnovsky-05"},
}


def test_the_regional_dashboard_compares_the_municipalities_of_the_saratov_region(client, demo):
    client.login(username="region", password=DEMO_PASSWORD)
    response = client.get(reverse("monitoring:region_dashboard"))
    summaries = {
        s.municipality.code: (s.year, s.schools, s.shnor) for s in response.context["summaries"]
    }
    saratov = set(
        Municipality.objects.filter(region__name="Саратовская область").values_list(
            "code", flat=True
        )
    )
    assert saratov == INVENTED | {"ivanteevka"}
    # The region opens on its year in view, 2023/24: the lists of that year, each municipality's
    # own and Ivanteevka's one school of seed 000's list approved by order № 71.
    assert {code: summaries[code] for code in saratov} == {
        "ivanteevka": (2024, 9, 1),
        "zarechny": (2024, 7, len(LISTS["zarechny", 2024])),
        "lugovoy": (2024, 6, len(LISTS["lugovoy", 2024])),
        "kovylny": (2024, 8, len(LISTS["kovylny", 2024])),
        "sosnovsky": (2024, 5, len(LISTS["sosnovsky", 2024])),
    }
    page = response.content.decode()
    for name in Municipality.objects.filter(code__in=saratov).values_list("name", flat=True):
        assert name in page


def test_invented_names_carry_the_mark(demo):
    for municipality in Municipality.objects.filter(code__in=INVENTED):
        assert municipality.name.endswith("(пример)")
        assert municipality.center.endswith("(пример)")
    schools = School.objects.filter(municipality__code__in=INVENTED)
    assert schools.count() == 26
    for school in schools:
        assert school.is_synthetic, school.code
        assert school.name.endswith("(пример)") and school.short_name.endswith("(пример)")
    for run in IdentificationRun.objects.filter(municipality__code__in=INVENTED):
        assert "(пример)" in run.order.number and run.order.title.endswith("(пример)")
        assert "(пример)" in run.order.issuer


def test_lists_are_found_by_the_built_in_rule_and_approved_by_order(demo):
    runs = IdentificationRun.objects.filter(municipality__code__in=INVENTED).select_related(
        "rule_set", "municipality"
    )
    found = {
        (run.municipality.code, run.year): set(
            run.verdicts.filter(flagged=True).values_list("school__code", flat=True)
        )
        for run in runs
    }
    assert found == LISTS
    assert {(r.rule_set.code, r.status) for r in runs} == {("shnor-fioco", RunStatus.APPROVED)}


def test_results_are_those_of_ivanteevkas_years_and_procedures(demo):
    def procedures(codes):
        return set(
            SchoolResult.objects.filter(school__municipality__code__in=codes).values_list(
                "year", "assessment__kind", "assessment__subject__code", "assessment__grade"
            )
        )

    invented = procedures(INVENTED)
    assert {year for year, *_ in invented} == {2022, 2023}
    assert invented <= procedures({"ivanteevka"})
