"""The demo approves each seed's list by the order the seed names (an example order, marked as
such, where the seed names none), so every page that reads only approved lists shows them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from opora.demo.services import DEMO_PASSWORD
from opora.identification.models import IdentificationRun, RunStatus
from opora.identification.selectors import approved_list
from opora.monitoring.report_data import report_data
from opora.programs.models import Order
from opora.registry.models import Municipality

pytestmark = pytest.mark.django_db

EXAMPLE = "(пример, в документе-образце приказа нет)"

# municipality: year of the list, its rule, the approving order (number, date)
SEED_ORDERS = {
    # seed 000 §5.4: the clustering under «Положение о кластеризации, приказ УО № 71 от 01.04.2022»
    "ivanteevka": (2024, "ivanteevka-clusters", ("71", datetime.date(2022, 4, 1))),
    # seed 001 names no list and no order: the demo's example
    "tyumen": (2023, "shnor-fioco", ("(пример)", datetime.date(2022, 9, 1))),
    # seed 002: order № 121 approves the program that names the three ШНОР
    "terbuny": (2022, "shnor-fioco", ("121", datetime.date(2022, 2, 24))),
    # seed 003 «Актуальность»: the list set by letter МО КК № 75-78 of 12.01.2022
    "pirovskoe": (2022, "shnor-fioco", ("75-78", datetime.date(2022, 1, 12))),
    # seed 004: the regional list, order № 80 of 31.01.2023
    "svobodny": (2023, "shnor-fioco", ("80", datetime.date(2023, 1, 31))),
}

# seed 000 §5.2: the clustering of Ивантеевка, head schools only
IVANTEEVKA_GROUPS = {
    "Школы с высокими образовательными результатами": {
        "Гимназия с. Ивантеевка", "СОШ с. Ивантеевка",
    },
    "Школы с низкими образовательными результатами (ШНОР)": {"СОШ с. Бартеневка"},
    "Школы в зоне риска снижения образовательных результатов": {
        "СОШ п. Знаменский", "СОШ с. Ивановка", "ООШ с. Арбузовка",
    },
    "Профилактика учебной неуспешности": {
        "СОШ с. Яблоновый Гай", "ООШ с. Клевенка", "ООШ с. Канаевка",
    },
}  # fmt: skip


def test_each_municipality_has_its_seed_list_approved_by_the_seeds_order(demo):
    for code, (year, rule, (number, date)) in SEED_ORDERS.items():
        municipality = Municipality.objects.get(code=code)
        found = approved_list(municipality=municipality, year=year)
        assert found.shnor_run is not None, code
        assert (found.shnor_run.year, found.shnor_run.rule_set.code) == (year, rule), code
        order = found.shnor_run.order
        assert (order.number, order.date) == (number, date), code
        assert order.municipality == municipality, code


def test_only_the_order_a_seed_does_not_name_is_marked_as_an_example(demo):
    examples = set(
        Order.objects.filter(title__contains=EXAMPLE).values_list("municipality__code", flat=True)
    )
    assert examples == {"tyumen"}
    cited = IdentificationRun.objects.filter(status=RunStatus.APPROVED).select_related("order")
    for run in cited:
        assert run.order.issuer, run  # every cited order says who issued it


def test_a_page_citing_the_example_order_says_it_is_an_example(client, demo):
    client.login(username="coord_tyumen", password=DEMO_PASSWORD)
    page = client.get(
        reverse("monitoring:dashboard", args=["tyumen"]), {"year": 2023}
    ).content.decode()
    assert "список утверждён приказом от 01.09.2022 № (пример)" in page


def test_pirovskoe_clustering_is_approved_by_its_mppko(demo):
    """Seed 003 §2.2 sets the three clusters in the МППКО approved on 14.06.2022 (no number)."""
    municipality = Municipality.objects.get(code="pirovskoe")
    run = approved_list(municipality=municipality, year=2022).clustering_run
    assert run.rule_set.code == "pirovskoe-clusters"
    assert (run.order.number, run.order.date) == ("", datetime.date(2022, 6, 14))
    assert "Тимербулатов" in run.order.signatory


def test_ivanteevka_report_names_the_groups_of_seed_000(demo):
    municipality = Municipality.objects.get(code="ivanteevka")
    data = report_data(municipality=municipality, year=2024)
    names, placed = data.approved.categories()
    heads = {s.pk: s.short_name for s in data.schools if s.parent_id is None}
    groups = {
        name: {
            heads[pk] for pk, (category, _) in placed.items() if category == name and pk in heads
        }
        for name in names
    }
    assert groups == IVANTEEVKA_GROUPS
    assert data.shnor == {"ivanteevka-01"}  # СОШ с. Бартеневка
    assert data.approved.clustering_run.order.number == "71"


def test_ivanteevka_federal_criteria_run_stays_a_draft(demo):
    """Seed 000: the federal lists named no school of the district and no order approved a list
    by those criteria; the run is shown as a draft and the clustering is the list in force."""
    run = IdentificationRun.objects.get(
        municipality__code="ivanteevka", rule_set__code="shnor-fioco"
    )
    assert run.status == RunStatus.DRAFT


def test_loading_twice_approves_nothing_more(demo):
    def snapshot():
        return (
            Order.objects.count(),
            sorted(
                IdentificationRun.objects.values_list(
                    "municipality__code", "rule_set__code", "year", "status", "order_id"
                )
            ),
            IdentificationRun.history.count(),
        )

    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_a_draft_left_by_an_older_demo_is_approved_on_reload(demo):
    run = IdentificationRun.objects.get(municipality__code="terbuny", rule_set__code="shnor-fioco")
    IdentificationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DRAFT, order=None, approved_by=None, approved_at=None
    )
    call_command("load_demo", stdout=io.StringIO())
    run.refresh_from_db()
    assert (run.status, run.order.number) == (RunStatus.APPROVED, "121")
    assert IdentificationRun.objects.filter(municipality__code="terbuny").count() == 1
