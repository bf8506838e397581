from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "opora.assessments"
    verbose_name = "Результаты оценочных процедур"

    def ready(self):
        from opora.assessments.selectors import result_years
        from opora.registry.years import year_source

        year_source(result_years)
