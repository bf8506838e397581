from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    name = "opora.selfassessment"
    verbose_name = "Самооценка муниципалитета"

    def ready(self):
        from opora.selfassessment import documents  # noqa: F401  (registers the справка)
