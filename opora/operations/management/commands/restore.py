from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from opora.operations.backup import BackupError, backup_restore, migration_gaps


class Command(BaseCommand):
    help = (
        "Восстановить базу данных и загруженные файлы из резервной копии (manage.py backup). "
        "Данные базы, настроенной в DATABASE_URL, заменяются."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="файл .tar, сделанный командой backup")
        parser.add_argument("--no-input", action="store_true", help="не спрашивать подтверждения")

    def handle(self, *args, archive, no_input, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Файл {path} не найден.")
        name = connection.settings_dict["NAME"]
        if not no_input:
            question = f"Данные базы {name} будут заменены копией {path}. Продолжить? [да/нет] "
            answer = input(question)
            if answer.strip().lower() not in {"да", "yes", "y", "д"}:
                raise CommandError("Восстановление отменено.")
        try:
            manifest = backup_restore(archive_path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Восстановлено из копии от {manifest['created']} в базу {name}.")
        )
        missing, unknown = migration_gaps()
        if missing:
            self.stdout.write(
                f"Копия старше кода: выполните manage.py migrate (миграций: {len(missing)})."
            )
        if unknown:
            self.stdout.write(
                self.style.WARNING(
                    "Копия сделана более новой версией Опоры: обновите код до неё. Неизвестные "
                    "миграции: " + ", ".join(unknown)
                )
            )
