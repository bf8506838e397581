from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "opora.monitoring"
    verbose_name = "Мониторинг и отчёты"

    def ready(self):
        from opora.monitoring import documents  # noqa: F401  (registers the annual report)
