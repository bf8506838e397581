"""Daily reminders on the activities of approved school programs: due within 7 days, and
overdue. Schedule it once a day (cron); a second run the same day sends nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opora.risks.notifications import deadline_notifications


class Command(BaseCommand):
    help = "Уведомить школы и кураторов о сроках мероприятий: через 7 дней и просроченных."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="считать сегодняшней эту дату (ДД.ММ.ГГГГ)")

    def handle(self, *args, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = datetime.datetime.strptime(date, "%d.%m.%Y").date()
            except ValueError:
                raise CommandError(f"Дата «{date}»: ожидается ДД.ММ.ГГГГ.") from None
        created = deadline_notifications(today=today)
        self.stdout.write(f"Новых уведомлений: {created}.")
