"""Identification runs: a rule set applied to a territory, with reasons for every school,
a comparison with the previous run, and approval as the official list by an order."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.assessments.services import result_import
from opora.identification.models import IdentificationRun, RuleSet
from opora.identification.services import (
    identification_approve,
    identification_compute,
    identification_compute_many,
    identification_save,
)
from opora.programs.models import Order
from opora.registry.models import Region
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
# a1: two listed assessments at or above 30 % «2» in 2022/23 (criterion A) — one exactly 30 %.
# a2: 29.99…% is below the threshold; b1 in another municipality.
RESULTS = f"""{HEADER}
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2023,ОГЭ,rus,9,10,3,4,2,1
a2,2023,ВПР,math,5,3001,900,1000,600,501
b1,2023,ВПР,math,5,10,5,3,1,1
b1,2023,ВПР,rus,5,10,5,3,1,1
"""


@pytest.fixture
def results(cast, school_a1, school_a2, school_b1):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)


@pytest.fixture
def fioco(db):
    return RuleSet.objects.get(code="shnor-fioco", version=1)


def run_for(user, rule_set, municipality=None, params=None):
    outcome = identification_compute(
        user=user,
        rule_set=rule_set,
        year=2024,
        region=Region.objects.get(),  # the cast lives in one region
        municipality=municipality,
        params=params,
    )
    return identification_save(user=user, outcome=outcome)


def test_run_flags_by_the_rule_and_explains_every_school(results, cast, fioco, municipality_a):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    verdicts = {v.school.code: v for v in run.verdicts.all()}
    assert set(verdicts) == {"a1", "a1-f", "a2"}  # only the municipality's schools
    assert verdicts["a1"].flagged
    assert verdicts["a1"].reasons[:2] == [
        "ВПР математика 5 кл., 2022/23: 34,6 % «2» (9 из 26) ≥ 30 %",
        "ОГЭ русский язык 9 кл., 2022/23: 30,0 % «2» (3 из 10) ≥ 30 %",
    ]
    assert not verdicts["a2"].flagged  # 900 of 3001 = 29.99 %
    assert not verdicts["a1-f"].flagged
    assert "нет результатов" in verdicts["a1-f"].reasons[0]
    assert (run.schools_count, run.flagged_count) == (3, 1)
    assert run.inputs["results"] == 3


def test_a_run_reads_only_the_assessments_and_years_its_rule_counts(
    results, cast, fioco, municipality_a
):
    """ВПР 7 кл. is not among ФИОКО's assessments, and 2020/21 is before its two years; the
    extended rule counts ВПР 7 кл., so its run reads that result too."""
    extra = f"{HEADER}\na1,2023,ВПР,math,7,20,10,5,3,2\na1,2021,ВПР,math,5,20,10,5,3,2\n"
    result_import(content=extra.encode(), filename="extra.csv", imported_by=None)
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    assert (run.inputs["results"], run.inputs["result_years"]) == (3, ["2022/23"])
    extended = RuleSet.objects.get(code="shnor-extended", version=1)
    run = run_for(cast["coordinator_a"], extended, municipality_a)
    assert (run.inputs["results"], run.inputs["result_years"]) == (4, ["2022/23"])
    assert "ВПР математика 7 кл., 2022/23: 50,0 % «2» (10 из 20) ≥ 30 %" in (
        run.verdicts.get(school__code="a1").reasons
    )


def test_other_parameters_make_a_variant_and_keep_the_rule(results, cast, fioco, municipality_a):
    params = {**fioco.params, "threshold": 0.29, "min_hits_last_year": 1}
    run = run_for(cast["coordinator_a"], fioco, municipality_a, params=params)
    assert (run.rule_set.derived_from, run.rule_set.municipality) == (fioco, municipality_a)
    assert RuleSet.objects.get(code="shnor-fioco").params["threshold"] == 0.3
    assert run.flagged_count == 2  # a2's 29.99 % now reaches the threshold


def test_region_operator_runs_for_the_whole_region(results, cast, fioco):
    run = run_for(cast["region_operator"], fioco)
    assert run.municipality is None
    assert {v.school.code for v in run.verdicts.filter(flagged=True)} == {"a1", "b1"}


def test_coordinator_cannot_run_for_another_municipality(results, cast, fioco, municipality_b):
    with pytest.raises(PermissionDenied):
        identification_compute(
            user=cast["coordinator_a"],
            rule_set=fioco,
            year=2024,
            region=municipality_b.region,
            municipality=municipality_b,
        )


def order_of(municipality, number="71", *, region=None):
    return Order.objects.create(
        region=region or municipality.region,
        municipality=municipality,
        issuer="Управление образования",
        number=number,
        date=datetime.date(2023, 9, 1),
        title="Об утверждении списка ШНОР",
    )


def test_approval_cites_an_order_and_happens_once(results, cast, fioco, municipality_a):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    order = order_of(municipality_a)
    identification_approve(user=cast["coordinator_a"], run=run, order=order)
    run.refresh_from_db()
    assert (run.status, run.order, run.approved_by) == ("approved", order, cast["coordinator_a"])
    assert list(order.identification_runs.all()) == [run]
    assert [h.status for h in run.history.order_by("history_date")] == ["draft", "approved"]
    with pytest.raises(ValidationError, match="уже утверждён"):
        identification_approve(
            user=cast["coordinator_a"], run=run, order=order_of(municipality_a, "72")
        )


def test_an_order_of_another_municipality_does_not_approve(
    results, cast, fioco, municipality_a, municipality_b
):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    with pytest.raises(ValidationError, match="другой территории"):
        identification_approve(user=cast["coordinator_a"], run=run, order=order_of(municipality_b))
    run.refresh_from_db()
    assert run.status == "draft" and run.order is None


def test_a_draft_may_not_claim_approval_without_an_order(results, cast, fioco, municipality_a):
    from django.db import IntegrityError, transaction

    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentificationRun.objects.filter(pk=run.pk).update(status="approved")


def test_outsider_cannot_approve(results, cast, fioco, municipality_a):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    with pytest.raises(PermissionDenied):
        identification_approve(user=cast["coordinator_b"], run=run, order=order_of(municipality_a))


def test_approval_page_offers_the_orders_of_the_territory_only(
    client, results, cast, fioco, municipality_a, municipality_b
):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    own, other = order_of(municipality_a), order_of(municipality_b, "99")
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("identification:run_approve", args=[run.pk])
    client.post(url, {"order": other.pk})
    run.refresh_from_db()
    assert run.status == "draft"
    page = client.get(reverse("identification:run_detail", args=[run.pk])).content.decode()
    assert "от 01.09.2023 № 71" in page and "№ 99" not in page
    client.post(url, {"order": own.pk})
    run.refresh_from_db()
    assert run.order == own


def test_page_compares_with_the_previous_run(client, results, cast, fioco, municipality_a):
    run_for(cast["coordinator_a"], fioco, municipality_a)
    params = {**fioco.params, "threshold": 0.29, "min_hits_last_year": 1}
    lower = run_for(cast["coordinator_a"], fioco, municipality_a, params=params)
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("identification:run_detail", args=[lower.pk]))
    changes = response.context["changes"]
    assert [(c.school.code, c.entered) for c in changes] == [("a2", True)]
    assert "≥ 29 %" in changes[0].reasons[0]


def test_run_page_is_refused_outside_the_scope(client, results, cast, fioco, municipality_a):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("identification:run_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("identification:run_export", args=[run.pk])).status_code == 404
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.get(reverse("identification:run_detail", args=[run.pk]))
    assert [v.school.code for v in response.context["verdicts"]] == ["a1"]


def test_index_runs_and_redirects_to_the_list(client, results, cast, fioco):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("identification:index"),
        {"rule_set": fioco.pk, "year": 2024, "municipality": "mun-a"},
    )
    run = IdentificationRun.objects.get()
    assert response["Location"] == reverse("identification:run_detail", args=[run.pk])
    assert run.created_by == cast["coordinator_a"]


def test_roles_that_do_not_run_see_no_run_form(client, results, cast):
    client.login(username="curator_a1", password=PASSWORD)
    assert client.get(reverse("identification:index")).context["form"] is None
    assert client.get(reverse("identification:try")).status_code == 403


def test_trying_parameters_shows_the_difference_and_saves_nothing(client, results, cast, fioco):
    client.login(username="coordinator_a", password=PASSWORD)
    form = {
        "rule_set": fioco.pk,
        "year": 2024,
        "municipality": "mun-a",
        "threshold": "29,9",
        "min_participants": 1,
        "min_hits_last_year": 1,
        "consecutive_years": 2,
        "preview": "",
    }
    response = client.post(reverse("identification:try"), form)
    assert response.context["difference"]["entered"][0][0] == "Гимназия г. Альфа"
    assert not IdentificationRun.objects.exists()
    response = client.post(reverse("identification:try"), {**form, "save": ""})
    run = IdentificationRun.objects.get()
    assert run.rule_set.derived_from == fioco and run.params["threshold"] == pytest.approx(0.299)


def test_export_is_csv_for_russian_excel(client, results, cast, fioco, municipality_a):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    client.login(username="coordinator_a", password=PASSWORD)
    content = client.get(reverse("identification:run_export", args=[run.pk])).content.decode(
        "utf-8"
    )
    lines = content.lstrip("\ufeff").splitlines()
    assert lines[0] == "school_code;school_name;flagged;rule;reasons"
    assert lines[1].startswith('a1;СОШ с. Альфа;1;shnor-fioco;"ВПР математика 5 кл., 2022/23: 34,6')


def test_command_writes_one_row_per_school(results, tmp_path):
    output = tmp_path / "list.csv"
    call_command("identify", "--year", "2024", "--municipality", "mun-a", "--output", str(output))
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "school_code,school_name,flagged,rule,reasons"
    assert [line.split(",")[:4] for line in lines[1:]] == [
        ["a1", "СОШ с. Альфа", "1", "shnor-fioco"],
        ["a1-f", "филиал в с. Бета", "0", "shnor-fioco"],
        ["a2", "Гимназия г. Альфа", "0", "shnor-fioco"],
    ]
    assert not IdentificationRun.objects.exists()


def test_command_covers_every_region_and_can_save(results):
    out = io.StringIO()
    call_command("identify", "--year", "2024", "--save", stdout=out)
    assert IdentificationRun.objects.count() == 1
    assert "b1,ООШ с. Вторая,1,shnor-fioco" in out.getvalue()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--ruleset", "nope"], "Правило «nope» не найдено"),
        (["--municipality", "nowhere"], "Муниципалитет с кодом «nowhere» не найден."),
    ],
)
def test_command_refuses_unknown_names(results, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("identify", "--year", "2024", *args)


def test_a_school_outside_the_list_learns_which_criterion_failed(
    results, cast, fioco, municipality_a
):
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    a2 = run.verdicts.get(school__code="a2")
    assert a2.reasons == [
        "0 процедур с долей «2» ≥ 30 % в 2022/23 (нужно не менее 2) — не выполнено; "
        "доля «2» ≥ 30 % хотя бы по одной процедуре в 0 из 2 лет (2021/22–2022/23, нужно в каждом) — не выполнено"
    ]


def test_many_territories_read_at_once_give_each_its_own_list(results, fioco, cast):
    region = Region.objects.get()
    other = Region.objects.create(name="Соседняя область")
    municipality_a = cast["coordinator_a"].municipality
    territories = [(region, None), (region, municipality_a), (other, None)]
    together = identification_compute_many(
        user=None, rule_set=fioco, year=2024, territories=territories
    )
    for outcome, (place_region, place) in zip(together, territories, strict=True):
        alone = identification_compute(
            user=None, rule_set=fioco, year=2024, region=place_region, municipality=place
        )
        assert outcome.verdicts.sort("school_code").equals(alone.verdicts.sort("school_code"))
        assert outcome.inputs == alone.inputs
    assert together[0].verdicts["school_code"].sort().to_list() == ["a1", "a1-f", "a2", "b1"]
    assert together[1].flagged_codes == {"a1"}
    assert together[2].verdicts.is_empty()


def test_many_territories_need_the_right_for_each(results, fioco, cast, municipality_b):
    region = Region.objects.get()
    with pytest.raises(PermissionDenied):
        identification_compute_many(
            user=cast["coordinator_a"],
            rule_set=fioco,
            year=2024,
            territories=[(region, cast["coordinator_a"].municipality), (region, municipality_b)],
        )


def test_a_municipality_of_a_region_without_results_gets_every_school_explained(
    fioco, cast, municipality_a
):
    outcome = identification_compute(
        user=None, rule_set=fioco, year=2024, region=municipality_a.region,
        municipality=municipality_a,
    )  # fmt: skip
    assert outcome.verdicts["school_code"].sort().to_list() == ["a1", "a1-f", "a2"]
    assert not outcome.flagged_codes
    assert all("нет результатов" in reasons[0] for reasons in outcome.verdicts["reasons"])
    assert outcome.inputs["results"] == 0
