from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms

from opora.accounts import throttling


class ThrottledLogin:
    """Refuse a login while its username or address is locked out (see throttling.py)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # no password is checked
        address = throttling.client_address(self.request) if self.request else ""
        with throttling.password_check(username=username, address=address):
            return super().clean()


class LoginForm(ThrottledLogin, auth_forms.AuthenticationForm):
    username = forms.CharField(label="Логин", widget=forms.TextInput(attrs={"autofocus": True}))


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The admin site's own login page counts towards the same limits."""


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The old password counts towards the same limits: a logged-in computer left unattended
    is no place to guess it."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        with throttling.password_check(
            username=self.user.get_username(), address=throttling.client_address(self.request)
        ):
            return super().clean_old_password()
