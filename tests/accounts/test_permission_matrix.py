"""Every page and action, for every role: in scope it works, out of scope it is refused
(404 for data the user may not see, so nothing about it leaks; 403 for an action the role lacks).

The route matrix (`test_route_matrix`) tries every URL pattern of the project, as declared in
tests/accounts/routes.py, with every demo role; `test_every_route_is_declared` fails when a route
has no declaration, so a new page cannot ship unchecked. The stories below it use the small cast
of tests/conftest.py.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opora.accounts.models import User
from opora.api.services import token_issue
from tests.accounts.matrix import ROLES, Route, expected_get, refusals
from tests.accounts.routes import ROUTES, UNCHECKED
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# --- The route matrix, on the demo ----------------------------------------------------------------


def route_names(patterns=None, namespace=None, prefix=""):
    """(name, path) of every URL pattern, through every include."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        path = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from route_names(pattern.url_patterns, inner, path)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), path


def test_every_route_is_declared():
    found = {name for name, path in route_names() if not path.startswith(UNCHECKED)}
    declared = [route.name for route in ROUTES]
    assert len(declared) == len(set(declared)), "a route is declared twice"
    assert found - set(declared) == set(), "routes with no expectation in tests/accounts/routes.py"
    assert set(declared) - found == set(), "declared routes that no longer exist"


# A GET changes nothing, except where opening is the point: a notification opened is read.
WRITING_GETS = {"risks:notification_open"}
# A write refused must change nothing: no INSERT, UPDATE or DELETE, except the session and the API
# key's time of last use, which any request may touch.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BOOKKEEPING = ("django_session", "api_apitoken")


def writes(queries) -> list[str]:
    """«INSERT monitoring_annualreport»: what each writing query did, to which table."""
    return [
        " ".join(re.match(r'\s*(\w+)[^"]*"(\w+)"', q["sql"]).groups())
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in q["sql"] for table in BOOKKEEPING)
    ]


class Caller:
    """Requests as a demo role: pages through its session, the API with its personal key."""

    def __init__(self, client):
        self.client = client
        self.keys = {}

    def as_role(self, role: str | None):
        self.client.logout()
        self.role = role
        if role is not None:
            self.client.force_login(User.objects.get(username=role))

    def __call__(self, route: Route, method: str, url: str):
        headers = {}
        if route.is_api and self.role is not None:
            if self.role not in self.keys:
                self.keys[self.role] = token_issue(
                    user=User.objects.get(username=self.role), name="матрица прав"
                )[1]
            headers["Authorization"] = f"Bearer {self.keys[self.role]}"
            self.client.logout()
        call = getattr(self.client, method.lower())
        if method == "GET":
            return call(url, headers=headers)
        data = route.data() if route.data else {}
        if route.is_api and not any(hasattr(v, "read") for v in data.values()):
            return call(url, data, headers=headers, content_type="application/json")
        return call(url, data, headers=headers)


def cases(route: Route):
    """(label, URL, who sees the object) for each object the route is tried on."""
    if route.objects is None:
        return [("", reverse(route.name, kwargs=route.kwargs), None)]
    return [
        (where, reverse(route.name, kwargs={**build(), **route.kwargs}), seen)
        for where, build, seen in (
            ("в Пировском", route.objects.inside, route.objects.seen_inside),
            ("в Ивантеевке", route.objects.outside, route.objects.seen_outside),
        )
    ]


def anonymous_refused(route: Route, response) -> bool:
    if route.is_api:
        return response.status_code == 401
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_route_matrix(route, demo, db, client):
    call = Caller(client)
    expected, actual, wrote = {}, {}, {}
    # A public page is the same for everyone: tried as a visitor and as one user, on one object.
    roles = [ROLES[0], None] if route.public else [*ROLES, None]
    for where, url, seen in cases(route)[:1] if route.public else cases(route):
        seen = None if route.public else seen
        for role in roles:
            call.as_role(role)
            key = f"{role or 'anonymous'} {where}".strip()
            if route.method == "GET":
                with CaptureQueriesContext(connection) as queries:
                    response = call(route, "GET", url)
                if writes(queries.captured_queries) and route.name not in WRITING_GETS:
                    wrote[f"{key} GET"] = writes(queries.captured_queries)
                actual[key] = response.status_code
                if role is not None or route.public:
                    expected[key] = expected_get(route, role, seen)
                elif anonymous_refused(route, response):
                    expected[key] = response.status_code
                else:
                    expected[key] = "вход" if not route.is_api else 401
            writer = "POST" if route.method == "GET" else route.method
            if route.post is None or (role in route.post and (seen is None or role in seen)):
                continue
            with CaptureQueriesContext(connection) as queries:
                response = call(route, writer, url)
            key = f"{key} {writer}"
            actual[key] = response.status_code
            if role is None:
                refused = anonymous_refused(route, response)
                expected[key] = response.status_code if refused else "вход"
            else:
                refused = refusals(route, role, seen)
                expected[key] = (
                    response.status_code
                    if response.status_code in refused
                    else ("/".join(map(str, sorted(refused))))
                )
            if writes(queries.captured_queries):
                wrote[key] = writes(queries.captured_queries)
    # Each cell that differs, as «role where method: (got, expected)»; and a GET, or a refused
    # write, that changed data.
    wrong = {key: (actual[key], expected[key]) for key in actual if actual[key] != expected[key]}
    assert (wrong, wrote) == ({}, {})


# --- The cast's stories --------------------------------------------------------------------------

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
