"""Too many failed logins lock the username (and the address) out for a while."""

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from opora.accounts.models import User
from tests.conftest import PASSWORD
from tests.threads import at_once, database_file

LOGIN = reverse("accounts:login")
LOCKED = "Слишком много неудачных попыток входа"


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, coordinator_a):
    for _ in range(5):
        response = attempt(client, "coordinator_a", "wrong")
        assert LOCKED not in response.content.decode()
    response = attempt(client, "coordinator_a", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200
    assert LOCKED in page and "повторите через 15 мин." in page
    assert not logged_in(client)


@pytest.mark.django_db
def test_the_lock_is_per_username_and_ends_after_the_lockout(client, coordinator_a, coordinator_b):
    for _ in range(5):
        attempt(client, "Coordinator_A", "wrong")  # the same login, typed in another case
    assert LOCKED in attempt(client, "coordinator_a", PASSWORD).content.decode()
    attempt(client, "coordinator_b", PASSWORD)
    assert logged_in(client), "another username is not locked"
    client.logout()
    later = time.time() + 15 * 60 + 1
    with mock.patch("opora.accounts.throttling.time.time", return_value=later):
        response = attempt(client, "coordinator_a", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_a_right_password_forgives_earlier_slips(client, coordinator_a):
    for _ in range(4):
        attempt(client, "coordinator_a", "wrong")
    attempt(client, "coordinator_a", PASSWORD)
    assert logged_in(client)
    client.logout()
    for _ in range(4):
        attempt(client, "coordinator_a", "wrong")
    attempt(client, "coordinator_a", PASSWORD)
    assert logged_in(client)


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked(client, settings, coordinator_a):
    settings.LOGIN_FAILURE_ADDRESS_LIMIT = 3
    for name in ("ivanov", "petrov", "sidorov"):
        attempt(client, name, "wrong", REMOTE_ADDR="203.0.113.7")
    locked = attempt(client, "coordinator_a", PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert LOCKED in locked.content.decode()
    attempt(client, "coordinator_a", PASSWORD, REMOTE_ADDR="203.0.113.8")
    assert logged_in(client)


@pytest.mark.django_db
def test_behind_a_proxy_the_address_comes_from_its_header(client, settings, coordinator_a):
    settings.LOGIN_FAILURE_ADDRESS_LIMIT = 3
    settings.OPORA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for name in ("ivanov", "petrov", "sidorov"):
        attempt(client, name, "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    # Another person behind the same proxy is not locked out with the guesser.
    attempt(
        client, "coordinator_a", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1"
    )
    assert logged_in(client)


@pytest.mark.django_db
def test_the_admin_login_counts_too(client, admin_user):
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(admin_login, {"username": "admin", "password": "wrong"})
    response = client.post(admin_login, {"username": "admin", "password": "password"})
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db(transaction=True)
def test_fifty_wrong_passwords_at_once_are_not_all_checked(coordinator_a, tmp_path):
    """Each web process and thread counts in the same place, and an attempt is counted before
    its password is checked: once all 50 parallel guesses were checked."""
    checked = []
    check_password = User.check_password

    def slow_check(user, raw_password):
        checked.append(raw_password)
        time.sleep(0.05)  # a real password hash takes a while: the guesses overlap
        return check_password(user, raw_password)

    def guess(number):
        return lambda: attempt(Client(), "coordinator_a", f"guess-{number}").content.decode()

    with database_file(tmp_path), mock.patch.object(User, "check_password", slow_check):
        pages = at_once(*(guess(number) for number in range(50)))
        after = attempt(Client(), "coordinator_a", PASSWORD).content.decode()
    assert all(isinstance(page, str) for page in pages), pages
    assert len(checked) <= 5
    assert sum(LOCKED in page for page in pages) == 50 - len(checked)
    assert LOCKED in after


CHANGE = reverse("accounts:password_change")


def change_password(client, old):
    return client.post(
        CHANGE,
        {"old_password": old, "new_password1": "new-pass-2026", "new_password2": "new-pass-2026"},
    )


@pytest.mark.django_db
def test_wrong_old_passwords_on_the_change_form_count_with_failed_logins(client, coordinator_a):
    """Someone at an unattended, logged-in computer cannot guess the password on the password
    change form instead of the login page."""
    for _ in range(3):
        attempt(Client(), "coordinator_a", "wrong")
    client.login(username="coordinator_a", password=PASSWORD)
    for _ in range(2):
        page = change_password(client, "wrong").content.decode()
        assert LOCKED not in page and "Ваш старый пароль введен неправильно" in page
    refused = change_password(client, PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    coordinator_a.refresh_from_db()
    assert coordinator_a.check_password(PASSWORD), "the password is not changed"
    assert LOCKED in attempt(Client(), "coordinator_a", PASSWORD).content.decode()


@pytest.mark.django_db
def test_the_right_old_password_changes_it(client, coordinator_a):
    client.login(username="coordinator_a", password=PASSWORD)
    change_password(client, "wrong")
    assert change_password(client, PASSWORD).status_code == 302
    coordinator_a.refresh_from_db()
    assert coordinator_a.check_password("new-pass-2026")


@pytest.mark.django_db
def test_the_admin_password_change_is_the_throttled_form(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
