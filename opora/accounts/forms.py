from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from opora.accounts import throttling
from opora.accounts.models import Role
from opora.accounts.permissions import roles_granted_by, visible_municipalities, visible_schools
from opora.accounts.services import account_scope
from opora.forms import OporaForm
from opora.registry.models import Municipality, School


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


PERSON_NAME = RegexValidator(
    r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$",
    "Только буквы, пробел, дефис и апостроф, например «Иванова» или «Анна-Мария».",
)


class RoleScopeForm(OporaForm):
    """A role and the place it works in: the choices are only the user's own roles to give and
    places of their territory (an invitation, a change of an account's role)."""

    role = forms.ChoiceField(label="Роль")
    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="— выберите муниципалитет —",
        help_text="Для координатора, методиста, наблюдателя за муниципалитетом.",
    )
    school = forms.ModelChoiceField(
        label="Школа",
        queryset=School.objects.none(),
        required=False,
        empty_label="— выберите школу —",
        help_text="Для школьной команды или наблюдателя за школой.",
    )
    schools = forms.ModelMultipleChoiceField(
        label="Школы куратора",
        queryset=School.objects.none(),
        required=False,
        help_text="Для куратора: одна или несколько школ (несколько — с клавишей Ctrl).",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["role"].choices = [("", "— выберите роль —")] + [
            (value, label) for value, label in Role.choices if value in roles_granted_by(user)
        ]
        self.fields["municipality"].queryset = visible_municipalities(user)
        schools = visible_schools(user).order_by("municipality__name", "short_name")
        self.fields["school"].queryset = schools
        self.fields["schools"].queryset = schools
        for name in ("school", "schools"):
            self.fields[name].label_from_instance = lambda school: school.short_name

    def clean(self):
        data = super().clean()
        if self.errors or "role" not in data:
            return data
        try:
            data["scope"] = account_scope(
                role=data["role"],
                region=self.user.region,
                municipality=data.get("municipality"),
                school=data.get("school"),
                schools=data.get("schools") or (),
            )
        except ValidationError as error:
            self.add_refusal(error)
        return data

    def add_refusal(self, error: ValidationError) -> None:
        """A refusal of the service, at its field, or above the form for a field it lacks."""
        fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, messages in fields.items():
            self.add_error(field if field in self.fields else None, messages)


class InviteForm(RoleScopeForm):
    """Who is invited, in which role and where."""

    field_order = ["last_name", "first_name", "email", "position"]

    last_name = forms.CharField(label="Фамилия", max_length=150, validators=[PERSON_NAME])
    first_name = forms.CharField(label="Имя и отчество", max_length=150, validators=[PERSON_NAME])
    email = forms.EmailField(
        label="Электронная почта",
        max_length=150,  # it is the login too
        help_text="На неё придёт ссылка для входа; она же логин.",
    )
    position = forms.CharField(label="Должность", max_length=200, required=False)


class AccountRoleForm(RoleScopeForm):
    """A new role or place for an existing account, starting from the present ones."""

    def __init__(self, *args, user, account, **kwargs):
        initial = {
            "role": account.role,
            "municipality": account.municipality,
            "school": account.school,
            "schools": list(account.curated_schools.all()),
        }
        super().__init__(*args, user=user, initial=initial, **kwargs)
