"""Every page and action, for every role: in scope it works, out of scope it is refused
(404 for data the user may not see, so nothing about it leaks; 403 for an action the role lacks)."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ALL = [
    "region_operator",
    "coordinator_a",
    "coordinator_b",
    "school_team_a1",
    "curator_a1",
    "methodist_a",
    "observer_b",
]

# page -> {user: expected status}; users not named get the default at the end of the tuple.
MATRIX = [
    ("home", {}, 200),
    ("school_list", {}, 200),
    ("municipality_list", {}, 200),
    ("school_a1", {"coordinator_b": 404, "observer_b": 404}, 200),
    ("school_b1", {"region_operator": 200, "coordinator_b": 200, "observer_b": 200}, 404),
    (
        "edit_a1",
        {"coordinator_b": 404, "observer_b": 404, "curator_a1": 403, "methodist_a": 403},
        200,
    ),
    ("edit_b1", {"region_operator": 200, "coordinator_b": 200, "observer_b": 403}, 404),
    (
        "context_a1",
        {"coordinator_b": 404, "observer_b": 404, "curator_a1": 403, "methodist_a": 403},
        200,
    ),
    ("import", {"region_operator": 200, "coordinator_a": 200, "coordinator_b": 200}, 403),
    ("results", {}, 200),
    ("results_a1", {"coordinator_b": 404, "observer_b": 404}, 200),
    ("results_b1", {"region_operator": 200, "coordinator_b": 200, "observer_b": 200}, 404),
    ("results_import", {"region_operator": 200, "coordinator_a": 200, "coordinator_b": 200}, 403),
    ("identification", {}, 200),
    (
        "identification_try",
        {"region_operator": 200, "coordinator_a": 200, "coordinator_b": 200},
        403,
    ),
    (
        "program_create",
        {"curator_a1": 403, "methodist_a": 403, "observer_b": 403},
        200,
    ),
    ("users", {"region_operator": 200, "coordinator_a": 200, "coordinator_b": 200}, 403),
    ("user_invite", {"region_operator": 200, "coordinator_a": 200, "coordinator_b": 200}, 403),
]

URLS = {
    "home": reverse("home"),
    "school_list": reverse("registry:school_list"),
    "municipality_list": reverse("registry:municipality_list"),
    "school_a1": reverse("registry:school_detail", args=["a1"]),
    "school_b1": reverse("registry:school_detail", args=["b1"]),
    "edit_a1": reverse("registry:school_edit", args=["a1"]),
    "edit_b1": reverse("registry:school_edit", args=["b1"]),
    "context_a1": reverse("registry:school_context_edit", args=["a1", 2023]),
    "import": reverse("registry:registry_import"),
    "results": reverse("assessments:results_table"),
    "results_a1": reverse("assessments:school_results", args=["a1"]),
    "results_b1": reverse("assessments:school_results", args=["b1"]),
    "results_import": reverse("assessments:results_import"),
    "identification": reverse("identification:index"),
    "identification_try": reverse("identification:try"),
    "program_create": reverse("programs:program_create"),
    "users": reverse("accounts:user_list"),
    "user_invite": reverse("accounts:user_invite"),
}


@pytest.mark.parametrize("page,exceptions,default", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("username", ALL)
def test_permission_matrix(client, cast, page, exceptions, default, username):
    client.login(username=username, password=PASSWORD)
    response = client.get(URLS[page])
    assert response.status_code == exceptions.get(username, default)


@pytest.mark.parametrize("page", URLS)
def test_anonymous_is_sent_to_login(client, cast, page):
    response = client.get(URLS[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_refusal_does_not_reveal_the_school_name(client, cast):
    client.login(username="coordinator_b", password=PASSWORD)
    response = client.get(URLS["school_a1"])
    assert response.status_code == 404
    assert "Альфа" not in response.content.decode()


def test_school_list_shows_only_schools_in_scope(client, cast):
    expected = {
        "region_operator": {"a1", "a1-f", "a2", "b1"},
        "coordinator_a": {"a1", "a1-f", "a2"},
        "coordinator_b": {"b1"},
        "school_team_a1": {"a1"},
        "curator_a1": {"a1"},
        "methodist_a": {"a1", "a1-f", "a2"},
        "observer_b": {"b1"},
    }
    for username, codes in expected.items():
        client.login(username=username, password=PASSWORD)
        response = client.get(URLS["school_list"])
        assert {s.code for s in response.context["schools"].rows} == codes, username


def test_posting_an_edit_out_of_scope_changes_nothing(client, cast, school_b1):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        URLS["edit_b1"], {"name": "Взлом", "short_name": "Взлом", "school_type": "СОШ"}
    )
    assert response.status_code == 404
    school_b1.refresh_from_db()
    assert school_b1.short_name == "ООШ с. Вторая"


def test_curator_cannot_post_an_edit_of_the_school_they_curate(client, cast, school_a1):
    client.login(username="curator_a1", password=PASSWORD)
    response = client.post(
        URLS["edit_a1"], {"name": "Другое", "short_name": "Другое", "school_type": "СОШ"}
    )
    assert response.status_code == 403
    school_a1.refresh_from_db()
    assert school_a1.short_name == "СОШ с. Альфа"


def test_admin_is_closed_to_every_role(client, cast):
    for username in ALL:
        client.login(username=username, password=PASSWORD)
        response = client.get("/admin/")
        assert response.status_code == 302, username
