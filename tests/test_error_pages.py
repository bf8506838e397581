"""With DEBUG off (the default, as in `make run`), errors are Russian pages in the site's layout
that tell nothing about the code; static files are still served, by WhiteNoise."""

import pytest
from django.urls import include, path, reverse

TECHNICAL = ("Traceback", "urlpatterns", "Using the URLconf", "admin/", "DEBUG = True")


def failing_view(request):
    raise RuntimeError("password=hunter2 in SELECT * FROM accounts_user")


class SiteWithAFailingPage:
    """The real site plus one page that fails, as an unforeseen error would."""

    urlpatterns = [path("failing/", failing_view), path("", include("opora.urls"))]


class OnlyAFailingPage:
    urlpatterns = [path("failing/", failing_view)]


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def main_part(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def assert_no_technical_details(page):
    for leak in TECHNICAL:
        assert leak not in page


@pytest.mark.django_db
def test_an_unknown_address_is_the_russian_404_in_the_layout(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get("/schools/no-such-school/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Страница не найдена</h1>" in page
    assert 'class="site-header"' in page and "Выйти" in page  # the layout, with the user's menu
    assert f'href="{reverse("home")}"' in page
    assert_no_technical_details(page)


@pytest.mark.django_db
def test_a_school_out_of_scope_gets_the_same_404_as_one_that_does_not_exist(
    client, coordinator_b, school_a1
):
    client.force_login(coordinator_b)
    out_of_scope = client.get(reverse("registry:school_detail", args=[school_a1.code]))
    missing = client.get(reverse("registry:school_detail", args=["no-such-school"]))
    assert out_of_scope.status_code == missing.status_code == 404
    assert main_part(out_of_scope) == main_part(missing)
    assert school_a1.short_name not in out_of_scope.content.decode()


@pytest.mark.django_db
def test_a_refused_action_is_the_russian_403_in_the_layout(client, school_team_a1):
    client.force_login(school_team_a1)
    response = client.get(reverse("registry:registry_import"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Нет доступа</h1>" in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("home")}"' in page


@pytest.mark.django_db
def test_a_server_error_is_the_russian_500_without_a_traceback(client, settings, coordinator_a):
    settings.ROOT_URLCONF = SiteWithAFailingPage
    client.raise_request_exception = False
    client.force_login(coordinator_a)
    response = client.get("/failing/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Что-то пошло не так</h1>" in page
    assert 'href="/"' in page
    assert_no_technical_details(page)
    for leak in ("RuntimeError", "hunter2", "SELECT", "failing_view"):
        assert leak not in page


def test_the_500_page_needs_neither_the_database_nor_the_site_addresses(client, settings):
    """It is shown when anything may be broken, so it is rendered from itself alone: this test
    may not touch the database, and its URL configuration has no other page to link to."""
    settings.ROOT_URLCONF = OnlyAFailingPage
    client.raise_request_exception = False
    response = client.get("/failing/")
    assert response.status_code == 500
    assert "<h1>Что-то пошло не так</h1>" in response.content.decode()


def test_a_bad_request_is_the_russian_400(client):
    response = client.get("/", headers={"host": "evil.example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Неверный запрос</h1>" in page
    assert 'class="site-header"' in page
    assert "evil.example" not in page and "ALLOWED_HOSTS" not in page


def test_static_files_are_served_with_debug_off(client):
    response = client.get("/static/css/opora.css")
    assert response.status_code == 200
    assert b".site-header" in b"".join(response.streaming_content)
