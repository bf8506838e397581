"""The demo's "now": each demo municipality lives in its latest academic year with data (the
year its coordinator's pages open on) and is shown as that year stood at its end, so the demo
opens on a plausible state, not on a later calendar's alarm about plans of years gone by.
Dates the seeds state (orders, meetings, program periods) are documents and stay as written;
only what the demo adds (campaigns, statuses of activities) is placed relative to this day."""

import datetime

from django.db.models import Q
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.programs.models import Activity, ActivityStatus
from opora.registry.models import Municipality
from opora.registry.years import deadlines_as_of, year_in_view


def demo_year(municipality: Municipality) -> int:
    coordinator = User.objects.filter(role=Role.COORDINATOR, municipality=municipality).first()
    return year_in_view(coordinator) if coordinator else timezone.localdate().year


def demo_day(municipality: Municipality) -> datetime.date:
    return deadlines_as_of(demo_year(municipality), timezone.localdate())


DEMO_MARK = "Отметка демо: в документе-образце о выполнении не сказано."


def activities_settle() -> None:
    """Roadmap activities as they would stand on the demo's day: what ended before it is done
    (the seeds are plans adopted by order; the demo assumes they were carried out), what is under
    way is «выполняется», and the last activity of each municipal roadmap that fell due is left
    «выполняется» past its date, so the overdue mark has one plausible example per roadmap.
    Only activities still «запланировано» are touched: a status set by hand stays."""
    for municipality in Municipality.objects.filter(region__is_demo=True):
        day = demo_day(municipality)
        activities = Activity.objects.filter(
            program__municipality=municipality, status=ActivityStatus.PLANNED
        )
        late = {}
        for activity in activities.filter(ends_on__lt=day, program__school__isnull=True):
            kept = late.get(activity.program_id)
            if kept is None or (activity.ends_on, activity.pk) > (kept.ends_on, kept.pk):
                late[activity.program_id] = activity
        keep = {a.pk for a in late.values()}
        begun = Q(starts_on__lte=day) | Q(ends_on__lt=day)
        for activity in activities.filter(begun).exclude(ends_on=None):
            ended = activity.ends_on < day and activity.pk not in keep
            activity.status = ActivityStatus.DONE if ended else ActivityStatus.IN_PROGRESS
            activity.comment = activity.comment or (DEMO_MARK if ended else "")
            activity.save(update_fields=["status", "comment"])
