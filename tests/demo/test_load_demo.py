"""The demo: the five seed municipalities with the schools and figures their documents give."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from opora.accounts.models import User
from opora.assessments.models import SchoolResult
from opora.demo.services import DEMO_PASSWORD
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.identification.services import identification_compute
from opora.registry.models import ContextValue, Contingent, Municipality, Region, School

pytestmark = pytest.mark.django_db


def figure(code, indicator, year=2023):
    return ContextValue.objects.get(school__code=code, year=year, indicator__code=indicator)


def test_five_municipalities_with_the_schools_their_documents_name(demo):
    # The invented municipalities of the Saratov region are tested in test_demo_region.py.
    counts = {
        m.code: (
            m.schools.exclude(school_type="филиал").count(),
            m.schools.filter(school_type="филиал").count(),
        )
        for m in Municipality.objects.exclude(name__contains="(пример)")
    }
    assert counts == {
        "ivanteevka": (9, 4),
        "tyumen": (5, 0),
        "terbuny": (5, 0),
        "pirovskoe": (9, 0),
        "svobodny": (3, 0),
    }
    assert set(Region.objects.values_list("is_demo", flat=True)) == {True}


def test_ivanteevka_figures_are_those_of_seed_000(demo):
    barteneva = School.objects.get(short_name="СОШ с. Бартеневка")
    assert barteneva.name == "МОУ «СОШ с. Бартеневка им. П.Е. Толстова»"
    assert barteneva.distance_km == 18
    contingent = Contingent.objects.get(school=barteneva, year=2023)
    # The seed's own figures do not add up (36 + 48 + 1 = 85 of 86); they are kept as written.
    assert (
        contingent.total,
        contingent.grades_1_4,
        contingent.grades_5_9,
        contingent.grades_10_11,
    ) == (86, 36, 48, 1)
    assert figure(barteneva.code, "incomplete_families").number == Decimal("22")
    assert figure(barteneva.code, "non_native_language").number == Decimal("0.03")
    assert figure(barteneva.code, "teachers_65plus").number == Decimal("10.5")
    assert figure("ivanteevka-06", "stable_internet").number == 0  # ООШ с. Клевенка
    chernava = School.objects.get(short_name__contains="Чернава")
    assert chernava.parent.short_name == "СОШ с. Ивантеевка"


def test_tyumen_schools_are_marked_as_invented(demo):
    assert set(
        School.objects.filter(municipality__code="tyumen").values_list("is_synthetic", flat=True)
    ) == {True}
    # Besides Tyumen's, only the schools of the invented municipalities are invented.
    assert set(
        School.objects.exclude(municipality__code="tyumen")
        .filter(is_synthetic=True)
        .values_list("municipality__name", flat=True)
    ) == set(Municipality.objects.filter(name__endswith="(пример)").values_list("name", flat=True))


def test_loading_twice_changes_nothing(demo):
    snapshot = (
        School.objects.count(),
        ContextValue.objects.count(),
        School.history.count(),
        ContextValue.history.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        School.objects.count(),
        ContextValue.objects.count(),
        School.history.count(),
        ContextValue.history.count(),
    ) == snapshot


def test_every_demo_user_logs_in_and_sees_the_demo_banner(client, demo):
    for user in User.objects.all():
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        page = client.get(reverse("home")).content.decode()
        assert "Демонстрационные данные" in page, user.username


def test_demo_school_team_sees_only_its_school(client, demo):
    client.login(username="school_barteneva", password=DEMO_PASSWORD)
    schools = client.get(reverse("registry:school_list")).context["schools"].rows
    assert [s.short_name for s in schools] == ["СОШ с. Бартеневка"]


SEED_LISTS = {
    # seed 003 §2.2, cluster 1: seven ШНРО schools
    "pirovskoe": {
        "Икшурминская СШ", "Троицкая СШ", "Пировская СШ", "Большекетская СШ",
        "Комаровская ОШ", "Чайдинская ОШ", "Бушуйская ОШ",
    },
    # seed 002 §5.3
    "terbuny": {"СШ с. Большая Поляна", "ООШ с. Марьино-Николаевка", "ООШ с. Вислая Поляна"},
    # seed 004 §5.3: all three schools named by the regional order № 80
    "svobodny": {"СОШ № 6", "СОШ № 11", "СОШ № 192"},
    "tyumen": {"СОШ № 901 (демо)", "СОШ № 902 (демо)", "СОШ № 903 (демо)"},
    # seed 000: the federal lists named no Ивантеевка school
    "ivanteevka": set(),
}  # fmt: skip


def test_demo_lists_reproduce_the_seeds(demo):
    seeds = IdentificationRun.objects.filter(rule_set__code="shnor-fioco").exclude(
        municipality__name__endswith="(пример)"
    )
    for run in seeds.select_related("municipality"):
        flagged = set(
            run.verdicts.filter(flagged=True).values_list("school__short_name", flat=True)
        )
        assert flagged == SEED_LISTS[run.municipality.code], run.municipality.code
    approved = IdentificationRun.objects.get(
        municipality__code="svobodny", rule_set__code="shnor-fioco"
    )
    assert (approved.status, approved.order.number) == ("approved", "80")
    assert approved.order.issuer == "Министерство образования и науки Амурской области"


def test_social_index_reproduces_track_2_of_seed_000(demo):
    rule_set = RuleSet.objects.get(code="shnsu-social")
    municipality = Municipality.objects.get(code="ivanteevka")
    outcome = identification_compute(
        user=None,
        rule_set=rule_set,
        year=2024,
        region=municipality.region,
        municipality=municipality,
    )
    names = dict(School.objects.values_list("code", "short_name"))
    assert {names[c] for c in outcome.flagged_codes} == {
        "СОШ п. Знаменский", "СОШ с. Ивановка", "ООШ с. Арбузовка",
    }  # fmt: skip


def test_demo_loads_results_for_every_municipality(demo):
    counts = dict(
        SchoolResult.objects.values_list("school__municipality__code").annotate(n=Count("id"))
    )
    assert set(counts) == set(SEED_LISTS) | {"zarechny", "lugovoy", "kovylny", "sosnovsky"}
    assert all(n > 20 for n in counts.values())


def test_demo_clusterings_reproduce_the_groups_of_seeds_000_and_003(demo):
    expected = {
        # seed 000 §5.2: 2 high-result schools, then groups of 1, 3 and 3; branches follow their head school
        "ivanteevka-clusters": {
            "СОШ с. Бартеневка": "Школы с низкими образовательными результатами (ШНОР)",
            "СОШ п. Знаменский": "Школы в зоне риска снижения образовательных результатов",
            "СОШ с. Ивановка": "Школы в зоне риска снижения образовательных результатов",
            "ООШ с. Арбузовка": "Школы в зоне риска снижения образовательных результатов",
            "СОШ с. Яблоновый Гай": "Профилактика учебной неуспешности",
            "ООШ с. Клевенка": "Профилактика учебной неуспешности",
            "ООШ с. Канаевка": "Профилактика учебной неуспешности",
            "Гимназия с. Ивантеевка": "Школы с высокими образовательными результатами",
            "СОШ с. Ивантеевка": "Школы с высокими образовательными результатами",
        },
        # seed 003 §2.2: cluster 1 of seven, Алтатская at risk, Кириковская with positive dynamics
        "pirovskoe-clusters": {
            **{name: "Школы с низкими результатами обучения" for name in SEED_LISTS["pirovskoe"]},
            "Алтатская ОШ": "Школы – зоны риска",
            "Кириковская СШ": "Положительная динамика результатов",
        },
    }
    for code, categories in expected.items():
        run = IdentificationRun.objects.get(rule_set__code=code)
        found = {
            v.school.short_name: v.category
            for v in run.verdicts.select_related("school")
            if v.school.school_type != "филиал"
        }
        assert found == categories, code
    nikolaevka = Verdict.objects.get(
        run__rule_set__code="ivanteevka-clusters", school__short_name__contains="Николаевка"
    )
    assert nikolaevka.category == "Школы в зоне риска снижения образовательных результатов"
    assert nikolaevka.reasons[0] == "филиал: относится к категории головной школы (ivanteevka-02)"
