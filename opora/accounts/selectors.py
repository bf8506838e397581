from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import visible_accounts


def account_list(*, user: User) -> QuerySet[User]:
    return (
        visible_accounts(user)
        .select_related("region", "municipality", "school")
        .prefetch_related("curated_schools")
        .order_by("last_name", "first_name", "username")
    )


def account_get(*, user: User, pk: int) -> User:
    """An account of the user's territory; any other is 404, as if it did not exist."""
    return get_object_or_404(visible_accounts(user), pk=pk)
