from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.registry.services import school_registry_import
from opora.tabular import ImportRefused


class Command(BaseCommand):
    help = (
        "Загрузить реестр школ из CSV или XLSX (docs/formats.md); файл с ошибкой не меняет ничего."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Файл {file} не найден.")
        try:
            result = school_registry_import(
                content=file.read_bytes(), filename=file.name, imported_by=None
            )
        except ImportRefused as error:
            raise CommandError(error.describe(limit=100)) from None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {result.describe()}"))
