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
