"""Browser stories: Playwright driving Debian's Chromium against the live test server."""

import importlib
import os

import pytest
from django.apps import apps
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium не найден: make test ставит пакет chromium (scripts/system-deps.sh)")
    # Playwright's sync API keeps an event loop in the test thread while it runs; Django's ORM
    # refuses to work beside one unless told it is safe, which it is here: one thread, one test
    # at a time. The permission ends with the browser, so no other test inherits it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


REFERENCE_DATA = [
    "opora.registry.migrations.0002_context_indicators",
    "opora.assessments.migrations.0002_subjects",
    "opora.identification.migrations.0002_builtin_rule_sets",
    "opora.identification.migrations.0004_builtin_category_rules",
    # Comparable schools and the risk group: the annual report's fair-change chapter reads them.
    "opora.identification.migrations.0008_builtin_analysis_rules",
    # The built-in criteria of the municipalities' self-assessment.
    "opora.selfassessment.migrations.0002_builtin_criteria",
]


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests flush the database after each test, reference data from the data
    migrations included; put it back (the loaders are idempotent)."""
    for module in REFERENCE_DATA:
        importlib.import_module(module).load(apps, schema_editor=None)


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = watch_policy(page)
    yield page
    context.close()
    assert refused == [], refused


def watch_policy(page) -> list[str]:
    """What the Content-Security-Policy blocked on the page (Chromium says so in the console):
    every story also proves the pages' own scripts and styles are allowed."""
    refused: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    return refused


def login(browser, live_server, username):
    """A fresh browser context signed in as `username` (the stories switch between people)."""
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page
