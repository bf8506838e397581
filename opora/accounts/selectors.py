import datetime
from dataclasses import dataclass

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import visible_accounts


def account_list(*, user: User, search: str = "") -> QuerySet[User]:
    """Accounts of the user's territory; `search` finds a part of a name, an e-mail or a login."""
    accounts = visible_accounts(user)
    if search:
        # Lower() on both sides, as the school list does: icontains misses Cyrillic case.
        haystack = Lower(
            Concat(
                "last_name",
                Value(" "),
                "first_name",
                Value(" "),
                "email",
                Value(" "),
                "username",
                output_field=CharField(),
            )
        )
        accounts = accounts.alias(haystack=haystack).filter(haystack__contains=search.lower())
    return (
        accounts.select_related("region", "municipality", "school")
        .prefetch_related("curated_schools")
        .order_by("last_name", "first_name", "username")
    )


def account_get(*, user: User, pk: int) -> User:
    """An account of the user's territory; any other is 404, as if it did not exist."""
    return get_object_or_404(visible_accounts(user), pk=pk)


@dataclass(frozen=True)
class RoleChange:
    date: datetime.datetime
    by: User | None
    role: str
    place: str


def account_role_history(*, account: User) -> list[RoleChange]:
    """The account's roles and places, each as first given and by whom, latest first."""
    records = account.history.select_related(
        "history_user", "region", "municipality", "school"
    ).order_by("history_date", "history_id")
    changes: list[RoleChange] = []
    for record in records:  # few: an account's role changes seldom
        curated = record.curated_schools.select_related("school")
        place = (
            record.school or record.municipality or record.region
            or ", ".join(c.school.short_name for c in curated)
        )  # fmt: skip
        change = RoleChange(
            record.history_date, record.history_user, record.get_role_display(), str(place or "—")
        )
        if not changes or (changes[-1].role, changes[-1].place) != (change.role, change.place):
            changes.append(change)
    return changes[::-1]
