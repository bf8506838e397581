"""The dashboards' figures: one municipality's summary, and the summary of every municipality
of the region, each kind of data read once for all of them."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from opora.accounts.models import User
from opora.accounts.permissions import visible_municipalities
from opora.identification.models import IdentificationRun
from opora.identification.selectors import ApprovedList, approved_lists
from opora.monitoring import effectiveness as eff
from opora.monitoring.measures import MeasureRow, region_measure_rows
from opora.monitoring.models import MonitoringCampaign, SubmissionStatus
from opora.monitoring.public import PUBLIC_PROGRAM_STATUSES
from opora.monitoring.results import latest_year
from opora.programs.models import Activity, ActivityStatus, Indicator, Program
from opora.programs.selectors import indicator_statuses
from opora.registry.models import Municipality, School


@dataclass
class Summary:
    """The figures of one municipality's dashboard, each with where its data lives."""

    municipality: Municipality
    year: int
    categories: list[tuple[str, int]]
    clustering_run: IdentificationRun | None
    shnor: int
    approved: ApprovedList  # the list in force in the year: where ШНОР and categories come from
    schools: int
    indicators: dict[str, int]  # achieved / not_achieved / no_data
    activities: dict[str, int]  # status -> count, and "overdue"
    campaigns: list[MonitoringCampaign]
    verdicts: dict[str, int]


def municipality_summary(
    *, municipality: Municipality, year: int, today: datetime.date, measures=None
) -> Summary:
    """One municipality's figures, the same way as the region's dashboard counts them."""
    return _summaries(
        municipalities=[municipality],
        years={municipality.pk: year},
        today=today,
        measures={municipality.pk: measures or []},
    )[0]


def region_summaries(*, user: User, today: datetime.date, year: int | None = None) -> list[Summary]:
    """The summary of every visible municipality with results, in a number of queries that does
    not grow with the municipalities (issue 10): of academic year `year` (the list in force in
    it), else of each one's latest year with results."""
    municipalities = list(
        visible_municipalities(user)
        .select_related("region")
        .annotate(latest_year=latest_year("schools__pk"))
        .filter(latest_year__isnull=False)
    )
    years = {m.pk: m.latest_year if year is None else year for m in municipalities}
    if not municipalities:
        return []
    return _summaries(
        municipalities=municipalities,
        years=years,
        today=today,
        measures=region_measure_rows(municipalities=municipalities, years=years),
    )


def _summaries(
    *,
    municipalities: list[Municipality],
    years: dict[int, int],
    today: datetime.date,
    measures: dict[int, list[MeasureRow]],
) -> list[Summary]:
    """Each municipality's figures of its year, every kind of data read once for all."""
    lists = approved_lists(municipalities=municipalities, years=years)
    schools = School.objects.filter(municipality__in=municipalities)
    heads: dict[int, set[int]] = {m.pk: set() for m in municipalities}
    for pk, municipality_id in schools.filter(parent__isnull=True).values_list(
        "pk", "municipality_id"
    ):
        heads[municipality_id].add(pk)
    programs = Program.objects.filter(
        municipality__in=municipalities, school__isnull=True, status__in=PUBLIC_PROGRAM_STATUSES
    )
    indicators = _indicator_counts(programs=programs)
    activities = _activity_counts(programs=programs, today=today)
    campaigns = _latest_campaigns(municipalities=municipalities)
    summaries = []
    for m in municipalities:
        names, placed = lists[m.pk].categories()
        summaries.append(
            Summary(
                municipality=m,
                year=years[m.pk],
                categories=[
                    (name, sum(1 for pk, p in placed.items() if pk in heads[m.pk] and p[0] == name))
                    for name in names
                ],
                clustering_run=lists[m.pk].clustering_run if placed else None,
                shnor=len(lists[m.pk].shnor_ids),
                approved=lists[m.pk],
                schools=len(heads[m.pk]),
                indicators=indicators[m.pk],
                activities=activities[m.pk],
                campaigns=campaigns.get(m.pk, []),
                verdicts=_verdict_counts(measures.get(m.pk, [])),
            )
        )
    return summaries


def _no_indicators() -> dict[str, int]:
    return {"achieved": 0, "not_achieved": 0, "no_data": 0}


def _indicator_counts(*, programs: QuerySet[Program]) -> defaultdict[int, dict[str, int]]:
    """Municipality id → its programs' indicators by achievement (zeros for one without)."""
    counts: dict[int, dict[str, int]] = defaultdict(_no_indicators)
    # Only what the achievement reads: an indicator's texts are long.
    indicators = (
        Indicator.objects.filter(program__in=programs)
        .only("higher_is_better")
        .annotate(municipality_id=F("program__municipality_id"))
    )
    for indicator, status in indicator_statuses(indicators=indicators):
        counts[indicator.municipality_id][status] += 1
    return counts


def _no_activities() -> dict[str, int]:
    return {**{s: 0 for s in ActivityStatus.values}, "overdue": 0}


def _activity_counts(
    *, programs: QuerySet[Program], today: datetime.date
) -> defaultdict[int, dict[str, int]]:
    """Municipality id → its programs' activities by status, and how many are overdue (zeros
    for one without)."""
    counts: dict[int, dict[str, int]] = defaultdict(_no_activities)
    # Only what is_overdue reads: an activity's texts are long and the region has thousands.
    activities = (
        Activity.objects.filter(program__in=programs)
        .only("status", "ends_on")
        .annotate(municipality_id=F("program__municipality_id"))
    )
    for activity in activities:
        found = counts[activity.municipality_id]
        found[activity.status] += 1
        found["overdue"] += activity.is_overdue(today)
    return counts


def _verdict_counts(rows: list[MeasureRow]) -> dict[str, int]:
    verdicts = {eff.EFFECTIVE: 0, eff.INEFFECTIVE: 0, eff.NO_DATA: 0}
    for row in rows:
        for verdict in row.verdicts:
            verdicts[verdict.judgement.verdict] += 1
    return verdicts


LATEST_CAMPAIGNS = 6


def _latest_campaigns(*, municipalities: list[Municipality]) -> dict[int, list[MonitoringCampaign]]:
    """Municipality id → its latest campaigns with the schools in them and those accepted; the
    window keeps the read to what is shown however many campaigns the years have gathered."""
    campaigns = (
        MonitoringCampaign.objects.filter(municipality__in=municipalities)
        .annotate(
            schools_count=Count("submissions", distinct=True),
            accepted_count=Count(
                "submissions",
                filter=Q(submissions__status=SubmissionStatus.ACCEPTED),
                distinct=True,
            ),
            rank=Window(
                RowNumber(),
                partition_by=F("municipality_id"),
                order_by=[F("deadline").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=LATEST_CAMPAIGNS)
        .order_by("-deadline", "-pk")
    )
    found: dict[int, list[MonitoringCampaign]] = {}
    for campaign in campaigns:
        found.setdefault(campaign.municipality_id, []).append(campaign)
    return found
