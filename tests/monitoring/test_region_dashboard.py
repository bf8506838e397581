"""The region's dashboard: every municipality's figures as its own dashboard shows them, read
in a number of queries that does not grow with the municipalities (issue 10)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.monitoring import services
from opora.monitoring.measures import measure_rows
from opora.monitoring.models import EffectivenessRule, SubmissionStatus
from opora.monitoring.results import latest_result_years, municipality_dynamics
from opora.monitoring.summaries import municipality_summary, region_summaries
from opora.programs.models import (
    Activity,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Order,
    Program,
)
from opora.registry.models import Municipality, School, SchoolType
from opora.registry.years import deadlines_as_of
from tests.conftest import PASSWORD
from tests.monitoring.test_report import result

TODAY = datetime.date(2024, 3, 1)
CLUSTERS = {"categories": [{"name": "ШНОР"}, {"name": "стабильные"}]}


@pytest.fixture
def rule_sets(db):
    return {
        "low": RuleSet.objects.create(
            code="low", title="ШНОР", kind="low_results", category="ШНОР", params={}
        ),
        "clusters": RuleSet.objects.create(
            code="clusters", title="Кластеры", kind="clustering", category="", params={}
        ),
    }


def _school(municipality, code, parent=None):
    return School.objects.create(
        municipality=municipality, code=code, name=f"МОУ «СОШ {code}»", short_name=f"СОШ {code}",
        school_type=SchoolType.BRANCH if parent else SchoolType.SOSH, parent=parent,
    )  # fmt: skip


def _run(rule_set, municipality, year, params=None, *, region=None):
    """A list approved by order: only an approved list reaches the dashboards."""
    order = Order.objects.create(
        region=region or municipality.region, municipality=None if region else municipality,
        issuer="Управление", number="1", date=datetime.date(year - 1, 9, 1), title="Список",
    )  # fmt: skip
    return IdentificationRun.objects.create(
        rule_set=rule_set, year=year, region=region or municipality.region,
        municipality=None if region else municipality, params=params or {}, inputs={},
        schools_count=2, flagged_count=1, status="approved", order=order,
        approved_at=timezone.now(),
    )  # fmt: skip


def _program(municipality, school, n):
    """An approved roadmap: one indicator reached, one not, one unmeasured; one activity done,
    one overdue, one planned for later."""
    program = Program.objects.create(
        municipality=municipality, level="municipal", kind="roadmap", name=f"Карта {n}",
        status="approved",
    )  # fmt: skip
    for number, (target, value) in enumerate([("50", "60"), ("50", "40"), ("50", None)], 1):
        indicator = Indicator.objects.create(
            program=program,
            number=str(number),
            name=f"Показатель {number}",
            unit="percent",
            higher_is_better=True,
        )
        IndicatorTarget.objects.create(indicator=indicator, year=2024, value=target)
        if value is not None:
            IndicatorValue.objects.create(
                indicator=indicator, measured_on=datetime.date(2024, 1, 15), value=value
            )
    for status, ends_on in [
        ("done", datetime.date(2023, 12, 1)),
        ("in_progress", datetime.date(2024, 1, 31)),
        ("planned", datetime.date(2024, 12, 1)),
    ]:
        Activity.objects.create(program=program, text="Семинар", status=status, ends_on=ends_on)
    return program


def build_municipality(region, n, rule_sets):
    """A municipality like the demo's: two schools and a branch with two years of results, a
    list of ШНОР and a clustering, a measure, a roadmap and two campaigns."""
    municipality = Municipality.objects.create(region=region, code=f"m{n}", name=f"Район {n}")
    coordinator = User.objects.create_user(
        username=f"coordinator_m{n}", password=PASSWORD, role=Role.COORDINATOR,
        municipality=municipality,
    )  # fmt: skip
    low, good = _school(municipality, f"m{n}-1"), _school(municipality, f"m{n}-2")
    branch = _school(municipality, f"m{n}-1f", parent=low)
    for year, twos in [(2023, 4), (2024, 2 + n % 2)]:
        result(low, "VPR", "math", 5, year, [twos, 4, 2, 0])
        result(low, "OGE", "rus", 9, year, [twos, 5, 1, 0])
        result(good, "VPR", "math", 5, year, [0, 4, 4, 2])
    shnor = _run(rule_sets["low"], municipality, 2024)
    Verdict.objects.create(run=shnor, school=low, flagged=True, reasons=["доля «2»"])
    Verdict.objects.create(run=shnor, school=good, flagged=False, reasons=[])
    clusters = _run(rule_sets["clusters"], municipality, 2024, CLUSTERS)
    for school, category in [(low, "ШНОР"), (good, "стабильные"), (branch, "стабильные")]:
        Verdict.objects.create(
            run=clusters, school=school, category=category, flagged=category == "ШНОР", reasons=[]
        )
    program = _program(municipality, low, n)
    services.measure_save(
        user=coordinator, municipality=municipality, year=2024, text="Куратор для ШНОР", track="1",
        schools=[low, good], indicators=list(program.indicators.all()[:1]),
        rule=EffectivenessRule.objects.get(code="twos-and-indicators"), conclusion="",
    )  # fmt: skip
    for month in (2, 3):
        campaign = services.campaign_create(
            user=coordinator, municipality=municipality, title=f"Сбор {month}", kind="indicators",
            year=2024, measured_on=datetime.date(2024, month, 1),
            opens_on=datetime.date(2024, month, 1), deadline=datetime.date(2024, month, 20),
        )  # fmt: skip
    campaign.submissions.filter(school=low).update(status=SubmissionStatus.ACCEPTED)
    return municipality


def own_summary(municipality, today=TODAY):
    """The municipality's own dashboard's figures (views.dashboard)."""
    year = latest_result_years(municipalities=[municipality])[municipality.pk]
    dynamics = municipality_dynamics(municipality=municipality, year=year)
    measures = measure_rows(municipality=municipality, year=year, dynamics=dynamics)
    return municipality_summary(
        municipality=municipality, year=year, today=today, measures=measures
    )


def figures(summary):
    return {
        "municipality": summary.municipality.pk,
        "year": summary.year,
        "categories": summary.categories,
        "clustering_run": summary.clustering_run,
        "shnor": summary.shnor,
        "schools": summary.schools,
        "indicators": summary.indicators,
        "activities": summary.activities,
        "campaigns": [(c.pk, c.schools_count, c.accepted_count) for c in summary.campaigns],
        "verdicts": summary.verdicts,
    }


def test_the_region_shows_each_municipality_s_own_figures(region, region_operator, rule_sets):
    municipalities = [build_municipality(region, n, rule_sets) for n in range(1, 4)]
    # A list approved later for the whole region replaces the municipalities' own of the year.
    regional = _run(rule_sets["low"], municipalities[0], 2024, region=region)
    for m in municipalities:
        for school in School.objects.filter(municipality=m):
            flagged = school.code == (f"{m.code}-1" if m == municipalities[0] else f"{m.code}-2")
            Verdict.objects.create(run=regional, school=school, flagged=flagged, reasons=[])

    region_wide = region_summaries(user=region_operator, today=TODAY)

    assert [figures(s) for s in region_wide] == [figures(own_summary(m)) for m in municipalities]
    first, second = region_wide[0], region_wide[1]
    assert first.categories == [("ШНОР", 1), ("стабильные", 1)]  # the branch is not counted
    assert (first.schools, first.shnor, second.shnor) == (2, 1, 1)
    assert second.approved.shnor_ids == {School.objects.get(code="m2-2").pk}
    assert first.indicators == {"achieved": 1, "not_achieved": 1, "no_data": 1}
    assert (first.activities["done"], first.activities["overdue"]) == (1, 1)
    assert [c.title for c in first.campaigns] == ["Сбор 3", "Сбор 2"]
    assert (first.campaigns[0].schools_count, first.campaigns[0].accepted_count) == (2, 1)
    # Both schools' «2» fell in 1 of 2 assessments at most, and the indicator was reached.
    assert sum(first.verdicts.values()) == 2


def test_the_page_shows_the_figures(client, region, region_operator, rule_sets):
    build_municipality(region, 1, rule_sets)
    client.login(username="region_operator", password=PASSWORD)
    page = client.get(reverse("monitoring:region_dashboard"))
    assert page.status_code == 200
    (summary,) = page.context["summaries"]
    # Deadlines count as of the year in view (its last day once it is over), as on the home page.
    today = deadlines_as_of(page.context["year"], timezone.localdate())
    assert figures(summary) == figures(own_summary(summary.municipality, today))
    assert "Сбор 3</a> — готовится, 1 из 2" in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_s_queries_do_not_grow_with_the_municipalities(
    client, region, region_operator, rule_sets
):
    url = reverse("monitoring:region_dashboard")
    client.login(username="region_operator", password=PASSWORD)
    for n in range(1, 3):
        build_municipality(region, n, rule_sets)
    with_two = _queries(client, url)
    for n in range(3, 6):
        build_municipality(region, n, rule_sets)
    with_five = _queries(client, url)
    assert with_five == with_two
    assert len(region_summaries(user=region_operator, today=TODAY)) == 5


def test_a_municipality_without_results_is_left_out(client, region, region_operator, rule_sets):
    build_municipality(region, 1, rule_sets)
    quiet = Municipality.objects.create(region=region, code="quiet", name="Район без данных")
    _school(quiet, "q1")
    summaries = region_summaries(user=region_operator, today=TODAY)
    assert [s.municipality.code for s in summaries] == ["m1"]
    client.login(username="region_operator", password=PASSWORD)
    page = client.get(reverse("monitoring:region_dashboard")).content.decode()
    assert "Район 1" in page and "Район без данных" not in page


def test_an_observer_sees_only_the_municipalities_in_scope(client, region, rule_sets):
    first = build_municipality(region, 1, rule_sets)
    build_municipality(region, 2, rule_sets)
    User.objects.create_user(
        username="observer_1", password=PASSWORD, role=Role.OBSERVER, municipality=first
    )
    client.login(username="observer_1", password=PASSWORD)
    page = client.get(reverse("monitoring:region_dashboard"))
    assert [s.municipality for s in page.context["summaries"]] == [first]
    client.login(username="coordinator_m1", password=PASSWORD)
    assert client.get(reverse("monitoring:region_dashboard")).status_code == 404


def test_municipalities_and_their_latest_years_are_read_in_one_query(
    region, region_operator, rule_sets
):
    for n in range(1, 3):
        build_municipality(region, n, rule_sets)
    with CaptureQueriesContext(connection) as queries:
        region_summaries(user=region_operator, today=TODAY)
    sql = [q["sql"] for q in queries]
    listed = [q for q in sql if q.startswith('SELECT "registry_municipality"."id"')]
    # Listed once with the latest year of each, not listed and then scanned again for years.
    assert len(listed) == 1 and "assessments_schoolresult" in listed[0]
    assert not [q for q in sql if 'MAX("assessments_schoolresult"."year")' in q]
