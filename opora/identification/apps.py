from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "opora.identification"
    verbose_name = "Выявление ШНОР и ШНСУ"

    def ready(self):
        from opora.identification.selectors import list_years
        from opora.registry.years import year_source

        year_source(list_years)
