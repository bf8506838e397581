"""Stored links are web links only: a `javascript:` link saved as evidence would run in the
browser of everyone who opens the page (stored XSS). Pages, the API and the model fields refuse
anything but http(s), and a bad link already in the database is shown as text, not as a link."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from opora.monitoring import services as monitoring_services
from opora.monitoring.models import CampaignKind, CampaignStatus, SubmissionValue
from opora.programs.models import Activity, Indicator, IndicatorValue, Program
from tests.api.test_api import bearer
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACK = "javascript:alert(document.cookie)"


@pytest.fixture
def program(cast, municipality_a, school_a1):
    program = Program.objects.create(
        municipality=municipality_a, level="municipal", kind="mppko", name="Программа А",
        status="in_progress",
    )  # fmt: skip
    Indicator.objects.create(
        program=program, number="1", name="Доля школ с ИОМ", unit="percent", scope="each_school"
    )
    Activity.objects.create(program=program, number="1", text="Семинар").schools.add(school_a1)
    return program


@pytest.fixture
def campaign(program, coordinator_a, municipality_a):
    return monitoring_services.campaign_create(
        user=coordinator_a,
        municipality=municipality_a,
        title="Показатели на январь 2024 г.",
        kind=CampaignKind.INDICATORS,
        year=2024,
        measured_on=datetime.date(2024, 1, 1),
        opens_on=datetime.date(2024, 1, 9),
        deadline=datetime.date(2024, 1, 31),
        indicators=[program.indicators.get()],
        questions=["Что мешает?"],
        status=CampaignStatus.OPEN,
    )


@pytest.mark.parametrize(
    "link", [ATTACK, "JavaScript:alert(1)", "data:text/html,<b>", "ftp://x.ru/a"]
)
def test_the_api_refuses_a_value_whose_evidence_is_not_a_web_link(client, cast, program, link):
    indicator = program.indicators.get()
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/values",
        {"measured_on": "2024-01-10", "value": "75", "school": "a1", "evidence_link": link},
        content_type="application/json",
        **bearer(cast["school_team_a1"]),
    )
    assert response.status_code == 400
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "evidence_link"]
    assert "http://" in error["msg"] and "https://" in error["msg"]
    assert not IndicatorValue.objects.exists()


def test_the_api_keeps_a_web_link(client, cast, program):
    indicator = program.indicators.get()
    link = "https://school.example/prikaz.pdf"
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/values",
        {"measured_on": "2024-01-10", "value": "75", "school": "a1", "evidence_link": link},
        content_type="application/json",
        **bearer(cast["school_team_a1"]),
    )
    assert response.status_code == 200
    assert IndicatorValue.objects.get().evidence_link == link


def test_the_api_refuses_an_activity_marked_with_a_script_link(client, cast, program):
    activity = program.activities.get()
    response = client.patch(
        f"/api/v1/activities/{activity.pk}",
        {"status": "done", "evidence_link": ATTACK},
        content_type="application/json",
        **bearer(cast["school_team_a1"]),
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "evidence_link"]
    activity.refresh_from_db()
    assert activity.evidence_link == ""


def test_a_submission_with_a_script_link_is_refused_and_names_the_indicator(
    client, campaign, school_team_a1, program
):
    indicator = program.indicators.get()
    submission = campaign.submissions.get(school__code="a1")
    url = reverse("monitoring:submission_detail", args=[submission.pk])
    client.login(username=school_team_a1.username, password=PASSWORD)
    page = client.post(
        url,
        {f"value-{indicator.pk}": "12", f"link-{indicator.pk}": ATTACK, "answer-0": "Нет"},
        follow=True,
    )
    assert "Показатель 1" in page.content.decode()
    assert "http://" in page.content.decode()
    assert not SubmissionValue.objects.exists()  # nothing of the submission is saved


def test_an_answers_script_link_is_refused(campaign, school_team_a1):
    submission = campaign.submissions.get(school__code="a1")
    with pytest.raises(ValidationError) as refused:
        monitoring_services.submission_save(
            user=school_team_a1,
            submission=submission,
            values={},
            answers={"Что мешает?": ("Нет учителя", ATTACK)},
            submit=False,
        )
    assert "Что мешает?" in " ".join(refused.value.messages)
    assert not SubmissionValue.objects.exists()


def test_the_model_field_itself_refuses_a_script_link(program):
    value = IndicatorValue(
        indicator=program.indicators.get(),
        measured_on=datetime.date(2024, 1, 10),
        value="1",
        evidence_link=ATTACK,
    )
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert "evidence_link" in refused.value.message_dict


def test_a_bad_link_already_stored_is_shown_as_text(client, cast, program, school_a1):
    """Rows saved before the check (or written around it) must not become live links."""
    indicator = program.indicators.get()
    IndicatorValue.objects.create(
        indicator=indicator,
        school=school_a1,
        measured_on=datetime.date(2024, 1, 10),
        value="1",
        evidence_link=ATTACK,
    )
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("programs:indicator_detail", args=[indicator.pk])).content.decode()
    assert 'href="javascript' not in page.lower()
    assert "javascript:alert" in page  # shown, so the reader sees what was stored


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("https://school.example/a?b=1&c=2", '<a href="https://school.example/a?b=1&amp;c=2"'),
        (" JAVASCRIPT:alert(1)", "JAVASCRIPT:alert(1)"),
        ("java\tscript:alert(1)", "java\tscript:alert(1)"),
        ('http://x.ru/"onmouseover="alert(1)', "&quot;onmouseover=&quot;"),
        ("", "—"),
    ],
)
def test_the_link_filter_makes_only_web_links_live(stored, shown):
    html = Template("{% load opora_format %}{{ link|web_link:'подтверждение' }}").render(
        Context({"link": stored})
    )
    assert shown in html
    assert ("<a " in html) == stored.startswith("http")
    assert 'href="javascript' not in html.lower().replace("\t", "")
