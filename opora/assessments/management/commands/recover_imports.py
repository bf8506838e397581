from django.core.management.base import BaseCommand

from opora.assessments.services import result_import_jobs_recover


class Command(BaseCommand):
    help = (
        "Завершить загрузки результатов, которые остановившийся обработчик заданий оставил "
        "«выполняется»: отметить их не загруженными и удалить их файлы. Запускайте перед "
        "каждым запуском manage.py db_worker (например, ExecStartPre службы)."
    )

    def handle(self, *args, **options):
        lost = result_import_jobs_recover()
        for job in lost:
            self.stdout.write(f"{job.filename} ({job.created_by}): прервана, файл удалён.")
        self.stdout.write(self.style.SUCCESS(f"Прерванных загрузок: {len(lost)}."))
