"""The curator's review of a school's programs: sent for review, commented on, returned or
approved, each step recorded and notified."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from opora.accounts.models import User
from opora.accounts.permissions import can_review_school
from opora.programs.models import Activity, Program, ProgramKind, ProgramStatus
from opora.programs.services import school_program_status_change
from opora.risks.models import ReviewComment, ReviewDecision
from opora.risks.notifications import notify, school_curators, school_team


def _program_link(program: Program) -> str:
    return reverse("risks:program_work", args=[program.pk])


@transaction.atomic
def school_program_submit(*, program: Program, user: User) -> Program:
    if not program.activities.exists() and program.kind == ProgramKind.ANTIRISK:
        raise ValidationError("В антирисковой программе нет ни одного мероприятия.")
    school_program_status_change(program=program, user=user, status=ProgramStatus.REVIEW)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.SUBMITTED, user=user
    )
    notify(
        users=school_curators(program.school),
        text=f"{program.school.short_name} направила на согласование: {program.name}.",
        link=_program_link(program),
    )
    return program


@transaction.atomic
def school_program_return(*, program: Program, user: User, note: str) -> Program:
    """Back to the draft with the curator's reasons (the field and activity comments stay)."""
    if not note.strip() and not program.review_comments.filter(resolved=False).exists():
        raise ValidationError("Напишите, что доработать: замечание к программе или к её разделу.")
    school_program_status_change(program=program, user=user, status=ProgramStatus.DRAFT)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.RETURNED, user=user, note=note
    )
    notify(
        users=school_team(program.school),
        text=f"Возвращена на доработку: {program.name}." + (f" {note}" if note else ""),
        link=_program_link(program),
    )
    return program


@transaction.atomic
def school_program_approve(*, program: Program, user: User, note: str = "") -> Program:
    school_program_status_change(program=program, user=user, status=ProgramStatus.APPROVED)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.APPROVED, user=user, note=note
    )
    program.review_comments.filter(resolved=False).update(resolved=True)
    notify(
        users=school_team(program.school),
        text=f"Согласована и утверждена: {program.name}.",
        link=_program_link(program),
    )
    return program


@transaction.atomic
def review_comment_add(
    *, program: Program, user: User, text: str, field: str = "", activity: Activity | None = None
) -> ReviewComment:
    """A curator's remark on a field of the program or on one of its activities."""
    if program.school_id is None or not can_review_school(user, program.school):
        raise PermissionDenied
    if activity is not None and activity.program_id != program.pk:
        raise ValidationError("Мероприятие из другой программы.")
    comment = ReviewComment(program=program, text=text, field=field, activity=activity, author=user)
    comment.full_clean()
    comment.save()
    return comment
