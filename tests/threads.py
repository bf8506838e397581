"""Requests at the same moment, as the threaded server and several web processes make them:
each thread has its own database connection, and all start together."""

import sqlite3
import threading
from contextlib import contextmanager

from django.db import connection, connections


@contextmanager
def database_file(directory):
    """Work on a copy of the test database in a file for the length of the block (SQLite).

    The SQLite test database lives in memory, where connections share one cache that locks
    whole tables and never waits: nothing like the file `make run` serves, whose writers wait
    for each other. PostgreSQL is used as it is. Needs `django_db(transaction=True)`, so that
    what the test created before is committed and copied."""
    if connection.vendor != "sqlite":
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = directory / "opora.sqlite3"
    with sqlite3.connect(path) as copy:
        memory.connection.backup(copy)
    copy.close()
    memory_settings = connections.settings["default"]
    file_settings = {**memory_settings, "NAME": str(path)}
    connections.settings["default"] = file_settings  # what the threads' connections open
    connections["default"] = memory.__class__(file_settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = memory_settings
        connections["default"] = memory


def at_once(*calls) -> list:
    """Run each call in its own thread, all released together; what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
