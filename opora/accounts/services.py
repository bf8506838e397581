"""Accounts of a territory: invitations, switching off and on, password links by e-mail.

The links are Django's password reset tokens (uid and token): setting a password changes the
account's hash, so a link works once; it lapses after PASSWORD_RESET_TIMEOUT either way.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from opora.accounts.models import Role, User
from opora.accounts.permissions import (
    can_grant_scope,
    can_manage_account,
    chooses_year_in_view,
)
from opora.registry.years import academic_year_label, parse_academic_year, years_in_scope

# The one place each role works in (an observer: a region, a municipality or a school).
SCOPE_FIELD = {
    Role.REGION: "region",
    Role.COORDINATOR: "municipality",
    Role.METHODIST: "municipality",
    Role.SCHOOL: "school",
    Role.CURATOR: "schools",
}
MISSING_SCOPE = {
    "region": "Укажите регион.",
    "municipality": "Выберите муниципалитет.",
    "school": "Выберите школу.",
    "schools": "Выберите хотя бы одну школу куратора.",
}

MAIL_FAILED = "Письмо не отправлено: почтовый сервер не ответил."
LINK_VIEW = {
    "invitation": "accounts:invitation_accept",
    "password_reset": "accounts:password_reset_confirm",
}


def account_scope(*, role: str, region=None, municipality=None, school=None, schools=()) -> dict:
    """The place an account of `role` works in, from what was chosen: the field its role needs
    (an observer's: the narrowest chosen), the other fields cleared."""
    chosen = {"region": region, "municipality": municipality, "school": school, "schools": schools}
    if role == Role.OBSERVER:
        name = next((n for n in ("school", "municipality", "region") if chosen[n]), "municipality")
        if not chosen[name]:
            raise ValidationError({"municipality": "Выберите муниципалитет или школу."})
    else:
        name = SCOPE_FIELD[role]
        if not chosen[name]:
            raise ValidationError({name: MISSING_SCOPE[name]})
    scope = {"region": None, "municipality": None, "school": None, "schools": []}
    scope[name] = list(chosen[name]) if name == "schools" else chosen[name]
    return scope


@transaction.atomic
def account_invite(
    *,
    user: User | None,
    site_url: str,
    email: str,
    last_name: str,
    first_name: str,
    role: str,
    position: str = "",
    scope: dict,
) -> tuple[User, str]:
    """Create an account with no password yet and e-mail its owner a link to set one (the
    account is not kept if the letter cannot be sent). Returns the account and the link."""
    if user is not None and not can_grant_scope(user, role=role, **scope):
        raise PermissionDenied
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(
        username__iexact=email
    ):
        raise ValidationError({"email": "Пользователь с таким адресом уже есть."})
    account = User(
        username=email,
        email=email,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        position=position.strip(),
        role=role,
        region=scope["region"],
        municipality=scope["municipality"],
        school=scope["school"],
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    account.curated_schools.set(scope["schools"])
    try:
        link = _send_link(account, site_url=site_url, kind="invitation")
    except OSError:  # smtplib's errors too: raised here, it undoes the account
        raise ValidationError(
            f"{MAIL_FAILED} Учётная запись не создана, попробуйте позже."
        ) from None
    return account, link


@transaction.atomic
def account_set_active(*, user: User | None, account: User, active: bool) -> User:
    """Switch an account off (it can no longer log in; its sessions and a pending invitation
    stop working) or back on, with the password it had."""
    if user is not None and not can_manage_account(user, account):
        raise PermissionDenied
    account.is_active = active
    if not active and not account.has_usable_password():
        account.set_unusable_password()  # a new hash: the invitation sent earlier stops working
    account.save(update_fields=["is_active", "password"])
    return account


@transaction.atomic
def account_change_role(*, user: User | None, account: User, role: str, scope: dict) -> User:
    """Give an account another role or place (account_scope): only an account the user manages,
    and only a role and place the user could have invited it to, the invitation's rule."""
    if user is not None and not (
        can_manage_account(user, account) and can_grant_scope(user, role=role, **scope)
    ):
        raise PermissionDenied
    account.role = role
    account.region = scope["region"]
    account.municipality = scope["municipality"]
    account.school = scope["school"]
    account.full_clean()
    account.save()
    account.curated_schools.set(scope["schools"])
    return account


def account_send_password_link(*, user: User | None, account: User, site_url: str) -> str:
    """E-mail a link to set a new password: the invitation again if the account has never set
    one, Django's password reset letter otherwise."""
    if user is not None and not can_manage_account(user, account):
        raise PermissionDenied
    if not account.is_active:
        raise ValidationError("Учётная запись отключена: сначала включите её.")
    kind = "password_reset" if account.has_usable_password() else "invitation"
    try:
        return _send_link(account, site_url=site_url, kind=kind)
    except OSError:
        raise ValidationError(f"{MAIL_FAILED} Попробуйте позже.") from None


def _send_link(account: User, *, site_url: str, kind: str) -> str:
    address = urlsplit(site_url or settings.OPORA_SITE_URL)
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    path = reverse(LINK_VIEW[kind], args=[uid, token])
    context = {
        "email": account.email,
        "domain": address.netloc,
        "protocol": address.scheme or "https",
        "site_name": "Опора",
        "uid": uid,
        "token": token,
        "user": account,
    }
    # The templates are those of Django's own password reset page (accounts/urls.py); Django's
    # PasswordResetForm.send_mail would log and swallow a failure the sender must hear about.
    subject = render_to_string(f"accounts/email/{kind}_subject.txt", context).strip()
    send_mail(
        subject, render_to_string(f"accounts/email/{kind}.txt", context), None, [account.email]
    )
    return f"{context['protocol']}://{context['domain']}{path}"


def year_in_view_set(*, user: User, year_text: str) -> int:
    """Keep the academic year the user's pages open on. Only a year with data in the user's
    scope is offered in the header, so only such a year is taken."""
    if not chooses_year_in_view(user):
        raise PermissionDenied
    year = parse_academic_year(year_text)
    if year is None:
        raise ValidationError(
            f"Учебный год «{(year_text or '')[:20]}» не распознан: выберите год из списка."
        )
    if year not in years_in_scope(user):
        raise ValidationError(
            f"За {academic_year_label(year)} учебный год в ваших школах и муниципалитетах данных "
            "нет: выберите год из списка."
        )
    user.academic_year = year
    # A working preference, not a change of the account: no history row.
    User.objects.filter(pk=user.pk).update(academic_year=year)
    return year
