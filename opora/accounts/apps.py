from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opora.accounts"
    verbose_name = "Пользователи и доступ"

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from opora.accounts.signals import record_last_login

        # Django saves the user on every login; with the account's history kept, each login
        # would add a history row of a change nobody made. The login time is written directly.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="record_last_login")
