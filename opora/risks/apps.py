from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "opora.risks"
    verbose_name = "Рисковые профили и кураторы"

    def ready(self):
        from opora.risks import documents  # noqa: F401  (registers the risk profile document)
