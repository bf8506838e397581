from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "opora.programs"
    verbose_name = "Программы и дорожные карты"

    def ready(self):
        from opora.programs import (
            documents,  # noqa: F401  (registers the program documents)
            order_documents,  # noqa: F401  (registers the orders)
        )
        from opora.programs.selectors import program_years
        from opora.registry.years import year_source

        year_source(program_years)
