from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "opora.reports"
    verbose_name = "Отчёты и диаграммы"
