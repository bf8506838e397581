"""API keys: issued and revoked by their owner; a key authenticates as its user."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from opora.accounts.models import User
from opora.api.models import ApiToken

LAST_USED_PRECISION = timedelta(minutes=5)  # do not write on every request


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key for the user; the key itself is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Напишите, для чего ключ (например, «выгрузка в РИС»)."})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash(key))
    return token, key


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError("Это не ваш ключ.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_user(*, key: str) -> User | None:
    """The active user a key belongs to, or None for an unknown or revoked key."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
