"""Login throttling: after too many failed password checks for one username, or from one
address, within a window, further attempts are refused for a while — even with the right
password — so that a password cannot be guessed by trying. The login pages (the site's and the
admin's) and the old password of the password change form count together.

The counts are rows of the database, the one store that every web process and thread shares
(a per-process cache multiplied the limit by the number of gunicorn workers). An attempt is
counted before its password is checked, by an UPDATE that adds one only while the count is
under the limit: parallel guesses cannot all pass a check made before any of them had failed.
A right password gives its attempt back and forgives the username's earlier slips.
"""

import datetime
import hashlib
import math
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from opora.accounts.models import LoginThrottle

# What the checks raise for a wrong password: AuthenticationForm, PasswordChangeForm.
_WRONG_PASSWORD = {"invalid_login", "password_incorrect"}


class _LockedOut(Exception):
    pass


def client_address(request) -> str:
    """The client's address; behind a reverse proxy, the header the proxy sets (X-Real-IP)."""
    header = settings.OPORA_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


@contextmanager
def password_check(*, username: str, address: str):
    """Around one check of a password typed for `username`: refused while the username or the
    address is locked out. A ValidationError of a wrong password from the block counts as a
    failure; the block passing (or refusing for another reason) means the password was right."""
    _attempt_begin(username=username, address=address)
    try:
        yield
    except ValidationError as error:
        if error.code in _WRONG_PASSWORD:
            _attempt_failed(username=username, address=address)
        else:
            _attempt_succeeded(username=username, address=address)
        raise
    _attempt_succeeded(username=username, address=address)


def _keys(*, username: str, address: str) -> list[tuple[str, int]]:
    """(key, limit) for the username and for the address. Hashed: people sometimes type their
    password into the login field."""

    def key(kind: str, value: str) -> str:
        return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"

    keys = [(key("user", username.strip().lower()), settings.LOGIN_FAILURE_LIMIT)]
    if address:
        keys.append((key("ip", address), settings.LOGIN_FAILURE_ADDRESS_LIMIT))
    return keys


def _now() -> datetime.datetime:
    return datetime.datetime.fromtimestamp(time.time(), tz=datetime.UTC)


def _attempt_begin(*, username: str, address: str) -> None:
    keys = _keys(username=username, address=address)
    now = _now()
    window_end = now + datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    rows = LoginThrottle.objects.filter(key__in=[key for key, _ in keys])
    try:
        with transaction.atomic():
            LoginThrottle.objects.bulk_create(
                [LoginThrottle(key=key, until=window_end) for key, _ in keys],
                ignore_conflicts=True,
            )
            rows.filter(until__lte=now).update(count=0, until=window_end)  # a new window
            for key, limit in keys:
                if not rows.filter(key=key, count__lt=limit).update(count=F("count") + 1):
                    raise _LockedOut  # and the other key's count is rolled back
    except _LockedOut:
        limits = dict(keys)
        ends = [row.until for row in rows if row.count >= limits[row.key]]
        if not ends:  # a stale row was deleted meanwhile (_attempt_succeeded): count afresh
            return _attempt_begin(username=username, address=address)
        raise ValidationError(
            "Слишком много неудачных попыток входа. Вход временно закрыт: повторите через "
            "%(minutes)s мин. Если вы забыли пароль, обратитесь к администратору.",
            code="throttled",
            params={"minutes": max(1, math.ceil((max(ends) - now).total_seconds() / 60))},
        ) from None


def _attempt_failed(*, username: str, address: str) -> None:
    lockout_end = _now() + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT)
    for key, limit in _keys(username=username, address=address):
        # The lockout runs from the last failure.
        LoginThrottle.objects.filter(key=key, count__gte=limit).update(until=lockout_end)


def _attempt_succeeded(*, username: str, address: str) -> None:
    """Forgive the username's slips; give back the address's count of this attempt only."""
    (user_key, _), *address_keys = _keys(username=username, address=address)
    # Counts are reset, not deleted: a parallel attempt may have just found the row.
    LoginThrottle.objects.filter(key=user_key).update(count=0)
    LoginThrottle.objects.filter(key__in=[key for key, _ in address_keys], count__gt=0).update(
        count=F("count") - 1
    )
    # Names and addresses not tried for a day count nothing; keep the table small.
    LoginThrottle.objects.filter(until__lt=_now() - datetime.timedelta(days=1)).delete()
