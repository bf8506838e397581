from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, file: Path, diagnostics: bool, **options):
        if not file.is_file():
            raise CommandError(f"Файл {file} не найден.")
        service, noun = (
            (diagnostics_import, "результатов") if diagnostics else (teachers_import, "педагогов")
        )
        try:
            result = service(content=file.read_bytes(), filename=file.name, imported_by=None)
        except ImportRefused as error:
            raise CommandError(error.describe(limit=100)) from None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.describe(noun)}"))
