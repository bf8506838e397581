from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opora.assessments.services import result_import
from opora.registry.services import DRY_RUN_NOTE
from opora.tabular import ImportRefused


class Command(BaseCommand):
    help = (
        "Загрузить результаты ВПР, ОГЭ, ЕГЭ, КДР из CSV или XLSX — по школам или по обучающимся "
        "(docs/formats.md). Файл с ошибкой не меняет ничего; следующие файлы не загружаются."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, что изменится (добавится, заменится, пропустится), не записывая",
        )

    def handle(self, *args, files: list[Path], dry_run: bool, **options):
        for file in files:
            if not file.is_file():
                raise CommandError(f"Файл {file} не найден.")
            try:
                summary = result_import(
                    content=file.read_bytes(),
                    filename=file.name,
                    imported_by=None,
                    dry_run=dry_run,
                )
            except ImportRefused as error:
                raise CommandError(error.describe(limit=100)) from None
            self.stdout.write(self.style.SUCCESS(f"{file.name}: {summary.describe()}"))
            if dry_run:
                if summary.changes:
                    self.stdout.write("Самые большие изменения (участников, «2»/«3»/«4»/«5»):")
                for line in [*summary.describe_changes(), *summary.skipped]:
                    self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write(DRY_RUN_NOTE)
