"""Reads of the dashboards from a PostgreSQL read replica, where one is configured.

Off by default: without DATABASE_REPLICA_URL there is no «replica» database and no router. With
it, only views wrapped in `replica_reads` (the region-wide dashboards, which tolerate a replica's
seconds of lag) read from it; every write, and every read elsewhere, stays on the primary, so a
person always sees what they have just saved (docs/operations.md).
"""

from contextvars import ContextVar
from functools import wraps

REPLICA = "replica"
_on_replica = ContextVar("reads_on_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _on_replica.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, first, second, **hints):
        return True  # the replica holds the primary's very rows

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA


def replica_reads(view):
    """The view's reads go to the replica (when there is one); its writes stay on the primary."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = _on_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _on_replica.reset(token)

    return wrapped
