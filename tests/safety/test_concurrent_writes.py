"""The default setup (`make run`, SQLite) with many people at once: writers wait their turn."""

import threading
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from opora.registry.models import Region
from tests.conftest import PASSWORD
from tests.threads import at_once, database_file


@pytest.mark.django_db(transaction=True)
def test_an_import_and_nineteen_logins_at_once_all_succeed(cast, tmp_path):
    """Once the import failed with «database is locked»: people logged in while it was reading,
    and SQLite refused its write at once."""
    logged_in = threading.Event()

    def an_import():
        # Like a result import: one transaction that reads what exists, then writes.
        with transaction.atomic():
            regions = Region.objects.count()
            # Reading a large file takes time: someone logs in meanwhile, or, when the import
            # holds the write lock from its start, waits for it (then 3 s pass).
            logged_in.wait(timeout=3)
            Region.objects.create(name=f"Загружена после {regions}")
        return "imported"

    def log_in(username):
        def attempt():
            time.sleep(0.2)  # the import has begun
            client = Client()
            client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
            logged_in.set()
            return "_auth_user_id" in client.session

        return attempt

    people = list(cast) * 3  # some log in from several browsers
    with database_file(tmp_path):
        outcomes = at_once(an_import, *(log_in(username) for username in people[:19]))
        imported = Region.objects.filter(name__startswith="Загружена").count()
    assert outcomes == ["imported", *[True] * 19], outcomes
    assert imported == 1
