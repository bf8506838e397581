"""Backups: the database and the uploaded files (media) in one tar archive, and back.

- SQLite: a consistent copy made by SQLite's online backup API (a plain file copy of a database
  being written may be torn);
- PostgreSQL: `pg_dump -Fc`, restored with `pg_restore` in one transaction;
- media: every file under MEDIA_ROOT (scans of orders, evidence files).

`manifest.json` in the archive names the database engine and the applied migrations, so that a
restore refuses an archive of another engine and says when the code is older than the data.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
MEDIA_MEMBER = "media"


class BackupError(Exception):
    pass


def backup_create(*, output: Path) -> Path:
    """Write the archive to `output` (a file, or a folder that gets a dated file)."""
    if output.is_dir() or not output.suffix:
        output.mkdir(parents=True, exist_ok=True)
        output = output / f"opora-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if vendor == "sqlite":
            member = work / SQLITE_MEMBER
            connection.ensure_connection()
            target = sqlite3.connect(member)
            with target:
                connection.connection.backup(target)
            target.close()
        elif vendor == "postgresql":
            member = work / POSTGRES_MEMBER
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(member)])
        else:
            raise BackupError(f"Резервное копирование базы {vendor} не поддерживается.")
        manifest = {
            "engine": vendor,
            "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "migrations": _migrations(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = output.with_name(output.name + ".partial")  # never a half-written archive
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(member, arcname=member.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname=MEDIA_MEMBER)
        partial.replace(output)
    return output


def backup_restore(*, archive_path: Path) -> dict:
    """Replace the database and the media files with the archive's; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive_path) as archive:
            archive.extractall(work, filter="data")  # no absolute paths, links out or devices
        manifest = json.loads((work / "manifest.json").read_text())
        vendor = connection.vendor
        if manifest["engine"] != vendor:
            raise BackupError(
                f"Архив сделан из базы {manifest['engine']}, а настроена база {vendor}: "
                "восстановите в базу того же вида (DATABASE_URL)."
            )
        connection.close()
        if vendor == "sqlite":
            source = sqlite3.connect(work / SQLITE_MEMBER)
            connection.ensure_connection()
            with source:
                source.backup(connection.connection)
            source.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    str(work / POSTGRES_MEMBER),
                ]
            )
        _media_replace(work / MEDIA_MEMBER)
    return manifest


def _media_replace(restored: Path) -> None:
    """The archive's files take MEDIA_ROOT's place; the files there before are kept aside."""
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
        media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
    elif media.is_dir():
        media.rmdir()
    if restored.is_dir():
        shutil.copytree(restored, media)
    else:
        media.mkdir(parents=True)


def migration_gaps() -> tuple[list[str], list[str]]:
    """(migrations the code has and the database lacks, ones the database has and the code
    lacks) — after a restore: the first need `migrate`, the second mean the code is older."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    applied, on_disk = set(loader.applied_migrations), set(loader.disk_migrations)
    ours = {app for app, _ in on_disk}
    missing = sorted(f"{a}.{n}" for a, n in on_disk - applied)
    unknown = sorted(f"{a}.{n}" for a, n in applied - on_disk if a in ours)
    return missing, unknown


def _migrations() -> dict[str, str]:
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _run(command: list[str]) -> None:
    """pg_dump / pg_restore against the configured database; the password goes by environment."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = [*command[:1]]
    for flag, value in (("-h", db.get("HOST")), ("-p", db.get("PORT")), ("-U", db.get("USER"))):
        if value:
            args += [flag, str(value)]
    args += ["-d", db["NAME"], *command[1:]]
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} завершился с ошибкой:\n{result.stderr.strip()}")
