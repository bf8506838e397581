from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from opora.accounts import throttling


class ThrottledLogin:
    """Refuse a login while its username or address is locked out (see throttling.py)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttling.client_address(self.request) if self.request else ""
        wait = throttling.login_wait_minutes(username=username, address=address)
        if wait:
            raise ValidationError(
                "Слишком много неудачных попыток входа. Вход временно закрыт: повторите "
                "через %(minutes)s мин. Если вы забыли пароль, обратитесь к администратору.",
                code="throttled",
                params={"minutes": wait},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                throttling.login_failed(username=username, address=address)
            raise
        throttling.login_succeeded(username=username)
        return cleaned


class LoginForm(ThrottledLogin, AuthenticationForm):
    username = forms.CharField(label="Логин", widget=forms.TextInput(attrs={"autofocus": True}))


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The admin site's own login page counts towards the same limits."""
