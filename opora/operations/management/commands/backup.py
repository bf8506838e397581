from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Резервная копия: база данных (SQLite или PostgreSQL) и загруженные файлы в одном tar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="backups",
            help="файл .tar или папка для opora-ГГГГММДД-ЧЧММСС.tar; по умолчанию backups/",
        )

    def handle(self, *args, output, **options):
        try:
            path = backup_create(output=Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"Резервная копия: {path} ({size:.1f} МБ)"))
