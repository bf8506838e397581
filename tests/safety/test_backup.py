"""`manage.py backup` and `manage.py restore` (make backup / make restore): a copy restored into
an empty database holds the same data and the same uploaded files."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from opora.programs.models import Order

ROOT = Path(__file__).resolve().parent.parent.parent


def manage(*args, database_url: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def dump(output: str) -> list:
    """Every row of every table, as dumpdata writes them."""
    return sorted(json.loads(output), key=lambda row: (row["model"], str(row["pk"])))


@pytest.fixture
def empty_database(tmp_path):
    """A database URL of the same kind as the test database, with nothing in it."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    server = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)  # pg_dump reads from its own connection
def test_a_backup_restored_into_an_empty_database_has_the_same_data(
    program, settings, tmp_path, empty_database
):
    order = program.order
    order.file.save("prikaz-116.pdf", ContentFile(b"%PDF-1.4 scan of the order"))
    archive = tmp_path / "backup.tar"
    out = StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "Резервная копия:" in out.getvalue()
    original = StringIO()
    call_command("dumpdata", stdout=original)

    restored_media = tmp_path / "restored-media"
    result = manage(
        "restore", str(archive), "--no-input", database_url=empty_database, media=restored_media
    )
    assert "Восстановлено из копии" in result.stdout
    restored = manage("dumpdata", database_url=empty_database, media=restored_media).stdout

    assert dump(restored) == dump(original.getvalue())
    assert any(row["model"] == "programs.indicatorvalue" for row in dump(restored))
    assert any(row["model"] == "programs.historicalprogram" for row in dump(restored))
    assert (restored_media / order.file.name).read_bytes() == b"%PDF-1.4 scan of the order"
    assert Order.objects.get().file.name == order.file.name


@pytest.mark.django_db
def test_restore_refuses_an_archive_of_another_database_kind(tmp_path, settings):
    import tarfile

    manifest = tmp_path / "manifest.json"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest.write_text(json.dumps({"engine": other, "created": "", "migrations": {}}))
    archive = tmp_path / "other.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(manifest, arcname="manifest.json")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=f"Архив сделан из базы {other}"):
        call_command("restore", str(archive), "--no-input")
