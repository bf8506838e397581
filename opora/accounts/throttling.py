"""Login throttling: after too many failed logins for one username, or from one address, within
a window, further attempts are refused for a while — even with the right password — so that
a password cannot be guessed by trying.

Counts live in Django's cache. The default cache (LocMemCache) is per process: with several
web processes (gunicorn workers) each counts on its own, and the limit is multiplied by their
number. Production with several processes sets `CACHE_BACKEND=db` (a table shared by all
processes, created by `manage.py createcachetable`), see docs/operations.md.

Each count is stored with the moment its window (or lockout) ends and written with an explicit
timeout, because `cache.incr` of the database cache would reset the expiry to the default.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "opora:login-failures"


def client_address(request) -> str:
    """The client's address; behind a reverse proxy, the header the proxy sets (X-Real-IP)."""
    header = settings.OPORA_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _keys(*, username: str, address: str) -> list[tuple[str, int]]:
    """(cache key, limit) for the username and for the address."""

    def key(kind: str, value: str) -> str:
        return f"{_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"

    keys = [(key("user", username.strip().lower()), settings.LOGIN_FAILURE_LIMIT)]
    if address:
        keys.append((key("ip", address), settings.LOGIN_FAILURE_ADDRESS_LIMIT))
    return keys


def login_wait_minutes(*, username: str, address: str) -> int:
    """Minutes until the next attempt is allowed; 0 when it is allowed now."""
    now = time.time()
    waits = [
        entry["until"] - now
        for key, limit in _keys(username=username, address=address)
        if (entry := cache.get(key)) and entry["count"] >= limit and entry["until"] > now
    ]
    return math.ceil(max(waits) / 60) if waits else 0


def login_failed(*, username: str, address: str) -> None:
    now = time.time()
    for key, limit in _keys(username=username, address=address):
        entry = cache.get(key)
        if not entry or entry["until"] <= now:
            entry = {"count": 0, "until": now + settings.LOGIN_FAILURE_WINDOW}
        entry["count"] += 1
        if entry["count"] >= limit:  # the lockout runs from the last failure
            entry["until"] = now + settings.LOGIN_LOCKOUT
        cache.set(key, entry, timeout=math.ceil(entry["until"] - now))


def login_succeeded(*, username: str) -> None:
    """A right password forgives the username's earlier slips (not the address's)."""
    cache.delete(_keys(username=username, address="")[0][0])
