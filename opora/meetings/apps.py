from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "opora.meetings"
    verbose_name = "Рабочая группа и заседания"

    def ready(self):
        from opora.meetings import documents  # noqa: F401  (registers the protocol document)
