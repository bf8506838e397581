"""A campaign run to the end: the school fills its values with evidence, the municipality
returns and accepts, the values land in the program; outsiders see nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from opora.monitoring import selectors, services
from opora.monitoring.models import CampaignKind, CampaignStatus, SubmissionStatus
from opora.programs.models import Indicator, IndicatorValue, Program
from opora.risks.models import Notification
from tests.conftest import PASSWORD

TODAY = datetime.date(2024, 1, 25)


@pytest.fixture
def program(municipality_a):
    return Program.objects.create(
        municipality=municipality_a, level="municipal", kind="mppko", name="Программа А",
        status="in_progress",
    )  # fmt: skip


@pytest.fixture
def each_school(program):
    return Indicator.objects.create(
        program=program, number="1", name="Доля обучающихся с ИОМ", unit="percent",
        scope="each_school",
    )  # fmt: skip


@pytest.fixture
def campaign(coordinator_a, municipality_a, each_school, school_a1, branch_a1, school_a2):
    return services.campaign_create(
        user=coordinator_a,
        municipality=municipality_a,
        title="Показатели на январь 2024 г.",
        kind=CampaignKind.INDICATORS,
        year=2024,
        measured_on=datetime.date(2024, 1, 1),
        opens_on=datetime.date(2024, 1, 9),
        deadline=datetime.date(2024, 1, 31),
        indicators=[each_school],
        questions=["Что мешает?"],
        status=CampaignStatus.OPEN,
    )


def login(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_every_head_school_gets_a_submission_branches_report_with_it(campaign):
    schools = sorted(campaign.submissions.values_list("school__code", flat=True))
    assert schools == ["a1", "a2"]


def test_only_the_municipality_creates_campaigns(coordinator_b, municipality_a):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            user=coordinator_b, municipality=municipality_a, title="x", kind="request",
            year=2024, measured_on=TODAY, opens_on=TODAY, deadline=TODAY, questions=["?"],
        )  # fmt: skip


def test_the_story_of_a_submission(client, campaign, school_team_a1, coordinator_a, each_school):
    submission = campaign.submissions.get(school__code="a1")
    url = reverse("monitoring:submission_detail", args=[submission.pk])
    login(client, school_team_a1)
    # Handing in without an answer is refused with what is missing.
    client.post(url, {f"value-{each_school.pk}": "12", "submit": "1"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    client.post(url, {
        f"value-{each_school.pk}": "12", f"link-{each_school.pk}": "https://school.example/iom",
        "answer-0": "Нет учителя математики", "submit": "1",
    })  # fmt: skip
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.submitted_by == school_team_a1
    # The school cannot review its own submission.
    assert client.post(url, {"decision": "accept"}).status_code == 403

    login(client, coordinator_a)
    client.post(url, {"decision": "return", "comment": ""})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED  # a return says why
    client.post(url, {"decision": "return", "comment": "Приложите приказ об ИОМ"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED

    login(client, school_team_a1)
    page = client.get(url)
    assert "Приложите приказ об ИОМ" in page.content.decode()
    client.post(url, {f"value-{each_school.pk}": "14", "answer-0": "Нет учителя", "submit": "1"})

    login(client, coordinator_a)
    client.post(url, {"decision": "accept", "comment": ""})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    value = IndicatorValue.objects.get(indicator=each_school, school__code="a1")
    assert (value.value, value.measured_on) == ("14", datetime.date(2024, 1, 1))
    assert submission.history.count() >= 5  # every step is kept


def test_accepted_submission_cannot_be_changed(campaign, coordinator_a, each_school):
    submission = campaign.submissions.get(school__code="a2")
    values = {each_school.pk: ("5", "")}
    answers = {"Что мешает?": ("ничего", "")}
    services.submission_save(
        user=coordinator_a, submission=submission, values=values, answers=answers, submit=True
    )
    services.submission_review(user=coordinator_a, submission=submission, accept=True, comment="")
    with pytest.raises(ValidationError):
        services.submission_save(
            user=coordinator_a, submission=submission, values=values, answers={}, submit=False
        )


def test_completeness_shows_who_has_not_submitted(client, campaign, coordinator_a):
    login(client, coordinator_a)
    page = client.get(reverse("monitoring:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Принято <strong>0</strong> из 2" in page
    assert "Не сдали" in page and "Гимназия г. Альфа" in page


@pytest.mark.parametrize("outsider", ["coordinator_b", "observer_b"])
def test_outsiders_get_404(client, cast, campaign, outsider):
    login(client, cast[outsider])
    submission = campaign.submissions.get(school__code="a1")
    assert client.get(reverse("monitoring:campaign_detail", args=[campaign.pk])).status_code == 404
    url = reverse("monitoring:submission_detail", args=[submission.pk])
    assert client.get(url).status_code == 404


def test_a_school_team_sees_only_its_own_submission(client, campaign, school_team_a1):
    login(client, school_team_a1)
    other = campaign.submissions.get(school__code="a2")
    url = reverse("monitoring:submission_detail", args=[other.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("monitoring:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Гимназия г. Альфа" not in page


def test_reminders_are_written_once_per_stage(campaign, school_team_a1, coordinator_a):
    call_command("remind_campaigns", date="2024-01-25")
    call_command("remind_campaigns", date="2024-01-26")
    assert Notification.objects.filter(user=school_team_a1).count() == 1
    assert Notification.objects.get(user=coordinator_a).text.startswith("«Показатели на январь")
    call_command("remind_campaigns", date="2024-01-31")  # a day before: the second reminder
    assert Notification.objects.filter(user=school_team_a1).count() == 2


def test_home_page_lists_campaigns_due_within_a_week(client, campaign, school_team_a1):
    due = selectors.campaigns_due(user=school_team_a1, today=TODAY)
    assert [d.campaign for d in due] == [campaign]
    assert selectors.campaigns_due(user=school_team_a1, today=datetime.date(2024, 1, 10)) == []
