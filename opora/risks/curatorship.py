"""Curators (tutors, mentors) of schools: assignment by the municipality and visits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from opora.accounts.models import User
from opora.accounts.permissions import can_assign_curators, can_review_school, curates_schools
from opora.registry.models import School
from opora.risks.models import CuratorAssignment, Visit
from opora.risks.notifications import notify


@transaction.atomic
def curator_assign(
    *, school: School, curator: User, kind: str, user: User, today: datetime.date
) -> CuratorAssignment:
    """The municipality assigns a curator, tutor or mentor; the school enters the curator's
    scope (`curated_schools`)."""
    if not can_assign_curators(user, school.municipality):
        raise PermissionDenied
    if not curates_schools(curator):
        raise ValidationError("Закрепить можно только пользователя с ролью «Куратор / наставник».")
    try:
        with transaction.atomic():
            assignment = CuratorAssignment.objects.create(
                curator=curator, school=school, kind=kind, assigned_on=today, assigned_by=user
            )
    except IntegrityError:
        raise ValidationError(f"{curator} уже закреплён за {school.short_name}.") from None
    curator.curated_schools.add(school)
    notify(
        users=[curator],
        text=f"Вы закреплены за школой {school.short_name} ({assignment.get_kind_display()}).",
        link=reverse("risks:school", args=[school.code]),
    )
    return assignment


@transaction.atomic
def curator_unassign(
    *, assignment: CuratorAssignment, user: User, today: datetime.date
) -> CuratorAssignment:
    if not can_assign_curators(user, assignment.school.municipality):
        raise PermissionDenied
    assignment.ended_on = today
    assignment.save()
    assignment.curator.curated_schools.remove(assignment.school)
    return assignment


@transaction.atomic
def visit_save(
    *,
    school: School,
    user: User,
    kind: str,
    date: datetime.date,
    purpose: str,
    findings: str,
    agreed_actions: str,
) -> Visit:
    if not can_review_school(user, school):
        raise PermissionDenied
    visit = Visit(
        school=school,
        curator=user,
        kind=kind,
        date=date,
        purpose=purpose,
        findings=findings,
        agreed_actions=agreed_actions,
    )
    visit.full_clean()
    visit.save()
    return visit
