"""Every write of the meetings app: the group and its composition, a meeting from preparation
to the final protocol and its revisions, decisions and the tracking of their execution."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from opora import locking
from opora.accounts.models import User
from opora.accounts.permissions import (
    can_create_working_group,
    can_manage_working_group,
    can_update_decision,
)
from opora.meetings.models import (
    FOLLOW_UP_TITLE,
    OPEN_STATUSES,
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    ItemKind,
    Meeting,
    Member,
    ProtocolRevision,
    ProtocolStatus,
    Speech,
    VoteKind,
    WorkingGroup,
)
from opora.meetings.protocol import protocol_content
from opora.meetings.voting import Quorum, vote_outcome
from opora.programs.periods import parse_period
from opora.registry.models import Municipality
from opora.words import accusative_person

GROUP_FIELDS = [
    "name",
    "issuer",
    "protocol_heading",
    "order",
    "composition_note",
    "decision_rule",
    "prints_owner_and_deadline",
]
MEMBER_FIELDS = [
    "name",
    "position",
    "organisation",
    "role",
    "account",
    "joined_on",
    "left_on",
    "position_in_list",
]
MEETING_FIELDS = ["date", "time", "place", "is_online", "chair", "secretary", "present_heading"]


def _assign_and_save(instance, values: dict, fields: list[str], *, seen: int | None = None):
    """`seen` is the edit form's `locking.edit_token`: a record someone else saved after the
    form was opened is not overwritten (EditConflict). None saves without the check."""
    if instance.pk and seen is not None:
        current = type(instance).objects.select_for_update().get(pk=instance.pk)
        locking.ensure_unchanged(current, seen=seen)
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance


def _require_manager(user: User, group: WorkingGroup) -> None:
    if not can_manage_working_group(user, group):
        raise PermissionDenied


def _require_draft(meeting: Meeting) -> None:
    if meeting.status == ProtocolStatus.FINAL:
        raise ValidationError(
            "Протокол окончательный: изменения вносятся в новой редакции протокола."
        )


@transaction.atomic
def working_group_create(*, user: User, municipality: Municipality, **values) -> WorkingGroup:
    if not can_create_working_group(user, municipality):
        raise PermissionDenied
    return _assign_and_save(WorkingGroup(municipality=municipality), values, GROUP_FIELDS)


@transaction.atomic
def working_group_update(*, user: User, group: WorkingGroup, **values) -> WorkingGroup:
    _require_manager(user, group)
    return _assign_and_save(group, values, GROUP_FIELDS)


@transaction.atomic
def member_save(*, user: User, group: WorkingGroup, member: Member | None = None, **values):
    """Add a member or change one; leaving the group is a `left_on` date, so the composition
    on the day of any past meeting stays known (and the history keeps who changed it)."""
    _require_manager(user, group)
    if member is None:
        member = Member(group=group)
        if "position_in_list" not in values:
            last = group.members.aggregate(m=Max("position_in_list"))["m"]
            values["position_in_list"] = 0 if last is None else last + 1
    elif member.group_id != group.pk:
        raise PermissionDenied
    return _assign_and_save(member, values, MEMBER_FIELDS)


def members_on(group: WorkingGroup, day: datetime.date) -> list[Member]:
    return [m for m in group.members.all() if m.is_active_on(day)]


def open_decisions_before(meeting: Meeting) -> list[Decision]:
    """Decisions of the group's earlier meetings that still wait for their owner."""
    return list(
        Decision.objects.filter(
            item__meeting__group=meeting.group,
            item__meeting__date__lte=meeting.date,
            status__in=OPEN_STATUSES,
        )
        .exclude(item__meeting=meeting)
        .order_by("item__meeting__date", "item__number", "number")
    )


@transaction.atomic
def meeting_create(*, user: User, group: WorkingGroup, **values) -> Meeting:
    """A new meeting with the next number, every current member marked present, and — when
    earlier decisions are still open — the item «Об исполнении решений предыдущих заседаний»."""
    _require_manager(user, group)
    last = group.meetings.aggregate(n=Max("number"))["n"] or 0
    meeting = Meeting(group=group, number=values.pop("number", None) or last + 1)
    _assign_and_save(meeting, values, MEETING_FIELDS)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, present=True) for m in members_on(group, meeting.date)
    )
    pending = open_decisions_before(meeting)
    if pending:
        item = AgendaItem.objects.create(
            meeting=meeting,
            number=1,
            kind=ItemKind.FOLLOW_UP,
            title=FOLLOW_UP_TITLE,
            heard_speaker=_follow_up_speaker(meeting),
            # Nothing to vote on until the secretary adds a decision (extend a deadline, …).
            vote_kind=VoteKind.NONE,
        )
        item.reviewed_decisions.set(pending)
    return meeting


def _follow_up_speaker(meeting: Meeting) -> str:
    """The chair reports on the earlier decisions unless the secretary writes otherwise:
    «СЛУШАЛИ: Астраханцеву О.В.», the name declined by petrovich."""
    return accusative_person(meeting.chair.name) if meeting.chair_id else ""


@transaction.atomic
def meeting_update(*, user: User, meeting: Meeting, seen: int | None = None, **values) -> Meeting:
    _require_manager(user, meeting.group)
    _require_draft(meeting)
    return _assign_and_save(meeting, values, MEETING_FIELDS, seen=seen)


@transaction.atomic
def attendance_save(
    *,
    user: User,
    meeting: Meeting,
    present: set[int],
    notes: dict[int, str],
    guests: list[tuple[str, str]],
) -> Quorum:
    """Who of the members came (by member id), why the others did not, and the invited."""
    _require_manager(user, meeting.group)
    _require_draft(meeting)
    members = members_on(meeting.group, meeting.date)
    known = {m.pk for m in members}
    if not present <= known:
        raise ValidationError("Отмечен человек, который не входит в состав группы на дату.")
    for member in members:
        Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "present": member.pk in present,
                "note": "" if member.pk in present else notes.get(member.pk, ""),
            },
        )
    meeting.attendance.exclude(member__in=known).delete()
    meeting.guests.all().delete()
    Guest.objects.bulk_create(
        Guest(meeting=meeting, name=name, position=position) for name, position in guests
    )
    return meeting_quorum(meeting)


def meeting_quorum(meeting: Meeting) -> Quorum:
    members = members_on(meeting.group, meeting.date)
    present = meeting.attendance.filter(present=True, member__in=members).count()
    return Quorum(members=len(members), present=present)


def _check_vote(meeting: Meeting, values: dict) -> None:
    if values.get("vote_kind") != VoteKind.COUNTED:
        values["votes_for"] = values["votes_against"] = values["votes_abstained"] = None
    quorum = meeting_quorum(meeting)
    outcome = vote_outcome(
        kind=values.get("vote_kind", VoteKind.UNANIMOUS),
        votes_for=values.get("votes_for"),
        votes_against=values.get("votes_against"),
        votes_abstained=values.get("votes_abstained"),
        present=quorum.present,
        members=quorum.members,
        rule=meeting.group.decision_rule,
    )
    if outcome.problems:
        raise ValidationError({"votes_for": outcome.problems})


ITEM_FIELDS = [
    "title",
    "heard_speaker",
    "heard_summary",
    "vote_kind",
    "votes_for",
    "votes_against",
    "votes_abstained",
]


@transaction.atomic
def agenda_item_save(
    *,
    user: User,
    meeting: Meeting,
    item: AgendaItem | None = None,
    speeches: list[tuple[str, str]] | None = None,
    seen: int | None = None,
    **values,
) -> AgendaItem:
    """An item of the agenda with its СЛУШАЛИ, ВЫСТУПИЛИ and vote; the vote must fit the
    attendance (nobody votes who is not present, guests do not vote)."""
    _require_manager(user, meeting.group)
    _require_draft(meeting)
    _check_vote(meeting, values)
    if item is None:
        last = meeting.items.aggregate(n=Max("number"))["n"] or 0
        item = AgendaItem(meeting=meeting, number=last + 1)
    elif item.meeting_id != meeting.pk:
        raise PermissionDenied
    _assign_and_save(item, values, ITEM_FIELDS, seen=seen)
    if speeches is not None:
        item.speeches.all().delete()
        Speech.objects.bulk_create(
            Speech(item=item, speaker=speaker, summary=summary, position=n)
            for n, (speaker, summary) in enumerate(speeches)
        )
    return item


@transaction.atomic
def agenda_item_delete(*, user: User, item: AgendaItem) -> None:
    _require_manager(user, item.meeting.group)
    _require_draft(item.meeting)
    meeting = item.meeting
    item.delete()
    # Keep the agenda numbered 1, 2, 3 … as it is printed.
    for number, rest in enumerate(meeting.items.order_by("number"), start=1):
        if rest.number != number:
            rest.number = number
            rest.save()


def deadline_fields(text: str, *, meeting: Meeting) -> dict:
    """«до 01.09.2024», «в течение года», «постоянно» as the date it falls due, read by the
    same parser as roadmap periods; a text without a date (постоянно) never falls due."""
    period = parse_period(text, year=meeting.date.year)
    return {"deadline_kind": period.kind if text else "", "due_on": period.end}


DECISION_FIELDS = [
    "text",
    "owner_member",
    "owner_school",
    "owner_text",
    "deadline_text",
    "deadline_kind",
    "due_on",
    "status",
]


@transaction.atomic
def decision_save(
    *,
    user: User,
    item: AgendaItem,
    decision: Decision | None = None,
    schools=(),
    programs=(),
    activities=(),
    indicators=(),
    seen: int | None = None,
    **values,
) -> Decision:
    """A point of ПОСТАНОВИЛИ: its owner and deadline, and what it concerns."""
    meeting = item.meeting
    _require_manager(user, meeting.group)
    _require_draft(meeting)
    owner = values.get("owner_member")
    if owner is not None and owner.group_id != meeting.group_id:
        raise ValidationError({"owner_member": "Ответственный не состоит в этой группе."})
    school = values.get("owner_school")
    if school is not None and school.municipality_id != meeting.group.municipality_id:
        raise ValidationError({"owner_school": "Школа другого муниципалитета."})
    values.update(deadline_fields(values.get("deadline_text", ""), meeting=meeting))
    if decision is None:
        last = item.decisions.aggregate(n=Max("number"))["n"] or 0
        decision = Decision(item=item, number=last + 1)
    elif decision.item_id != item.pk:
        raise PermissionDenied
    _assign_and_save(decision, values, DECISION_FIELDS, seen=seen)
    decision.schools.set(schools)
    decision.programs.set(programs)
    decision.activities.set(activities)
    decision.indicators.set(indicators)
    return decision


@transaction.atomic
def decision_delete(*, user: User, decision: Decision) -> None:
    item = decision.item
    _require_manager(user, item.meeting.group)
    _require_draft(item.meeting)
    decision.delete()
    for number, rest in enumerate(item.decisions.order_by("number"), start=1):
        if rest.number != number:
            rest.number = number
            rest.save()


@transaction.atomic
def decision_status_update(
    *, user: User, decision: Decision, status: str, evidence_link: str, evidence_note: str
) -> Decision:
    """Execution is tracked after the protocol is signed, so a final protocol does not lock
    it; the history keeps who changed the state, when, from what to what."""
    if not can_update_decision(user, decision):
        raise PermissionDenied
    decision.status, decision.evidence_link, decision.evidence_note = (
        status,
        evidence_link,
        evidence_note,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def meeting_finalise(*, user: User, meeting: Meeting) -> ProtocolRevision:
    """Make the protocol final (read-only) and keep this revision's content as signed."""
    _require_manager(user, meeting.group)
    _require_draft(meeting)
    problems = []
    if meeting.chair_id is None:
        problems.append("Не указан председатель.")
    if not meeting.items.exists():
        problems.append("В повестке нет ни одного вопроса.")
    quorum = meeting_quorum(meeting)
    if not quorum.reached:
        problems.append(
            f"Нет кворума: присутствуют {quorum.present} из {quorum.members} членов группы, "
            f"нужно не менее {quorum.needed}."
        )
    for item in meeting.items.all():
        outcome = vote_outcome(
            kind=item.vote_kind,
            votes_for=item.votes_for,
            votes_against=item.votes_against,
            votes_abstained=item.votes_abstained,
            present=quorum.present,
            members=quorum.members,
            rule=meeting.group.decision_rule,
        )
        problems += [f"Вопрос {item.number}: {p}" for p in outcome.problems]
    if problems:
        raise ValidationError(problems)
    meeting.status = ProtocolStatus.FINAL
    meeting.save()
    return ProtocolRevision.objects.create(
        meeting=meeting,
        number=meeting.revision,
        content=protocol_content(meeting),
        finalised_by=user if user.is_authenticated else None,
    )


@transaction.atomic
def meeting_new_revision(*, user: User, meeting: Meeting) -> Meeting:
    """Reopen a final protocol as the next revision; the signed one stays as it was."""
    _require_manager(user, meeting.group)
    if meeting.status != ProtocolStatus.FINAL:
        raise ValidationError("Протокол ещё черновик: его можно править без новой редакции.")
    meeting.status = ProtocolStatus.DRAFT
    meeting.revision += 1
    meeting.save()
    return meeting
