from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _unicode_case_on_sqlite(sender, connection, **kwargs):
    # SQLite's LOWER() and UPPER() change ASCII letters only; searches are in Russian.
    if connection.vendor == "sqlite":
        connection.connection.create_function("LOWER", 1, _lower, deterministic=True)
        connection.connection.create_function("UPPER", 1, _upper, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class RegistryConfig(AppConfig):
    name = "opora.registry"
    verbose_name = "Реестр школ"

    def ready(self):
        connection_created.connect(_unicode_case_on_sqlite)
