from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "opora.staff"
    verbose_name = "Педагоги и обучающиеся с рисками неуспешности"

    def ready(self):
        from opora.programs.sources import IndicatorSource, register
        from opora.staff import documents  # noqa: F401  (registers the staff summary document)
        from opora.staff.indicators import INDICATOR_SOURCES

        for code, (title, measure) in INDICATOR_SOURCES.items():
            register(IndicatorSource(code, title, measure))
