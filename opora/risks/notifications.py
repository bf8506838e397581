"""Notifications in the application (with an e-mail copy when a mail server is configured):
who is told of a review step, and the reminders on the deadlines of school programs."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.programs.models import Activity, ActivityStatus, ProgramStatus
from opora.registry.models import School
from opora.risks.models import Notification


def notify(*, users, text: str, link: str = "", key: str = "") -> int:
    """A notification in the application for each user, and a copy by e-mail when a mail server
    is configured. With a key, a user gets one notification per event however often called."""
    created = 0
    for user in {u.pk: u for u in users}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        Notification.objects.create(user=user, text=text, link=link, key=key)
        created += 1
        if settings.EMAIL_HOST and user.email:
            send_mail(
                subject=f"Опора: {text[:80]}",
                message=f"{text}\n\n{link}",
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,  # a mail outage must not undo the review it reports
            )
    return created


def school_team(school: School):
    return User.objects.filter(role=Role.SCHOOL, school=school, is_active=True)


def school_curators(school: School):
    return User.objects.filter(role=Role.CURATOR, curated_schools=school, is_active=True)


@transaction.atomic
def notification_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications as read: the listed ones, or all."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=datetime.datetime.now(datetime.UTC))


def deadline_notifications(*, today: datetime.date) -> int:
    """Reminders on the activities of approved school programs: one when the end date is seven
    days away or closer, one when it has passed. Idempotent: each is sent once per end date."""
    soon = today + datetime.timedelta(days=7)
    activities = (
        Activity.objects.filter(
            program__school__isnull=False,
            program__status__in=[ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS],
            ends_on__isnull=False,
            ends_on__lte=soon,
        )
        .exclude(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])
        .select_related("program__school")
    )
    created = 0
    for activity in activities:
        school = activity.program.school
        people = [*school_team(school), *school_curators(school)]
        when = f"{activity.ends_on:%d.%m.%Y}"
        if activity.ends_on < today:
            key, text = f"overdue:{activity.pk}:{activity.ends_on}", "Просрочено"
        else:
            key, text = f"deadline:{activity.pk}:{activity.ends_on}", "Срок через 7 дней и меньше"
        created += notify(
            users=people,
            text=f"{text} (до {when}): {school.short_name}, мероприятие {activity.number} "
            f"«{activity.text[:120]}».",
            link=reverse("programs:activity_detail", args=[activity.pk]),
            key=key,
        )
    return created
