"""From the profile to approved programs: documents from templates, the school adapts its
anti-risk program, the curator comments, returns it once and approves; who may do what."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.programs.models import Program, ProgramStatus
from opora.programs.school_programs import school_program_save
from opora.reports.documents import document_list, export_document
from opora.risks.models import ReviewDecision
from opora.risks.planning import school_programs_create
from opora.risks.profiles import profile_open, profile_priorities_save
from opora.risks.reviews import (
    review_comment_add,
    school_program_approve,
    school_program_return,
    school_program_submit,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(risky_profile, school_team_a1):
    profile_priorities_save(
        profile=risky_profile, user=school_team_a1, factor_codes=["vsoko", "competence"]
    )
    return school_programs_create(profile=risky_profile, user=school_team_a1)


@pytest.fixture
def vsoko(programs):
    return Program.objects.get(kind="antirisk", risk_link__factor__code="vsoko")


def test_documents_come_from_the_profile_and_its_templates(programs, risky_profile, school_team_a1):
    kinds = sorted(p.kind for p in programs)
    assert kinds == ["antirisk", "antirisk", "concept", "midterm"]
    vsoko = Program.objects.get(kind="antirisk", risk_link__factor__code="vsoko")
    assert vsoko.school.code == "a1" and vsoko.level == "school" and vsoko.status == "draft"
    assert vsoko.period == "2023/24 учебный год"
    first = vsoko.activities.order_by("position").first()
    # Seed 003, risk factor 1: the school writes its ВСОКО documents first.
    assert "положения о ВСОКО" in first.text
    assert list(first.schools.values_list("code", flat=True)) == ["a1"]
    assert first.ends_on.isoformat() == "2023-09-30"  # «Сентябрь» of the school year 2023/24
    may = vsoko.activities.get(text__startswith="Аналитическая справка")
    assert may.ends_on.year == 2024  # «Декабрь, апрель»: April falls in the next calendar year
    assert vsoko.indicators.get(number="1").targets.get().year == 2024
    concept = Program.objects.get(kind="concept")
    assert "Несформированность внутришкольной системы оценки" in concept.passport["basis"]
    # Made once: asking again adds nothing.
    assert school_programs_create(profile=risky_profile, user=school_team_a1) == []


def test_no_documents_without_priorities(school_a1, school_team_a1):
    profile = profile_open(school=school_a1, year=2024, user=school_team_a1)
    with pytest.raises(ValidationError, match="приоритетные"):
        school_programs_create(profile=profile, user=school_team_a1)


def save(program, user, **changes):
    activities = [
        {
            "id": a.pk,
            "text": a.text,
            "period": a.period,
            "responsible": a.responsible,
            "implementation_indicator": a.implementation_indicator,
        }
        for a in program.activities.order_by("position")
    ]
    indicators = [
        {"id": i.pk, "name": i.name, "unit": i.unit, "baseline": "", "target": "100"}
        for i in program.indicators.all()
    ]
    data = {
        "goal": "Сформировать ВСОКО",
        "tasks": ["Документы ВСОКО", "План ВШК"],
        "executors": "Администрация школы",
        "activities": activities,
        "indicators": indicators,
    } | changes
    return school_program_save(program=program, user=user, **data)


def test_the_school_adapts_its_draft(vsoko, school_team_a1):
    rows = [{"id": a.pk, "text": a.text, "period": a.period} for a in vsoko.activities.all()]
    rows[0] |= {"period": "Май", "responsible": "Директор"}
    rows[1] |= {"delete": True}
    rows.append({"text": "Педсовет по итогам МСОКО", "period": "Январь"})
    save(vsoko, school_team_a1, activities=rows)
    activities = list(vsoko.activities.order_by("position"))
    assert [a.number for a in activities] == [str(n) for n in range(1, len(rows))]
    assert activities[0].ends_on.isoformat() == "2024-05-31"
    assert activities[-1].text == "Педсовет по итогам МСОКО"
    assert activities[-1].ends_on.isoformat() == "2024-01-31"
    assert [t.text for t in vsoko.goals.get().tasks.all()] == ["Документы ВСОКО", "План ВШК"]
    assert vsoko.passport["goal"] == "Сформировать ВСОКО"


def test_review_with_one_return_then_approval(vsoko, school_team_a1, curator_a1):
    school_program_submit(program=vsoko, user=school_team_a1)
    assert vsoko.status == ProgramStatus.REVIEW
    assert curator_a1.notifications.filter(text__contains="направила на согласование").exists()
    with pytest.raises(ValidationError):
        save(vsoko, school_team_a1)  # no edits while the curator reads it
    with pytest.raises(PermissionDenied):
        school_program_approve(program=vsoko, user=school_team_a1)
    with pytest.raises(ValidationError, match="что доработать"):
        school_program_return(program=vsoko, user=curator_a1, note="")

    activity = vsoko.activities.get(number="1")
    review_comment_add(
        program=vsoko, user=curator_a1, text="Срок раньше экспертизы", activity=activity
    )
    school_program_return(program=vsoko, user=curator_a1, note="")
    assert vsoko.status == ProgramStatus.DRAFT
    returned = school_team_a1.notifications.get(text__startswith="Возвращена на доработку")
    assert returned.link == reverse("risks:program_work", args=[vsoko.pk])

    save(vsoko, school_team_a1)
    school_program_submit(program=vsoko, user=school_team_a1)
    school_program_approve(program=vsoko, user=curator_a1, note="Согласовано")
    vsoko.refresh_from_db()
    assert vsoko.status == ProgramStatus.APPROVED
    assert not vsoko.review_comments.filter(resolved=False).exists()
    assert school_team_a1.notifications.filter(text__startswith="Согласована").exists()
    actions = list(
        vsoko.review_decisions.order_by("created", "pk").values_list("action", flat=True)
    )
    assert actions == ["submitted", "returned", "submitted", "approved"]


def test_only_a_curator_of_the_school_or_its_municipality_reviews(vsoko, cast, school_team_a1):
    school_program_submit(program=vsoko, user=school_team_a1)
    other = User.objects.create_user(username="curator_b", password=PASSWORD, role=Role.CURATOR)
    for user in (other, cast["methodist_a"], cast["coordinator_b"], cast["observer_b"]):
        with pytest.raises(PermissionDenied):
            school_program_approve(program=vsoko, user=user)
        with pytest.raises(PermissionDenied):
            review_comment_add(program=vsoko, user=user, text="?")
    school_program_approve(program=vsoko, user=cast["coordinator_a"])
    assert vsoko.status == ProgramStatus.APPROVED


def test_a_curator_cannot_write_the_schools_program(vsoko, curator_a1):
    with pytest.raises(PermissionDenied):
        save(vsoko, curator_a1)
    with pytest.raises(PermissionDenied):
        school_program_submit(program=vsoko, user=curator_a1)


def test_email_goes_only_when_a_mail_server_is_configured(
    vsoko, school_team_a1, curator_a1, settings
):
    curator_a1.email = "curator@example.ru"
    curator_a1.save()
    settings.EMAIL_HOST = ""
    school_program_submit(program=vsoko, user=school_team_a1)
    assert mail.outbox == []
    school_program_return(program=vsoko, user=curator_a1, note="Доработать")
    settings.EMAIL_HOST = "smtp.example.ru"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school_program_submit(program=vsoko, user=school_team_a1)
    assert [m.to for m in mail.outbox] == [["curator@example.ru"]]


def test_review_pages_refuse_outsiders(client, cast, vsoko, school_team_a1):
    school_program_submit(program=vsoko, user=school_team_a1)
    url = reverse("risks:program_work", args=[vsoko.pk])
    for name, status in [("curator_a1", 200), ("coordinator_b", 404), ("observer_b", 404)]:
        client.login(username=name, password=PASSWORD)
        assert client.get(url).status_code == status, name
    client.login(username="curator_a1", password=PASSWORD)
    assert "approve-program" in client.get(url).content.decode()
    client.login(username="methodist_a", password=PASSWORD)
    page = client.get(url).content.decode()
    assert "approve-program" not in page
    client.post(reverse("risks:program_action", args=[vsoko.pk, "approve"]))
    vsoko.refresh_from_db()
    assert vsoko.status == ProgramStatus.REVIEW  # the methodist only reads


def test_antirisk_programs_and_the_profile_export(vsoko, risky_profile):
    ids = {d.id for d in document_list()}
    assert f"program-{vsoko.pk}" in ids and f"risk_profile-{risky_profile.pk}" in ids
    docx = export_document(f"risk_profile-{risky_profile.pk}", file_format="docx")
    assert docx[:2] == b"PK"
    pdf = export_document(f"risk_profile-{risky_profile.pk}", file_format="pdf")
    assert pdf[:4] == b"%PDF"
    assert export_document(f"program-{vsoko.pk}", file_format="pdf")[:4] == b"%PDF"


def test_decisions_are_listed_on_the_school_page(client, vsoko, school_team_a1, curator_a1):
    school_program_submit(program=vsoko, user=school_team_a1)
    school_program_approve(program=vsoko, user=curator_a1, note="Хорошо")
    client.login(username="school_team_a1", password=PASSWORD)
    page = client.get(reverse("risks:school", args=["a1"])).content.decode()
    assert "согласована и утверждена" in page and "Хорошо" in page
    assert ReviewDecision.objects.count() == 2
