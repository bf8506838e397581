from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.registry.services import DRY_RUN_NOTE
from opora.staff.services import diagnostics_import, teachers_import
from opora.tabular import ImportRefused


class Command(BaseCommand):
    help = (
        "Загрузить список педагогов (или, с --diagnostics, результаты диагностики) из CSV или "
        "XLSX (docs/formats.md); файл с ошибкой не меняет ничего."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--diagnostics",
            action="store_true",
            help="файл с результатами диагностики профессиональных дефицитов",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="только показать, что изменится, не записывая"
        )

    def handle(self, *args, file: Path, diagnostics: bool, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"Файл {file} не найден.")
        service, noun = (
            (diagnostics_import, "результатов") if diagnostics else (teachers_import, "педагогов")
        )
        try:
            result = service(
                content=file.read_bytes(), filename=file.name, imported_by=None, dry_run=dry_run
            )
        except ImportRefused as error:
            raise CommandError(error.describe(limit=100)) from None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.describe(noun)}"))
        if dry_run:
            self.stdout.write(DRY_RUN_NOTE)
