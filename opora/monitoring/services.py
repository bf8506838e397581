"""Every write of monitoring: campaigns and submissions, measures, reminders, the report's
conclusions and its publication."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.accounts.permissions import (
    can_fill_submission,
    can_manage_municipality,
    can_review_submission,
    can_set_effectiveness_rule,
)
from opora.links import clean_web_links
from opora.meetings.models import Meeting
from opora.monitoring import selectors
from opora.monitoring.effectiveness import EffectivenessParams
from opora.monitoring.models import (
    AnnualReport,
    CampaignStatus,
    EffectivenessRule,
    Measure,
    MonitoringCampaign,
    ReminderStage,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from opora.programs.models import Indicator, IndicatorScope
from opora.programs.selectors import indicator_source_label
from opora.programs.services import indicator_value_save
from opora.programs.sources import SOURCES, percent, results_year
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label
from opora.risks.notifications import notify
from opora.words import agree

EDITABLE = {SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}


@transaction.atomic
def campaign_create(
    *,
    user: User | None,
    municipality: Municipality,
    title: str,
    kind: str,
    year: int,
    measured_on: datetime.date,
    opens_on: datetime.date,
    deadline: datetime.date,
    indicators: list[Indicator] | None = None,
    questions: list[str] | None = None,
    schools: list[School] | None = None,
    status: str = CampaignStatus.DRAFT,
) -> MonitoringCampaign:
    """A campaign with an empty submission for each school in it (by default every school of
    the municipality that is not a branch: a branch reports with its head school)."""
    if user is not None and not can_manage_municipality(user, municipality):
        raise PermissionDenied
    indicators = indicators or []
    if any(i.program.municipality_id != municipality.pk for i in indicators):
        raise ValidationError({"indicators": "Показатели — только из программ муниципалитета."})
    if schools is None:
        schools = list(School.objects.filter(municipality=municipality, parent__isnull=True))
    if any(s.municipality_id != municipality.pk for s in schools):
        raise ValidationError({"schools": "Школы — только своего муниципалитета."})
    campaign = MonitoringCampaign(
        municipality=municipality,
        title=title,
        kind=kind,
        year=year,
        measured_on=measured_on,
        opens_on=opens_on,
        deadline=deadline,
        status=status,
        questions=[q.strip() for q in questions or [] if q.strip()],
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    campaign.indicators.set(indicators)
    campaign.schools.set(schools)
    Submission.objects.bulk_create(Submission(campaign=campaign, school=s) for s in schools)
    return campaign


@transaction.atomic
def campaign_status_change(
    *, user: User, campaign: MonitoringCampaign, status: str
) -> MonitoringCampaign:
    if not can_manage_municipality(user, campaign.municipality):
        raise PermissionDenied
    if status not in CampaignStatus.values:
        raise ValidationError({"status": "Неизвестный статус кампании."})
    campaign.status = status
    campaign.save()
    return campaign


def _web_link(link: str, place: str) -> str:
    """The evidence link of one row of a submission, refused with the row it belongs to."""
    link = link.strip()
    try:
        clean_web_links(SubmissionValue, evidence_link=link)
    except ValidationError as error:
        message = " ".join(error.messages)
        raise ValidationError(f"{place}, ссылка на подтверждение: {message}") from None
    return link


@transaction.atomic
def submission_save(
    *,
    user: User,
    submission: Submission,
    values: dict[int, tuple[str, str]],
    answers: dict[str, tuple[str, str]],
    submit: bool,
) -> Submission:
    """A school's values (indicator id → value, evidence link) and answers (question → answer,
    link), kept as a draft; `submit` then hands the submission in for review (refused, with
    what is missing, while anything is empty). An accepted submission is not changed."""
    if not can_fill_submission(user, submission):
        raise PermissionDenied
    campaign = submission.campaign
    if submission.status not in EDITABLE:
        raise ValidationError("Отчёт уже сдан: изменить его можно, если муниципалитет вернёт его.")
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Кампания не принимает отчёты: сбор не открыт или завершён.")
    allowed = {
        i.pk: i for i in selectors.campaign_indicators(campaign=campaign, school=submission.school)
    }
    for indicator_id, (value, link) in values.items():
        if indicator_id not in allowed:
            raise ValidationError("Этот показатель школа в кампании не заполняет.")
        if allowed[indicator_id].source in SOURCES:
            continue  # computed from data, not typed in
        SubmissionValue.objects.update_or_create(
            submission=submission,
            indicator_id=indicator_id,
            defaults={
                "value": value.strip(),
                "evidence_link": _web_link(link, f"Показатель {allowed[indicator_id].number}"),
                "computed_from": "",
            },
        )
    for question, (value, link) in answers.items():
        if question not in campaign.questions:
            raise ValidationError("Такого вопроса в запросе нет.")
        SubmissionValue.objects.update_or_create(
            submission=submission,
            indicator=None,
            question=question,
            defaults={"value": value.strip(), "evidence_link": _web_link(link, f"«{question}»")},
        )
    submission_fill_computed(submission=submission)
    submission.status = SubmissionStatus.DRAFT
    submission.save()
    if submit:
        submission_submit(user=user, submission=submission)
    return submission


@transaction.atomic
def submission_submit(*, user: User, submission: Submission) -> Submission:
    if not can_fill_submission(user, submission):
        raise PermissionDenied
    if submission.status not in EDITABLE:
        raise ValidationError("Отчёт уже сдан.")
    indicators = selectors.campaign_indicators(
        campaign=submission.campaign, school=submission.school
    )
    _check_complete(submission, {i.pk: i for i in indicators})
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at, submission.submitted_by = timezone.now(), user
    submission.save()
    return submission


def _check_complete(submission: Submission, indicators: dict[int, Indicator]) -> None:
    filled = {(v.indicator_id, v.question) for v in submission.values.all() if v.value.strip()}
    missing = [i.name[:80] for pk, i in indicators.items() if (pk, "") not in filled]
    missing += [q[:80] for q in submission.campaign.questions if (None, q) not in filled]
    if missing:
        raise ValidationError("Не заполнено: " + "; ".join(missing))


def submission_fill_computed(*, submission: Submission) -> int:
    """Values of indicators computed from imported data (programs/sources.py): filled from
    the school's own data, not typed in, with the trace of how. Returns how many."""
    filled = 0
    measured_on = submission.campaign.measured_on
    year = results_year(measured_on)
    for indicator in selectors.campaign_indicators(
        campaign=submission.campaign, school=submission.school
    ):
        if indicator.source not in SOURCES:
            continue
        fraction = (
            SOURCES[indicator.source]
            .measure(
                school_ids=[submission.school_id], year=year, results_filter=indicator.source_filter
            )
            .get(submission.school_id)
        )
        if fraction is None or fraction[1] <= 0:
            continue
        described = f"{indicator_source_label(indicator)}, {academic_year_label(year)}"
        SubmissionValue.objects.update_or_create(
            submission=submission,
            indicator=indicator,
            defaults={
                "value": f"{percent(fraction):.1f}".replace(".", ","),
                "computed_from": f"{described}: {fraction[0]:g} из {fraction[1]:g}"[:300],
                "evidence_link": "",
            },
        )
        filled += 1
    return filled


@transaction.atomic
def submission_review(
    *, user: User, submission: Submission, accept: bool, comment: str
) -> Submission:
    """Accept a submission (its values become the indicators' values on the campaign's date)
    or return it to the school with a comment saying what to fix."""
    if not can_review_submission(user, submission):
        raise PermissionDenied
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError("Проверить можно только сданный отчёт.")
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": "Возвращая отчёт, напишите, что исправить."})
    if accept:
        for item in submission.values.select_related("indicator__program").exclude(indicator=None):
            indicator = item.indicator
            saved = indicator_value_save(
                indicator=indicator,
                user=user,
                measured_on=submission.campaign.measured_on,
                value=item.value,
                evidence_link=item.evidence_link,
                school=submission.school if indicator.scope == IndicatorScope.EACH_SCHOOL else None,
            )
            if saved.computed_from != item.computed_from:
                saved.computed_from = item.computed_from
                saved.save()
    submission.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.RETURNED
    submission.review_comment = comment
    submission.reviewed_at, submission.reviewed_by = timezone.now(), user
    submission.full_clean()
    submission.save()
    return submission


def reminders_send(*, today: datetime.date) -> int:
    """Notifications for open campaigns: a week and a day before the deadline and after it,
    to each school team that has not handed in and to the coordinator. Idempotent: a user gets
    one reminder per campaign and stage. Returns how many were written."""
    written = 0
    campaigns = MonitoringCampaign.objects.filter(
        status=CampaignStatus.OPEN, deadline__lte=today + datetime.timedelta(days=7)
    ).select_related("municipality")
    for campaign in campaigns:
        days_left = (campaign.deadline - today).days
        stage = (
            ReminderStage.OVERDUE
            if days_left < 0
            else ReminderStage.DAY
            if days_left <= 1
            else ReminderStage.WEEK
        )
        waiting = campaign.submissions.filter(status__in=EDITABLE).select_related("school")
        deadline = f"{campaign.deadline:%d.%m.%Y}"
        recipients: list[tuple[User, str]] = []
        for submission in waiting:
            for member in User.objects.filter(role=Role.SCHOOL, school=submission.school):
                text = f"«{campaign.title}»: сдайте отчёт школы до {deadline}"
                if stage == ReminderStage.OVERDUE:
                    text = f"«{campaign.title}»: срок {deadline} прошёл, отчёт школы не сдан"
                recipients.append((member, text))
        count = waiting.count()
        if count:
            for coordinator in User.objects.filter(
                role=Role.COORDINATOR, municipality=campaign.municipality
            ):
                recipients.append(
                    (
                        coordinator,
                        f"«{campaign.title}»: не сдали {count} "
                        f"{agree(count, 'школа')}, срок {deadline}",
                    )
                )
        link = reverse("monitoring:campaign_detail", args=[campaign.pk])
        for recipient, text in recipients:
            # One notification mechanism for the whole application (with e-mail when set up).
            written += notify(
                users=[recipient], text=text, link=link, key=f"campaign-{campaign.pk}-{stage}"
            )
    return written


@transaction.atomic
def measure_save(
    *,
    user: User,
    municipality: Municipality,
    year: int,
    text: str,
    track: str,
    schools: list[School],
    indicators: list[Indicator],
    rule: EffectivenessRule,
    conclusion: str,
    measure: Measure | None = None,
) -> Measure:
    """Record a measure taken (or change one): whom it addressed and how it is judged."""
    if not can_manage_municipality(user, municipality):
        raise PermissionDenied
    if any(s.municipality_id != municipality.pk for s in schools):
        raise ValidationError({"schools": "Школы — только своего муниципалитета."})
    if any(i.program.municipality_id != municipality.pk for i in indicators):
        raise ValidationError({"indicators": "Показатели — только из программ муниципалитета."})
    measure = measure or Measure(municipality=municipality)
    measure.year, measure.text, measure.track = year, text.strip(), track.strip()
    measure.rule, measure.conclusion = rule, conclusion.strip()
    measure.full_clean()
    measure.save()
    measure.schools.set(schools)
    measure.indicators.set(indicators)
    return measure


def rule_save(
    *, user: User | None, code: str, title: str, params: dict, source: str = "", region=None
) -> EffectivenessRule:
    """A rule version; the same code with other parameters becomes the next version, so the
    measures judged by an earlier version keep it. `user` None is the console operator."""
    if user is not None and not can_set_effectiveness_rule(user, region):
        raise PermissionDenied
    EffectivenessParams.from_params(params)  # refuses wrong parameters
    latest = EffectivenessRule.objects.filter(code=code).order_by("-version").first()
    if latest is not None and latest.params == params:
        return latest
    return EffectivenessRule.objects.create(
        code=code,
        version=latest.version + 1 if latest else 1,
        title=title,
        params=params,
        source=source,
        region=region,
    )


def report_title(municipality: Municipality, year: int) -> str:
    return (
        "Отчёт о выполнении мероприятий дорожной карты по повышению качества образования "
        f"школ с низкими образовательными результатами: {municipality.name}, "
        f"{academic_year_label(year)} учебный год"
    )


@transaction.atomic
def report_open(*, user: User | None, municipality: Municipality, year: int) -> AnnualReport:
    """The municipality's report of a year, created on first opening."""
    if user is not None and not can_manage_municipality(user, municipality):
        raise PermissionDenied
    report, _ = AnnualReport.objects.get_or_create(
        municipality=municipality,
        year=year,
        defaults={"title": report_title(municipality, year), "updated_by": user},
    )
    return report


@transaction.atomic
def report_conclusions_save(
    *, user: User, report: AnnualReport, conclusions: dict[str, str]
) -> AnnualReport:
    """The coordinator's own words for the report's sections; the history keeps every edit."""
    if not can_manage_municipality(user, report.municipality):
        raise PermissionDenied
    report.conclusions = {k: v.strip() for k, v in conclusions.items() if v.strip()}
    report.updated_by = user
    report.save()
    return report


@transaction.atomic
def report_requisites_save(
    *,
    user: User,
    report: AnnualReport,
    meeting_id: str,
    appendix_number: str,
    signer_position: str,
    signer_name: str,
) -> AnnualReport:
    """What the report's DOCX and PDF carry besides its text: the protocol it is an appendix
    to («Приложение 1 к протоколу заседания рабочей группы от … № …»), and who signs it."""
    if not can_manage_municipality(user, report.municipality):
        raise PermissionDenied
    errors = {}
    meeting = None
    if meeting_id:
        meeting = Meeting.objects.filter(
            pk=int(meeting_id) if meeting_id.isdigit() else 0,
            group__municipality=report.municipality,
        ).first()
        if meeting is None:
            errors["meeting"] = "Такого заседания рабочей группы муниципалитета нет."
    number = appendix_number.strip() or "1"
    if not number.isdigit() or not 1 <= int(number) <= 99:
        errors["appendix_number"] = f"Номер приложения — целое число от 1 до 99, а не «{number}»."
    if errors:
        raise ValidationError(errors)
    report.meeting = meeting
    report.appendix_number = int(number)
    report.signer_position = signer_position.strip()[:300]
    report.signer_name = signer_name.strip()[:200]
    report.updated_by = user
    report.save()
    return report


@transaction.atomic
def report_publish(*, user: User, report: AnnualReport, published: bool) -> AnnualReport:
    """Publishing puts the report on the municipality's public page; unpublishing takes it off."""
    if not can_manage_municipality(user, report.municipality):
        raise PermissionDenied
    report.is_published = published
    report.published_at = timezone.now() if published else None
    report.updated_by = user
    report.save()
    return report
