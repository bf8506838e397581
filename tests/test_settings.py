"""Settings come from the environment, and production mode passes Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_mode_passes_the_deployment_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OPORA_PRODUCTION="1",
        SECRET_KEY="a-long-random-secret-key-for-the-test-only-0123456789-abcdefghijkl",
        ALLOWED_HOSTS="opora.example.ru",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", OPORA_PRODUCTION="1", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_the_database():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage(
        "shell", "--no-imports", "-c", code, DATABASE_URL="postgres://u:p@db.example:5432/opora"
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_a_sqlite_database_file_is_written_ahead_and_its_writers_queue(tmp_path):
    """Readers do not wait for a writer; a writer takes the write lock as its transaction
    begins and waits up to 30 s for the one before it (tests/safety/test_concurrent_writes.py)."""
    database = tmp_path / "opora.sqlite3"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], connection.transaction_mode)",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "30000", "IMMEDIATE"]


def test_debug_is_off_unless_a_developer_turns_it_on():
    """`make run` shows the Russian error pages; `DEBUG=1 make run` shows Django's own."""
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert manage("shell", "--no-imports", "-c", code).stdout.strip() == "False"
    assert manage("shell", "--no-imports", "-c", code, DEBUG="1").stdout.strip() == "True"


def test_a_replica_url_sends_the_dashboards_reads_to_it_and_nothing_else():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['TEST']['MIRROR'], "
        "settings.DATABASE_ROUTERS)"
    )
    result = manage(
        "shell", "--no-imports", "-c", code,
        DATABASE_URL="postgres://u:p@primary.example:5432/opora",
        DATABASE_REPLICA_URL="postgres://u:p@replica.example:5432/opora",
    )  # fmt: skip
    assert result.stdout.split() == [
        "replica.example", "default", "['opora.replica.ReplicaRouter']"
    ]  # fmt: skip
    off = "from django.conf import settings; print(list(settings.DATABASES), settings.DATABASE_ROUTERS)"
    assert manage("shell", "--no-imports", "-c", off).stdout.strip() == "['default'] []"


def test_uploads_stay_in_the_local_folder_unless_shared_storage_is_chosen():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    assert manage("shell", "--no-imports", "-c", code).stdout.strip() == (
        "django.core.files.storage.FileSystemStorage"
    )
    shared = manage(
        "shell", "--no-imports", "-c", code, MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="opora"
    )
    assert shared.stdout.strip() == "storages.backends.s3.S3Storage"
