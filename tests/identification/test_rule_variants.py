"""Rule variants saved from «Попробовать другие параметры»: the built-in rules stay as they are
for everyone; a variant belongs to the territory that saved it, says its thresholds in its name
and is offered only inside that territory."""

import datetime
import importlib

import pytest
from django.test import Client
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.assessments.services import result_import
from opora.identification.models import IdentificationRun, RuleSet
from opora.programs.models import Order
from opora.registry.models import Municipality, Region
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# a1 has two ВПР/ОГЭ results at or above 30 % «2»; a2 has one at 29.99 %, so it enters the list
# only under a lower threshold; b1 (municipality B) is listed either way.
RESULTS = """school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2023,ОГЭ,rus,9,10,3,4,2,1
a2,2023,ВПР,math,5,3001,900,1000,600,501
a2,2023,ВПР,rus,5,100,26,30,30,14
b1,2023,ВПР,math,5,10,5,3,1,1
b1,2023,ВПР,rus,5,10,5,3,1,1
"""
TRIED = {
    "year": 2024,
    "threshold": "25",
    "min_participants": 1,
    "min_hits_last_year": 2,
    "consecutive_years": 2,
}


@pytest.fixture
def results(cast):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)


@pytest.fixture
def fioco(db):
    return RuleSet.objects.get(code="shnor-fioco", version=1)


@pytest.fixture
def other_region(db):
    """A second region with its own operator and a coordinator of its municipality."""
    region = Region.objects.create(name="Соседняя область")
    municipality = Municipality.objects.create(region=region, code="mun-c", name="Район В")
    User.objects.create_user(
        username="region_operator_c", password=PASSWORD, role=Role.REGION, region=region
    )
    User.objects.create_user(
        username="coordinator_c",
        password=PASSWORD,
        role=Role.COORDINATOR,
        municipality=municipality,
    )
    return region


def log_in(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)


def save_variant(client, username, rule_set, municipality="mun-a"):
    """The user tries a 25 % threshold on the what-if page and saves it; returns the new run."""
    log_in(client, username)
    response = client.post(
        reverse("identification:try"),
        {**TRIED, "rule_set": rule_set.pk, "municipality": municipality, "save": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return IdentificationRun.objects.latest("created_at")


def offered(client, username):
    """The rule sets the user's run form offers, by code."""
    log_in(client, username)
    form = client.get(reverse("identification:index")).context["form"]
    return {r.code: r for r in form.fields["rule_set"].queryset}


def test_coordinators_save_leaves_the_built_in_rule_alone_for_everyone_else(client, results, fioco):
    # Failed before the fix: the save made an ownerless version 2 of «shnor-fioco», which
    # municipality B was then offered and ran with a 25 % threshold.
    run = save_variant(client, "coordinator_a", fioco)
    assert run.params["threshold"] == pytest.approx(0.25)
    assert list(RuleSet.objects.filter(code="shnor-fioco").values_list("version", "params")) == [
        (1, fioco.params)
    ]
    assert offered(client, "coordinator_b")["shnor-fioco"] == fioco
    client.post(
        reverse("identification:index"),
        {"rule_set": fioco.pk, "year": 2024, "municipality": "mun-b"},
    )
    b_run = IdentificationRun.objects.get(municipality__code="mun-b")
    assert b_run.rule_set == fioco and b_run.params["threshold"] == 0.3
    assert run.rule_set.municipality.code == "mun-a" and run.rule_set.region is None


def test_a_variant_is_named_after_its_thresholds(client, results, fioco):
    variant = save_variant(client, "coordinator_a", fioco).rule_set
    assert variant.title == (
        "ШНОР: критерии ФИОКО (доля «2» ≥ 25 % в 2 и более процедурах прошлого года "
        "или хотя бы в одной 2 года подряд, от 1 участника)"
    )
    assert variant.version == 1 and variant.code != "shnor-fioco"
    # The source names the built-in rule by its title: codes are not for people.
    assert "Район А" in variant.source and f"«{fioco.title}»" in variant.source
    log_in(client, "coordinator_a")
    page = client.get(reverse("identification:index")).content.decode()
    assert variant.title in page


def test_saving_the_same_thresholds_again_reuses_the_variant(client, results, fioco):
    first = save_variant(client, "coordinator_a", fioco).rule_set
    second = save_variant(client, "coordinator_a", fioco).rule_set
    assert first == second
    # Trying again from the variant itself changes neither it nor the built-in rule.
    third = save_variant(client, "coordinator_a", first).rule_set
    assert third == first
    assert RuleSet.objects.filter(code="shnor-fioco").count() == 1


def test_a_municipalitys_variant_is_its_own(client, results, fioco, other_region):
    variant = save_variant(client, "coordinator_a", fioco).rule_set
    assert variant.code in offered(client, "coordinator_a")
    for username in ("coordinator_b", "region_operator", "coordinator_c", "region_operator_c"):
        assert variant.code not in offered(client, username), username
        page = client.get(reverse("identification:index")).content.decode()
        # Not offered: neither in the form nor among the rules (the runs below may name it).
        assert variant.title not in page.split("<h2>Запуски</h2>")[0], username
        own = "mun-c" if username.endswith("_c") else "mun-b"
        run = {"rule_set": variant.pk, "year": 2024, "municipality": own}
        assert client.post(reverse("identification:index"), run).status_code == 404, username
        assert client.get(reverse("identification:try"), run).status_code == 404, username
        assert client.post(reverse("identification:risk_group"), run).status_code == 404
        tried = {**TRIED, **run, "save": ""}
        assert client.post(reverse("identification:try"), tried).status_code == 404, username
    assert not IdentificationRun.objects.exclude(municipality__code="mun-a").exists()


def test_a_region_variant_is_offered_to_its_municipalities_only(
    client, results, fioco, other_region
):
    run = save_variant(client, "region_operator", fioco, municipality="")
    variant = run.rule_set
    assert run.municipality is None and variant.region.name == "Тестовая область"
    assert variant.municipality is None
    for username in ("region_operator", "coordinator_a", "coordinator_b"):
        assert offered(client, username)[variant.code] == variant, username
    client.post(
        reverse("identification:index"),
        {"rule_set": variant.pk, "year": 2024, "municipality": "mun-b"},
    )
    assert IdentificationRun.objects.get(municipality__code="mun-b").rule_set == variant
    for username in ("coordinator_c", "region_operator_c"):
        assert variant.code not in offered(client, username), username
        run = {"rule_set": variant.pk, "year": 2024, "municipality": "mun-c"}
        assert client.post(reverse("identification:index"), run).status_code == 404, username


def test_a_municipalitys_variant_list_is_approved_in_that_municipality_only(
    client, results, fioco, municipality_a
):
    run = save_variant(client, "coordinator_a", fioco)
    order = Order.objects.create(
        region=municipality_a.region,
        municipality=municipality_a,
        issuer="Управление образования",
        number="71",
        date=datetime.date(2023, 9, 1),
        title="Об утверждении списка ШНОР",
    )
    log_in(client, "region_operator")
    page = client.get(reverse("identification:run_detail", args=[run.pk]))
    assert not page.context["can_approve"]
    approve = reverse("identification:run_approve", args=[run.pk])
    assert client.post(approve, {"order": order.pk}).status_code == 403
    log_in(client, "coordinator_a")
    client.post(approve, {"order": order.pk})
    run.refresh_from_db()
    assert run.order == order


@pytest.mark.parametrize("username", ["observer_b", "methodist_a", "school_team_a1", "curator_a1"])
def test_roles_that_draw_up_no_lists_cannot_save_a_variant(client, results, fioco, username):
    log_in(client, username)
    response = client.post(
        reverse("identification:try"),
        {**TRIED, "rule_set": fioco.pk, "municipality": "mun-a", "save": ""},
    )
    assert response.status_code == 403
    assert RuleSet.objects.filter(created_by__isnull=False).count() == 0
    assert not IdentificationRun.objects.exists()


@pytest.mark.parametrize("rule_set", ["99999999999999999999", "abc", "²", "-1"])
def test_a_nonsense_rule_set_is_not_found_or_refused_in_words(client, results, rule_set):
    log_in(client, "coordinator_a")
    run = {"rule_set": rule_set, "year": 2024, "municipality": "mun-a"}
    for response in (
        client.get(reverse("identification:try"), run),
        client.post(reverse("identification:index"), run),
    ):
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "Выберите корректный вариант" in response.content.decode()


def test_a_version_a_coordinator_saved_before_variants_becomes_their_variant(cast, fioco):
    from django.apps import apps

    migration = importlib.import_module("opora.identification.migrations.0009_rule_set_owners")
    legacy = RuleSet.objects.create(
        code="shnor-fioco",
        version=2,
        title=fioco.title,  # «доля «2» ≥ 30 %», which it was not
        kind=fioco.kind,
        category=fioco.category,
        params={**fioco.params, "threshold": 0.25},
        created_by=cast["coordinator_a"],
    )
    migration.own_saved_versions(apps, None)
    legacy.refresh_from_db()
    assert (legacy.municipality, legacy.region) == (cast["coordinator_a"].municipality, None)
    assert legacy.derived_from == fioco and "≥ 25 %" in legacy.title
    assert offered(Client(), "coordinator_b")["shnor-fioco"] == fioco
