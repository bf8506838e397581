from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.registry.services import DRY_RUN_NOTE, school_registry_import
from opora.tabular import ImportRefused


class Command(BaseCommand):
    help = (
        "Загрузить реестр школ из CSV или XLSX (docs/formats.md); файл с ошибкой не меняет ничего."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, что изменится (новые и изменённые школы), не записывая",
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"Файл {file} не найден.")
        try:
            result = school_registry_import(
                content=file.read_bytes(), filename=file.name, imported_by=None, dry_run=dry_run
            )
        except ImportRefused as error:
            raise CommandError(error.describe(limit=100)) from None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.describe()}"))
        if dry_run:
            for line in result.changes:
                self.stdout.write(f"  {line}")
            self.stdout.write(DRY_RUN_NOTE)
