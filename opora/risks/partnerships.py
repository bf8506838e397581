"""Leader schools supporting partner schools and their joint plans."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_edit_partnership,
    can_manage_municipality,
    can_view_school,
)
from opora.registry.models import School
from opora.risks.models import JointPlanItem, Partnership


@transaction.atomic
def partnership_create(
    *, leader: School, partner: School, year: int, agreement: str, support: str, user: User
) -> Partnership:
    """A leader school supports a partner school (seed 001: «школы-наставники»; seed 002,
    п. 7.1); set up by the partner's municipality."""
    if not can_manage_municipality(user, partner.municipality) or not can_view_school(user, leader):
        raise PermissionDenied
    partnership = Partnership(
        leader=leader, partner=partner, year=year, agreement=agreement, support=support
    )
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def joint_plan_item_add(
    *, partnership: Partnership, user: User, text: str, period: str, responsible: str
) -> JointPlanItem:
    if not can_edit_partnership(user, partnership):
        raise PermissionDenied
    return JointPlanItem.objects.create(
        partnership=partnership,
        text=text,
        period=period,
        responsible=responsible,
        position=partnership.plan.count(),
    )


@transaction.atomic
def joint_plan_item_done(*, item: JointPlanItem, user: User, done: bool) -> JointPlanItem:
    if not can_edit_partnership(user, item.partnership):
        raise PermissionDenied
    item.done = done
    item.save()
    return item
