"""Evidence found, not typed: on the demo, every piece Opora proposes for a criterion is a page
the municipality's coordinator can open, about an object of that municipality and year; and a
criterion whose evidence is removed becomes a gap saying what would close it."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.urls import resolve

from opora.accounts.models import User
from opora.identification.selectors import approved_list
from opora.meetings.models import Decision, Meeting
from opora.monitoring.models import AnnualReport, Measure, MonitoringCampaign
from opora.programs.models import Order, Program
from opora.registry.models import Municipality, School
from opora.selfassessment import evidence
from opora.selfassessment.evidence import year_bounds
from opora.selfassessment.models import SelfAssessment, Status
from opora.selfassessment.selectors import assessment_view

pytestmark = pytest.mark.django_db

SEED_YEARS = [("pirovskoe", 2022), ("ivanteevka", 2023)]


def in_year(day: datetime.date, year: int) -> bool:
    start, end = year_bounds(year)
    return start <= day <= end


def program_in_force(program: Program, year: int) -> bool:
    return (program.start_year or year) <= year and (program.end_year or year) >= year - 1


def belongs(obj, municipality: Municipality, year: int) -> bool:
    """The object is the municipality's, of the academic year (or in force in it)."""
    match obj:
        case Program():
            return program_in_force(obj, year) and obj.municipality_id == municipality.pk
        case Order():
            return obj.municipality_id == municipality.pk and in_year(obj.date, year)
        case Meeting():
            return obj.group.municipality_id == municipality.pk and in_year(obj.date, year)
        case Decision():
            meeting = obj.item.meeting
            return meeting.group.municipality_id == municipality.pk and in_year(meeting.date, year)
        case MonitoringCampaign() | AnnualReport() | Measure():
            return obj.municipality_id == municipality.pk and obj.year == year
        case Municipality():
            return obj.pk == municipality.pk
        case School():  # a listed school's fair change: on the list in force in the year
            listed = approved_list(municipality=municipality, year=year).school_ids
            return obj.municipality_id == municipality.pk and obj.pk in listed
    if obj._meta.label == "identification.IdentificationRun":
        return obj.pk in {
            run.pk for run in approved_list(municipality=municipality, year=year).runs
        }
    if obj._meta.label == "risks.RiskProfile":
        return obj.school.municipality_id == municipality.pk and obj.year == year
    if obj._meta.label == "assessments.SchoolResult":
        return obj.school.municipality_id == municipality.pk and obj.year == year
    raise AssertionError(f"no rule for {obj._meta.label}")


def points_at(url: str, obj, municipality: Municipality, year: int) -> bool:
    """The link itself names the object: its key in the route, its anchor or its filter."""
    parts = urlsplit(url)
    kwargs = resolve(parts.path).kwargs
    query = parse_qs(parts.query)
    if "pk" in kwargs:
        return kwargs["pk"] == obj.pk
    if parts.fragment:
        return parts.fragment == f"order-{obj.pk}"
    if "code" in kwargs and "year" in kwargs:  # a school's risk profile, a report page
        code = obj.school.code if hasattr(obj, "school") else municipality.code
        return kwargs["code"] == code and kwargs["year"] == year
    if "code" in kwargs:
        code = obj.code if isinstance(obj, School) else municipality.code
        return kwargs["code"] == code and query["year"] == [str(year)]
    return query == {"municipality": [municipality.code], "year": [str(year)]}


@pytest.mark.parametrize("code,year", SEED_YEARS)
def test_every_proposed_evidence_is_a_real_object_of_the_municipality_and_year(
    demo, client, code, year
):
    municipality = Municipality.objects.get(code=code)
    client.force_login(User.objects.get(username=f"coord_{code}"))
    proposed = [e for kind in evidence.KINDS for e in evidence.find(kind, municipality, year)]
    assert len(proposed) >= 10  # the seeds show most of the cycle
    for found in proposed:
        obj = apps.get_model(found.model).objects.get(pk=found.pk)
        assert belongs(obj, municipality, year), found
        assert points_at(found.url, obj, municipality, year), found
        assert client.get(found.url).status_code == 200, found
        assert found.summary and "\n" not in found.summary


def test_the_summaries_say_numbers_in_words_that_agree(demo):
    ivanteevka = Municipality.objects.get(code="ivanteevka")
    summaries = [
        e.summary for kind in evidence.KINDS for e in evidence.find(kind, ivanteevka, 2023)
    ]
    assert "Приказ от 03.03.2023 № 01-26/1298" in summaries
    assert any("принято 4 из 4\u00a0отчётов школ" in s for s in summaries)
    assert any("Заседание рабочей группы № 1 от 03.07.2023: 3\u00a0решения" in s for s in summaries)
    assert any("13\u00a0показателей" in s for s in summaries)


REMOVALS = {
    "annual_report": lambda m, y: AnnualReport.objects.filter(municipality=m, year=y).delete(),
    "campaigns": lambda m, y: MonitoringCampaign.objects.filter(municipality=m, year=y).delete(),
    "measures": lambda m, y: Measure.objects.filter(municipality=m, year=y).delete(),
    "orders": lambda m, y: Order.objects.filter(municipality=m, date__year=y).update(
        date=datetime.date(y - 5, 1, 10)
    ),
    "meetings": lambda m, y: Meeting.objects.filter(group__municipality=m).update(
        date=datetime.date(y - 5, 1, 10)
    ),
}


def criterion_row(municipality: Municipality, year: int, kind: str):
    view = assessment_view(municipality=municipality, year=year)
    return next(r for s in view.steps for r in s.criteria if r.criterion.evidence == kind)


@pytest.mark.parametrize("kind", REMOVALS)
def test_a_criterion_becomes_a_gap_when_its_evidence_is_removed(demo, client, kind):
    ivanteevka, year = Municipality.objects.get(code="ivanteevka"), 2023
    # Back with the coordinator: while edited, the evidence counted is what Opora finds now.
    SelfAssessment.objects.filter(municipality=ivanteevka, year=year).update(status=Status.DRAFT)
    before = criterion_row(ivanteevka, year, kind)
    assert before.proposals and before.accepted and not before.is_gap
    REMOVALS[kind](ivanteevka, year)
    after = criterion_row(ivanteevka, year, kind)
    assert after.proposals == [] and after.accepted == [] and after.is_gap and after.points == 0
    client.force_login(User.objects.get(username="coord_ivanteevka"))
    page = client.get(f"/self-assessment/ivanteevka/{year}/").content.decode()
    assert evidence.KINDS[kind].closes in page


def test_an_accepted_self_assessment_keeps_its_evidence_as_accepted(demo):
    ivanteevka, year = Municipality.objects.get(code="ivanteevka"), 2023
    assert ivanteevka.self_assessments.get(year=year).status == Status.ACCEPTED
    REMOVALS["annual_report"](ivanteevka, year)
    kept = criterion_row(ivanteevka, year, "annual_report")
    assert not kept.is_gap
    assert kept.accepted[0]["summary"].startswith("Аналитический отчёт за 2022/23")


def test_the_region_table_shows_each_municipalitys_change_from_the_year_before(demo, client):
    ivanteevka = Municipality.objects.get(code="ivanteevka")
    before = assessment_view(municipality=ivanteevka, year=2023, find=False).percent
    now = assessment_view(municipality=ivanteevka, year=2024, find=False).percent
    client.force_login(User.objects.get(username="region"))
    page = client.get("/self-assessment/").content.decode()  # the latest year: 2023/24
    assert "Самооценка муниципалитетов за 2023/24" in page
    change = now - before
    words = (
        {True: f"+{change} п. п.", False: f"−{-change} п. п."}[change > 0]
        if change
        else "без изменений"
    )
    assert words in page
