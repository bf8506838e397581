from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "opora.staff"
    verbose_name = "Педагоги и обучающиеся с рисками неуспешности"
