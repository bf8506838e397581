from django.core.management.base import BaseCommand

from opora.demo.services import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные пяти муниципалитетов-образцов (можно повторять)."

    def handle(self, *args, **options):
        demo_load()
        self.stdout.write(self.style.SUCCESS("Демонстрационные данные загружены."))
        logins = ", ".join(["admin", *(login for login, *_ in DEMO_USERS)])
        self.stdout.write(f"Логины: {logins}; пароль у всех: {DEMO_PASSWORD}")
