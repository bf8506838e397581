from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opora.accounts"
    verbose_name = "Пользователи и доступ"
