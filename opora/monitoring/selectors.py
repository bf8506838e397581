"""Reads of monitoring's own objects within the user's scope: campaigns and their submissions,
what is due, the municipalities and the annual reports a user may open."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_manage_municipality,
    is_school_team,
    visible_municipalities,
    visible_schools,
    works_with_own_schools,
)
from opora.meetings.models import Meeting
from opora.monitoring.models import (
    AnnualReport,
    CampaignKind,
    CampaignStatus,
    MonitoringCampaign,
    Submission,
    SubmissionStatus,
)
from opora.programs.models import Indicator, IndicatorScope
from opora.registry.models import Municipality, School


def campaign_list(*, user: User) -> QuerySet[MonitoringCampaign]:
    """Campaigns of the user's municipalities; a school team sees those its school is in."""
    campaigns = MonitoringCampaign.objects.filter(municipality__in=visible_municipalities(user))
    if works_with_own_schools(user):
        campaigns = campaigns.filter(schools__in=visible_schools(user)).distinct()
    return campaigns.select_related("municipality").annotate(
        schools_count=Count("submissions", distinct=True),
        accepted_count=Count(
            "submissions", filter=Q(submissions__status=SubmissionStatus.ACCEPTED), distinct=True
        ),
    )


def campaign_get(*, user: User, pk: int) -> MonitoringCampaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


@dataclass
class Completeness:
    submissions: list[Submission]
    counts: dict[str, int]  # status -> schools
    missing: list[Submission]  # not handed in yet (not started, being filled, returned)

    @property
    def done_percent(self) -> int:
        total = len(self.submissions)
        accepted = self.counts.get(SubmissionStatus.ACCEPTED, 0)
        return round(100 * accepted / total) if total else 0


def campaign_completeness(*, user: User, campaign: MonitoringCampaign) -> Completeness:
    """Who has handed in, who is being checked, who has not submitted yet."""
    submissions = list(
        campaign.submissions.filter(school__in=visible_schools(user))
        .select_related("school", "submitted_by", "reviewed_by")
        .order_by("school__short_name")
    )
    counts = {status: 0 for status in SubmissionStatus.values}
    for submission in submissions:
        counts[submission.status] += 1
    unsubmitted = {SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}
    missing = [s for s in submissions if s.status in unsubmitted]
    return Completeness(submissions, counts, missing)


def submission_get(*, user: User, pk: int) -> Submission:
    submissions = Submission.objects.filter(
        school__in=visible_schools(user), campaign__municipality__in=visible_municipalities(user)
    )
    return get_object_or_404(submissions.select_related("campaign__municipality", "school"), pk=pk)


def campaign_indicators(*, campaign: MonitoringCampaign, school: School) -> list[Indicator]:
    """The indicators a school reports in a campaign: those «каждая школа» and its own."""
    return list(
        campaign.indicators.filter(
            Q(scope=IndicatorScope.EACH_SCHOOL) | Q(scope=IndicatorScope.SCHOOL, school=school)
        ).order_by("program", "position", "pk")
    )


def municipal_indicators(*, campaign: MonitoringCampaign) -> QuerySet[Indicator]:
    """Indicators of the whole municipality in a campaign: the coordinator enters them."""
    return campaign.indicators.filter(scope=IndicatorScope.MUNICIPALITY).order_by(
        "program", "position"
    )


KIND_HINTS = {
    CampaignKind.INDICATORS: "значения целевых показателей на дату",
    CampaignKind.MSOKO: "результаты оценочных процедур учебного года",
    CampaignKind.REQUEST: "ответы школ на вопросы муниципалитета",
}


@dataclass
class DueCampaign:
    campaign: MonitoringCampaign
    submission: Submission | None
    days_left: int


def campaign_years(*, user: User) -> QuerySet:
    campaigns = MonitoringCampaign.objects.filter(municipality__in=visible_municipalities(user))
    if works_with_own_schools(user):
        campaigns = campaigns.filter(schools__in=visible_schools(user))
    return campaigns.order_by().values_list("year", flat=True).distinct()


def campaigns_due(*, user: User, today: datetime.date, within_days: int = 7) -> list[DueCampaign]:
    """Open campaigns whose deadline is within `within_days` (or past) and where the user still
    has something to do: a school team its submission, a coordinator the schools not in yet."""
    campaigns = MonitoringCampaign.objects.filter(
        status=CampaignStatus.OPEN,
        deadline__lte=today + datetime.timedelta(days=within_days),
        municipality__in=visible_municipalities(user),
    ).order_by("deadline")
    due = []
    waiting = [SubmissionStatus.PENDING, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]
    for campaign in campaigns:
        days_left = (campaign.deadline - today).days
        if is_school_team(user):
            submission = campaign.submissions.filter(
                school_id=user.school_id, status__in=waiting
            ).first()
            if submission:
                due.append(DueCampaign(campaign, submission, days_left))
        elif (
            can_manage_municipality(user, campaign.municipality)
            and campaign.submissions.filter(status__in=waiting).exists()
        ):
            due.append(DueCampaign(campaign, None, days_left))
    return due


def municipality_get(*, user: User, code: str) -> Municipality:
    return get_object_or_404(visible_municipalities(user).select_related("region"), code=code)


def report_list(*, user: User) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(
        municipality__in=visible_municipalities(user)
    ).select_related("municipality")


def report_get(*, user: User, pk: int) -> AnnualReport:
    return get_object_or_404(report_list(user=user), pk=pk)


def report_meetings(*, municipality: Municipality) -> QuerySet[Meeting]:
    """The working group meetings a report may be an appendix to, the latest first; the caller
    manages the municipality."""
    meetings = Meeting.objects.filter(group__municipality=municipality).select_related("group")
    return meetings.order_by("-date", "-number")
