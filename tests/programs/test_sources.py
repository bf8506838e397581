"""Indicators computed from imported results: the municipality's value is pooled over the
schools it counts, each value says where it came from, and a missing year computes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from opora.assessments.models import Assessment, SchoolResult, Subject
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.programs.forms import IndicatorSourceForm
from opora.programs.models import Indicator, IndicatorValue, Order, Program
from opora.programs.services import indicator_source_save, indicator_values_compute
from opora.programs.sources import SOURCES, pooled, positive_dynamics, results_year
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

JANUARY_2023 = datetime.date(2023, 1, 10)  # reports the results of 2021/22, written 2022


def result(school, year, participants, twos, *, kind="OGE", subject="math", grade=9):
    assessment, _ = Assessment.objects.get_or_create(
        kind=kind, subject=Subject.objects.get(code=subject), grade=grade
    )
    SchoolResult.objects.create(
        school=school,
        assessment=assessment,
        year=year,
        participants=participants,
        mark_2=twos,
        mark_3=participants - twos,
        mark_4=0,
        mark_5=0,
    )


@pytest.fixture
def indicator(cast, municipality_a):
    program = Program.objects.create(
        municipality=municipality_a, level="municipal", kind="roadmap", name="МППКО"
    )
    return Indicator.objects.create(
        program=program,
        number="8.1",
        name="Доля школ, достигших положительной динамики в результатах ОГЭ по математике",
        unit="percent",
        source="results_twos",
        source_filter={"kind": "OGE", "subject": "math"},
        source_population="all",
    )


@pytest.fixture
def approved_list(municipality_a, school_a1, school_a2):
    """The approved list of 2022/23 has school a1 only."""
    run = IdentificationRun.objects.create(
        rule_set=RuleSet.objects.filter(kind="low_results").first(),  # a list of ШНОР
        year=2023,
        region=municipality_a.region,
        municipality=municipality_a,
        params={},
        inputs={},
        schools_count=2,
        flagged_count=1,
        status="approved",
        order=Order.objects.create(
            region=municipality_a.region,
            issuer="Министерство образования",
            number="80",
            date=datetime.date(2023, 1, 31),
            title="Об утверждении перечня ШНОР",
        ),
        approved_at=datetime.datetime(2023, 1, 31, tzinfo=datetime.UTC),
    )
    Verdict.objects.create(run=run, school=school_a1, flagged=True)
    Verdict.objects.create(run=run, school=school_a2, flagged=False)
    return run


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2023, 1, 10), 2022),
        (datetime.date(2023, 6, 30), 2022),  # the exams of June are not in yet
        (datetime.date(2023, 7, 1), 2023),
        (datetime.date(2023, 12, 31), 2023),
    ],
)
def test_a_date_reports_the_last_academic_year_whose_results_are_complete(day, year):
    assert results_year(day) == year


def test_the_municipality_is_the_sum_over_schools_not_the_mean_of_their_shares():
    # A school of 9 with 3 «2» and a school of 91 with 7: 10 of 100, not (33.3 + 7.7) / 2.
    assert pooled({1: (3, 9), 2: (7, 91)}) == (10, 100)
    assert pooled({1: (0, 0)}) is None  # nobody took part: no value rather than 0 %


def test_coordinator_computes_a_pooled_share_of_twos_with_its_trace(
    indicator, coordinator_a, school_a1, school_a2
):
    result(school_a1, 2022, 9, 3)
    result(school_a2, 2022, 91, 7)
    result(school_a2, 2023, 50, 25)  # a later year does not leak into January 2023
    result(school_a1, 2022, 30, 30, subject="rus")  # another subject is filtered out
    (value,) = indicator_values_compute(
        indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023
    )
    assert value.value == "10,0"
    assert value.school is None
    assert value.computed_from == (
        "доля «2» (от числа участников) · ОГЭ · математика, 2021/22: 10 из 100; школ с данными: 2"
    )


def test_supported_population_counts_only_the_approved_list(
    indicator, approved_list, coordinator_a, school_a1, school_a2
):
    indicator.source_population = "supported"
    indicator.save()
    result(school_a1, 2022, 10, 4)
    result(school_a2, 2022, 90, 0)
    (value,) = indicator_values_compute(
        indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023
    )
    assert value.value == "40,0"


def test_without_an_approved_list_there_is_nothing_to_count(indicator, coordinator_a, school_a1):
    indicator.source_population = "supported"
    indicator.save()
    result(school_a1, 2022, 10, 4)
    with pytest.raises(ValidationError, match="Нет данных для расчёта"):
        indicator_values_compute(indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023)
    assert not IndicatorValue.objects.exists()


def test_each_school_gets_its_own_value_and_a_school_without_results_none(
    indicator, coordinator_a, school_a1, school_a2
):
    indicator.scope = "each_school"
    indicator.save()
    result(school_a1, 2022, 20, 5)
    values = indicator_values_compute(
        indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023
    )
    assert [(v.school, v.value) for v in values] == [(school_a1, "25,0")]


def test_positive_dynamics_compares_pooled_twos_with_the_year_before(
    school_a1, school_a2, branch_a1
):
    result(school_a1, 2021, 10, 3)
    result(school_a1, 2022, 10, 2)  # fell: positive
    result(school_a2, 2021, 10, 2)
    result(school_a2, 2022, 10, 2)  # the same: not positive
    result(branch_a1, 2022, 10, 0)  # no 2021: not judged at all
    fractions = positive_dynamics(
        school_ids=[school_a1.pk, school_a2.pk, branch_a1.pk],
        year=2022,
        results_filter={"kind": "OGE"},
    )
    assert fractions == {school_a1.pk: (1.0, 1.0), school_a2.pk: (0.0, 1.0)}


def test_a_missing_previous_year_judges_nobody(school_a1):
    result(school_a1, 2022, 10, 2)
    assert (
        positive_dynamics(school_ids=[school_a1.pk], year=2022, results_filter={"kind": "OGE"})
        == {}
    )


def test_grades_filter_the_results(indicator, coordinator_a, school_a1):
    indicator.source_filter = {"kind": "VPR", "grades": [5, 6]}
    indicator.save()
    result(school_a1, 2022, 10, 1, kind="VPR", grade=5)
    result(school_a1, 2022, 10, 5, kind="VPR", grade=7)
    (value,) = indicator_values_compute(
        indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023
    )
    assert value.value == "10,0"


def test_another_municipality_may_not_compute_or_set_the_source(indicator, coordinator_b):
    with pytest.raises(PermissionDenied):
        indicator_values_compute(indicator=indicator, user=coordinator_b, measured_on=JANUARY_2023)
    with pytest.raises(PermissionDenied):
        indicator_source_save(
            indicator=indicator, user=coordinator_b, source="", results_filter={}, population="all"
        )


def test_a_results_source_needs_a_procedure(indicator, coordinator_a):
    with pytest.raises(ValidationError, match="Укажите оценочную процедуру"):
        indicator_source_save(
            indicator=indicator,
            user=coordinator_a,
            source="results_quality",
            results_filter={},
            population="all",
        )
    indicator.refresh_from_db()
    assert indicator.source == "results_twos"


def test_a_typed_in_indicator_is_not_computed(indicator, coordinator_a):
    indicator_source_save(
        indicator=indicator,
        user=coordinator_a,
        source="",
        results_filter={"kind": "OGE"},
        population="all",
    )
    assert indicator.source_filter == {}
    with pytest.raises(ValidationError, match="вносится вручную"):
        indicator_values_compute(indicator=indicator, user=coordinator_a, measured_on=JANUARY_2023)


@pytest.mark.parametrize(
    ("typed", "grades"),
    [("5-8", [5, 6, 7, 8]), ("4, 5", [4, 5]), ("9", [9]), ("", []), ("5–6; 9", [5, 6, 9])],
)
def test_grades_are_read_as_people_write_them(typed, grades):
    form = IndicatorSourceForm(
        {"source": "results_twos", "kind": "VPR", "grades": typed, "population": "all"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["grades"] == grades


@pytest.mark.parametrize("typed", ["12", "5-", "пятый", "1-2-3", "²", "5-²"])  # ² passes isdigit
def test_wrong_grades_are_refused_by_name(typed):
    form = IndicatorSourceForm(
        {"source": "results_twos", "kind": "VPR", "grades": typed, "population": "all"}
    )
    assert not form.is_valid()
    assert "укажите классы числами от 1 до 11" in form.errors["grades"][0]


def test_indicator_page_sets_the_source_and_computes(client, indicator, school_a1):
    result(school_a1, 2022, 20, 4)
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(
        reverse("programs:indicator_source", args=[indicator.pk]),
        {
            "source": "results_success",
            "kind": "OGE",
            "subject": "math",
            "grades": "9",
            "population": "all",
        },
    )
    indicator.refresh_from_db()
    assert indicator.source_filter == {"kind": "OGE", "subject": "math", "grades": [9]}
    client.post(
        reverse("programs:indicator_compute", args=[indicator.pk]), {"measured_on": "10.01.2023"}
    )
    page = client.get(reverse("programs:indicator_detail", args=[indicator.pk])).content.decode()
    assert "успеваемость" in page and "80,0" in page and "16 из 20" in page


def test_a_school_team_sees_how_it_is_computed_but_cannot_compute(client, indicator):
    client.login(username="school_team_a1", password=PASSWORD)
    page = client.get(reverse("programs:indicator_detail", args=[indicator.pk])).content.decode()
    assert "Рассчитывается из данных Опоры" in page and "Рассчитать" not in page
    url = reverse("programs:indicator_compute", args=[indicator.pk])
    assert client.post(url, {"measured_on": "10.01.2023"}).status_code == 403


def test_every_results_source_is_offered():
    assert {"results_twos", "results_positive_dynamics"} <= set(SOURCES)
