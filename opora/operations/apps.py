from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "opora.operations"
    verbose_name = "Эксплуатация"
