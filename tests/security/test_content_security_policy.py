"""Content-Security-Policy: a page runs only the scripts served from Opora's own static files,
so a script that slipped into stored text (a name, a link, a comment) would not run."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import opora
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# A <script> with a body that runs: not an external file, not a JSON data block.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def assert_no_inline_script(html: str, where: str) -> None:
    assert not INLINE_SCRIPT.search(html), (where, INLINE_SCRIPT.search(html).group())
    assert not INLINE_HANDLER.search(html), (where, INLINE_HANDLER.search(html).group())


def assert_strict(response, where: str) -> None:
    rules = policy(response)
    assert rules.get("script-src") == ["'self'"], where
    assert rules.get("object-src") == ["'none'"], where
    assert rules.get("base-uri") == ["'self'"], where
    assert rules.get("frame-ancestors") == ["'none'"], where


def test_the_login_page_sends_the_policy(client):
    response = client.get(reverse("accounts:login"))
    assert_strict(response, "login")
    assert_no_inline_script(response.content.decode(), "login")


@pytest.mark.parametrize(
    "user, pages",
    [
        (
            "coordinator_a",
            [
                "/",
                "/results/",
                "/monitoring/",
                "/monitoring/mun-a/",
                "/monitoring/mun-a/dynamics/",
                "/identification/",
                "/risks/",
                "/staff/",
                "/programs/",
            ],
        ),
        ("school_team_a1", ["/", "/schools/a1/results/", "/risks/schools/a1/"]),
    ],
)
def test_main_pages_send_the_policy_and_carry_no_inline_script(client, cast, user, pages):
    client.login(username=user, password=PASSWORD)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response, url)
        assert_no_inline_script(response.content.decode(), url)


def test_error_pages_send_the_policy_too(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get("/monitoring/mun-b/")
    assert response.status_code == 404
    assert_strict(response, "404")


def test_no_template_has_an_inline_script_or_event_handler():
    """Every template, also of pages the stories above do not open."""
    root = Path(opora.__file__).parent
    templates = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    assert len(templates) > 50
    for template in templates:
        assert_no_inline_script(template.read_text(), str(template.relative_to(root)))


def test_the_api_docs_run_with_their_local_scripts(client):
    """Swagger UI loads its scripts from Opora's static files; its settings are a JSON block."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict(response, "api docs")
    html = response.content.decode()
    assert_no_inline_script(html, "api docs")
    assert "ninja/swagger-ui-init.js" in html
