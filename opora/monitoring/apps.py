from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "opora.monitoring"
    verbose_name = "Мониторинг и отчёты"

    def ready(self):
        from opora.monitoring import documents  # noqa: F401  (registers the annual report)
        from opora.monitoring.selectors import campaign_years
        from opora.registry.years import year_source

        year_source(campaign_years)
