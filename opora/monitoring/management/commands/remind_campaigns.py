"""Remind school teams and coordinators of campaign deadlines (run daily, e.g. from cron).
Idempotent: a reminder already written for a user, campaign and stage is not written again."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from opora.monitoring.services import reminders_send


class Command(BaseCommand):
    help = "Напоминания о сроках мониторинговых кампаний (за неделю, за день и после срока)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Считать сегодняшней дату ГГГГ-ММ-ДД (для проверки).")

    def handle(self, *args, date=None, **options):
        today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        written = reminders_send(today=today)
        self.stdout.write(f"Напоминаний записано: {written}")
