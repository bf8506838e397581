"""Reads of the meetings app, always through the user's scope (permissions.py)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_create_working_group,
    can_manage_working_group,
    sees_territory_working_groups,
    visible_municipalities,
    visible_schools,
    works_with_own_schools,
)
from opora.meetings.models import (
    OPEN_STATUSES,
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    Meeting,
    Member,
    Speech,
    WorkingGroup,
)


def visible_working_groups(user: User) -> QuerySet[WorkingGroup]:
    """Working groups of the municipalities a region, coordinator, methodist or observer works
    in, and any group the user is a member of (a curator in seed 003's group)."""
    if user.is_superuser:
        return WorkingGroup.objects.all()
    if not user.is_authenticated:
        return WorkingGroup.objects.none()
    groups = WorkingGroup.objects.filter(members__account=user)
    if sees_territory_working_groups(user):
        groups = groups | WorkingGroup.objects.filter(municipality__in=visible_municipalities(user))
    return groups.distinct()


def visible_decisions(user: User) -> QuerySet[Decision]:
    """Decisions of the visible groups; a school team or curator sees those that concern its
    schools or that its school owns; anyone sees the decisions they own."""
    if user.is_superuser:
        return Decision.objects.all()
    if not user.is_authenticated:
        return Decision.objects.none()
    decisions = Decision.objects.filter(
        item__meeting__group__in=visible_working_groups(user)
    ) | Decision.objects.filter(owner_member__account=user)
    if works_with_own_schools(user):
        schools = visible_schools(user)
        decisions = (
            decisions
            | Decision.objects.filter(schools__in=schools)
            | Decision.objects.filter(owner_school__in=schools)
        )
    return decisions.distinct()


def group_list(*, user: User) -> QuerySet[WorkingGroup]:
    return (
        visible_working_groups(user)
        .select_related("municipality", "order")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            open_count=Count(
                "meetings__items__decisions",
                filter=Q(meetings__items__decisions__status__in=OPEN_STATUSES),
                distinct=True,
            ),
        )
        .order_by("municipality__name", "pk")
    )


def group_get(*, user: User, pk: int) -> WorkingGroup:
    return get_object_or_404(
        visible_working_groups(user).select_related("municipality", "order"), pk=pk
    )


def sees_group(*, user: User, group_id: int) -> bool:
    return visible_working_groups(user).filter(pk=group_id).exists()


def meeting_get(*, user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(group__in=visible_working_groups(user)).select_related(
            "group__municipality", "chair", "secretary"
        ),
        pk=pk,
    )


def decision_get(*, user: User, pk: int) -> Decision:
    return get_object_or_404(
        visible_decisions(user).select_related(
            "item__meeting__group__municipality", "owner_member__account", "owner_school"
        ),
        pk=pk,
    )


def decision_list(*, user: User, state: str = "open", today: datetime.date) -> QuerySet[Decision]:
    """The user's decisions: `open` (default), `overdue` or `all`, earliest deadline first."""
    decisions = visible_decisions(user).select_related(
        "item__meeting__group__municipality", "owner_member", "owner_school"
    )
    if state in ("open", "overdue"):
        decisions = decisions.filter(status__in=OPEN_STATUSES)
    if state == "overdue":
        decisions = decisions.filter(due_on__lt=today)
    return decisions.order_by("due_on", "item__meeting__date", "item__number", "number")


def overdue_decisions(*, user: User, today: datetime.date) -> QuerySet[Decision]:
    """For the home page: overdue decisions the user answers for — owned by the user (a member
    linked to the user, or the user's school), or of a group the user manages."""
    if not user.is_authenticated:
        return Decision.objects.none()
    managed = [g.pk for g in visible_working_groups(user) if can_manage_working_group(user, g)]
    mine = Q(owner_member__account=user) | Q(item__meeting__group__in=managed)
    if user.school_id:
        mine |= Q(owner_school_id=user.school_id)
    return (
        Decision.objects.filter(mine, status__in=OPEN_STATUSES, due_on__lt=today)
        .select_related("item__meeting", "owner_member", "owner_school")
        .order_by("due_on")
    )


def group_municipalities(*, user: User):
    """Municipalities in which the user may form a working group."""
    return [m for m in visible_municipalities(user) if can_create_working_group(user, m)]


@dataclass
class Change:
    when: datetime.datetime
    who: object
    what: str
    field: str
    before: str
    after: str


def _changes(records, describe, fields: dict[str, str] | None = None) -> list[Change]:
    """Before/after of each saved change of the given historical records (oldest to newest
    per object), creation and deletion as one line each."""
    changes = []
    previous = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        what = describe(record)
        if record.history_type == "+":
            changes.append(
                Change(record.history_date, record.history_user, what, "", "", "создано")
            )
        elif record.history_type == "-":
            changes.append(
                Change(record.history_date, record.history_user, what, "", "", "удалено")
            )
        elif before is not None:
            for change in record.diff_against(before).changes:
                if fields is not None and change.field not in fields:
                    continue
                label = (fields or {}).get(change.field) or _label(record, change.field)
                changes.append(
                    Change(
                        record.history_date,
                        record.history_user,
                        what,
                        label,
                        _show(record, change.field, change.old),
                        _show(record, change.field, change.new),
                    )
                )
        previous[record.id] = record
    return changes


def _label(record, field: str) -> str:
    return str(record.instance_type._meta.get_field(field).verbose_name)


def _show(record, field: str, value) -> str:
    model_field = record.instance_type._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if model_field.is_relation:
        target = model_field.related_model.objects.filter(pk=value).first()
        return str(target) if target else str(value)
    return str(value)


PROTOCOL_SKIPPED_FIELDS = {"deadline_kind", "due_on"}


def protocol_changes(*, meeting: Meeting) -> list[Change]:
    """Every edit of the protocol — the meeting, attendance, guests, items, speeches and
    decisions — newest first: who, when, what, before, after."""
    item_ids = set(
        AgendaItem.history.filter(meeting_id=meeting.pk).values_list("id", flat=True).distinct()
    )
    sources = [
        (Meeting.history.filter(id=meeting.pk), lambda r: "заседание"),
        (
            Attendance.history.filter(meeting_id=meeting.pk).select_related("history_user"),
            lambda r: f"присутствие: {Member.objects.filter(pk=r.member_id).first() or ''}",
        ),
        (Guest.history.filter(meeting_id=meeting.pk), lambda r: f"приглашённый {r.name}"),
        (AgendaItem.history.filter(meeting_id=meeting.pk), lambda r: f"вопрос {r.number}"),
        (Speech.history.filter(item_id__in=item_ids), lambda r: f"выступление: {r.speaker}"),
        (
            Decision.history.filter(item_id__in=item_ids),
            lambda r: f"решение {r.number} вопроса {_item_number(r.item_id)}",
        ),
    ]
    changes = []
    for records, describe in sources:
        changes += [
            c for c in _changes(list(records), describe) if c.field not in PROTOCOL_SKIPPED_FIELDS
        ]
    return sorted(changes, key=lambda c: c.when, reverse=True)


def _item_number(item_id: int) -> str:
    item = AgendaItem.objects.filter(pk=item_id).first()
    return str(item.number) if item else "(удалён)"


DECISION_TRACKED = {
    "status": "Состояние",
    "evidence_link": "Подтверждение",
    "evidence_note": "Что сделано",
    "deadline_text": "Срок",
    "text": "Текст решения",
}


def decision_changes(*, decision: Decision) -> list[Change]:
    records = list(decision.history.all())
    changes = _changes(records, lambda r: "решение", DECISION_TRACKED)
    return sorted(changes, key=lambda c: c.when, reverse=True)


def member_changes(*, group: WorkingGroup) -> list[Change]:
    """Changes of the composition: who was added, left, changed role or position."""
    records = list(Member.history.filter(group_id=group.pk))
    return sorted(_changes(records, lambda r: r.name), key=lambda c: c.when, reverse=True)
