"""The self-assessment's workflow, as monitoring submissions: the coordinator accepts what Opora
found, explains or uploads what it cannot know and submits; the region returns it with a comment
or accepts it; each change is kept in the history. Criteria: the built-in set is read-only, a
region adapts wording and scoring in its own version."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.programs.models import Order
from opora.selfassessment import services
from opora.selfassessment.models import Answer, CriteriaSet, SelfAssessment, Status
from opora.selfassessment.selectors import assessment_view

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def order_a(municipality_a):
    return Order.objects.create(
        region=municipality_a.region,
        municipality=municipality_a,
        issuer="Отдел образования",
        number="116",
        date=datetime.date(2023, 2, 17),
        title="Об утверждении муниципальной программы",
    )


def url(municipality, year=YEAR):
    return f"/self-assessment/{municipality.code}/{year}/"


def orders_criterion(municipality):
    view = assessment_view(municipality=municipality, year=2023)
    return next(r for s in view.steps for r in s.criteria if r.criterion.evidence == "orders")


def test_the_order_of_the_year_is_proposed_and_counts_once_accepted(
    client, coordinator_a, order_a, municipality_a
):
    row = orders_criterion(municipality_a)
    assert [p.summary for p in row.proposals] == [
        "Приказ от 17.02.2023 № 116 «Об утверждении муниципальной программы»"
    ]
    assert row.is_gap  # proposed, not yet accepted
    client.force_login(coordinator_a)
    page = client.get(url(municipality_a, 2023)).content.decode()
    assert 'value="order-' in page and "checked" in page
    criterion = row.criterion
    response = client.post(
        url(municipality_a, 2023), {f"accept-{criterion.pk}": row.proposals[0].key}
    )
    assert response.status_code == 302
    row = orders_criterion(municipality_a)
    assert row.points == 1 and row.accepted[0]["url"].endswith(f"#order-{order_a.pk}")


def test_a_criterion_with_nothing_found_is_a_gap_that_says_what_closes_it(municipality_a):
    view = assessment_view(municipality=municipality_a, year=YEAR)
    assert view.points == 0 and len(view.gaps) == len([r for s in view.steps for r in s.criteria])
    assert [s.label for s in view.steps][0] == "Цели" and len(view.steps) == 9
    assert "Внесите приказы этого года" in orders_criterion(municipality_a).closes


def test_submit_return_and_accept_like_a_monitoring_submission(
    client, coordinator_a, region_operator, municipality_a
):
    client.force_login(coordinator_a)
    view = assessment_view(municipality=municipality_a, year=YEAR)
    criterion = view.steps[0].criteria[0].criterion
    response = client.post(
        url(municipality_a),
        {f"comment-{criterion.pk}": "Цели записаны в постановлении администрации.", "submit": "1"},
    )
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(municipality=municipality_a, year=YEAR)
    assert assessment.status == Status.SUBMITTED and assessment.submitted_by == coordinator_a
    # Submitted: the coordinator no longer changes it.
    response = client.post(url(municipality_a), {f"comment-{criterion.pk}": "ещё"})
    assert response.status_code == 400
    assert "после возврата" in response.content.decode()

    client.force_login(region_operator)
    response = client.post(url(municipality_a), {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert "напишите, что исправить" in response.content.decode()
    client.post(url(municipality_a), {"decision": "return", "comment": "Приложите постановление."})
    assessment.refresh_from_db()
    assert assessment.status == Status.RETURNED

    client.force_login(coordinator_a)
    page = client.get(url(municipality_a)).content.decode()
    assert "Приложите постановление." in page
    scan = SimpleUploadedFile("postanovlenie.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(url(municipality_a), {f"file-{criterion.pk}": scan, "submit": "1"})
    answer = Answer.objects.get(assessment=assessment, criterion=criterion)
    assert answer.file and answer.comment == ""  # the form sent no comment this time
    assert assessment_view(municipality=municipality_a, year=YEAR).steps[0].criteria[0].points == 1
    assert client.get(f"/self-assessment/answers/{answer.pk}/file/").content == b"%PDF-1.4 scan"

    client.force_login(region_operator)
    client.post(url(municipality_a), {"decision": "accept", "comment": "Принято."})
    assessment.refresh_from_db()
    assert assessment.status == Status.ACCEPTED and assessment.reviewed_by == region_operator
    statuses = [h.status for h in assessment.history.order_by("history_date")]
    assert statuses[-4:] == ["submitted", "returned", "submitted", "accepted"]


def test_a_file_that_is_not_what_its_name_says_is_refused_naming_the_criterion(
    client, coordinator_a, municipality_a
):
    client.force_login(coordinator_a)
    criterion = (
        assessment_view(municipality=municipality_a, year=YEAR).steps[1].criteria[0].criterion
    )
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")
    response = client.post(url(municipality_a), {f"file-{criterion.pk}": fake})
    assert response.status_code == 400
    assert f"Критерий {criterion.number}" in response.content.decode()
    assert not Answer.objects.exists()  # nothing saved


@pytest.mark.parametrize(
    "who,status",
    [
        ("methodist_a", 403),
        ("observer_b", 404),
        ("school_team_a1", 404),
        ("curator_a1", 404),
        ("coordinator_b", 404),
    ],
)
def test_who_may_not_write_the_self_assessment(request, client, municipality_a, who, status):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post(url(municipality_a), {"submit": "1"}).status_code == status
    assert not SelfAssessment.objects.exists()


def test_readers_read_and_the_region_reviews_but_does_not_write(
    client, municipality_a, methodist_a, region_operator
):
    client.force_login(methodist_a)
    page = client.get(url(municipality_a)).content.decode()
    assert "Пробел" in page and 'name="accept-' not in page and 'id="answers"' not in page
    client.force_login(region_operator)
    assert client.post(url(municipality_a), {"submit": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.self_assessment_open(user=region_operator, municipality=municipality_a, year=YEAR)


def test_the_region_adapts_the_criteria_in_a_version_of_its_own(
    client, region_operator, coordinator_a, municipality_a
):
    built_in = CriteriaSet.objects.get(region=None)
    client.force_login(coordinator_a)
    assert client.post("/self-assessment/criteria/", {"base": built_in.pk}).status_code == 403
    client.force_login(region_operator)
    response = client.post("/self-assessment/criteria/", {"base": built_in.pk})
    own = CriteriaSet.objects.get(region=region_operator.region)
    assert response["Location"] == f"/self-assessment/criteria/{own.pk}/"
    assert own.derived_from == built_in and own.version == built_in.version + 1
    criterion = own.criteria.get(number="7.2")
    client.post(
        f"/self-assessment/criteria/{own.pk}/",
        {
            "criterion": criterion.pk,
            "text": "Выполнено не менее 80 % мероприятий",
            "scoring": "points",
            "max_points": 5,
        },
    )
    criterion.refresh_from_db()
    assert (criterion.text, criterion.max_points) == ("Выполнено не менее 80 % мероприятий", 5)
    assert built_in.criteria.get(number="7.2").max_points == 3  # the built-in set is unchanged
    # A new self-assessment of the region uses its version.
    assessment = services.self_assessment_open(
        user=coordinator_a, municipality=municipality_a, year=YEAR
    )
    assert assessment.criteria_set == own
    with pytest.raises(ValidationError):
        services.criterion_update(
            user=None, criterion=built_in.criteria.first(), text="x", scoring="yes_no", max_points=1
        )


def test_the_region_table_says_each_steps_score_in_words(
    client, region_operator, coordinator_a, municipality_a, municipality_b, order_a
):
    opened = services.self_assessment_open(
        user=coordinator_a, municipality=municipality_a, year=2023
    )
    row = orders_criterion(municipality_a)
    services.answers_save(
        user=coordinator_a,
        assessment=opened,
        answers={row.criterion.pk: {"accepted": [p.key for p in row.proposals]}},
    )
    client.force_login(region_operator)
    page = client.get("/self-assessment/?year=2023").content.decode()
    assert "Район А" in page and "Район Б" in page
    assert 'class="score score-none"' in page and "0/1</a><small>не подтверждено" in page
    assert 'class="score score-part"' in page and "1/2</a><small>частично" in page
    assert "не начата" in page  # Район Б
    response = client.get("/self-assessment/export.xlsx?year=2023")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Самооценка"]
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Самооценка муниципалитетов за 2022/23"]
    assert rows[1][:3] == ["Муниципалитет", "Состояние", "1. Цели"]
    assert rows[2][:3] == ["Район А", "заполняется", "0 из 3 — не подтверждено"]
    assert rows[2][9] == "1 из 2 — частично"  # step 8: the order of 17.02.2023, accepted
    assert rows[3] == ["Район Б", "не начата"]
