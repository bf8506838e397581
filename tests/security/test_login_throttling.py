"""Too many failed logins lock the username (and the address) out for a while."""

import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD

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
def test_the_shared_database_cache_keeps_the_lock(client, settings, coordinator_a):
    """Production with several web processes uses the database cache (CACHE_BACKEND=db)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "opora_cache_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    for _ in range(5):
        attempt(client, "coordinator_a", "wrong")
    assert LOCKED in attempt(client, "coordinator_a", PASSWORD).content.decode()
