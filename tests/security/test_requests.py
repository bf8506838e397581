"""CSRF, production cookies and headers, and error pages that tell users nothing about the code."""

import os
import runpy
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from opora import settings as development
from tests.conftest import PASSWORD

SECRET = "a-long-random-secret-key-for-the-test-only-0123456789-abcdefghijkl"


def production_settings() -> dict:
    """The settings module as it reads in production."""
    env = {
        "OPORA_PRODUCTION": "1",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "opora.example.ru,testserver",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_SSL_REDIRECT")}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return runpy.run_path(development.__file__)


def test_production_turns_debug_off_and_cookies_secure():
    prod = production_settings()
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_SSL_REDIRECT"]
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert "django.middleware.csrf.CsrfViewMiddleware" in prod["MIDDLEWARE"]
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in prod["MIDDLEWARE"]


@pytest.fixture
def production(settings):
    """This process's settings switched to what production mode sets for requests."""
    prod = production_settings()
    for name in (
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "ALLOWED_HOSTS",
    ):
        setattr(settings, name, prod[name])
    return settings


@pytest.mark.django_db
def test_production_redirects_to_https_and_sends_hsts(client, production):
    plain = client.get(reverse("accounts:login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    # Behind the proxy: nginx says the client came over HTTPS.
    secure = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    hsts = secure["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["X-Frame-Options"] == "DENY"
    assert secure.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_production_session_cookie_is_secure_and_hidden_from_scripts(
    client, production, coordinator_a
):
    response = client.post(
        reverse("accounts:login"),
        {"username": "coordinator_a", "password": PASSWORD},
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_form_without_the_csrf_token_is_refused(coordinator_a):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(
        reverse("accounts:login"), {"username": "coordinator_a", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "Форма устарела" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    page = client.get(reverse("accounts:login"))
    token = page.cookies["csrftoken"].value
    accepted = client.post(
        reverse("accounts:login"),
        {"username": "coordinator_a", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302


@pytest.mark.django_db
def test_a_logged_in_change_without_the_csrf_token_is_refused(coordinator_a, school_a1):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_a)
    url = reverse("registry:school_edit", args=[school_a1.code])
    response = client.post(url, {"short_name": "Подменено"})
    assert response.status_code == 403
    school_a1.refresh_from_db()
    assert school_a1.short_name == "СОШ с. Альфа"


@pytest.mark.django_db
def test_a_server_error_shows_no_traceback(client, settings, coordinator_a):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(coordinator_a)
    failure = RuntimeError("password=hunter2 in SELECT * FROM accounts_user")
    with mock.patch("opora.programs.selectors.program_list", side_effect=failure):
        response = client.get(reverse("programs:program_list"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Что-то пошло не так" in page
    for leak in ("Traceback", "RuntimeError", "hunter2", "SELECT", "selectors.py"):
        assert leak not in page


@pytest.mark.django_db
def test_an_unknown_address_shows_no_url_list(client, settings, coordinator_a):
    settings.DEBUG = False
    client.force_login(coordinator_a)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in page
    assert "urlpatterns" not in page and "admin/" not in page
