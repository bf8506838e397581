from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.assessments.services import result_import
from opora.tabular import ImportRefused


class Command(BaseCommand):
    help = (
        "Загрузить результаты ВПР, ОГЭ, ЕГЭ, КДР из CSV или XLSX — по школам или по обучающимся "
        "(docs/formats.md). Файл с ошибкой не меняет ничего; следующие файлы не загружаются."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options):
        for file in files:
            if not file.is_file():
                raise CommandError(f"Файл {file} не найден.")
            try:
                summary = result_import(
                    content=file.read_bytes(), filename=file.name, imported_by=None
                )
            except ImportRefused as error:
                raise CommandError(error.describe(limit=100)) from None
            self.stdout.write(self.style.SUCCESS(f"{file.name}: {summary.describe()}"))
