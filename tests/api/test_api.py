"""API v1: a personal key, the same scopes as the pages, errors that name the place."""

import datetime

import pytest
from django.urls import reverse

from opora.api.models import ApiToken
from opora.api.services import token_issue, token_revoke
from opora.programs.models import Activity, Indicator, IndicatorValue, Program
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, key = token_issue(user=user, name="проверка")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def program(cast, municipality_a, school_a1):
    program = Program.objects.create(
        municipality=municipality_a, level="municipal", kind="roadmap", name="Дорожная карта"
    )
    Indicator.objects.create(
        program=program, number="1", name="Доля школ", unit="percent", scope="each_school"
    )
    activity = Activity.objects.create(program=program, number="1", text="Семинар")
    activity.schools.add(school_a1)
    return program


def test_without_a_key_nothing_is_answered(client, cast, school_a1):
    response = client.get("/api/v1/schools")
    assert response.status_code == 401
    assert response.json() == {"detail": "Нужен ключ API: заголовок Authorization: Bearer <ключ>."}


def test_a_key_lists_the_schools_of_its_owners_scope(client, cast, school_a1, school_b1):
    response = client.get("/api/v1/schools", **bearer(cast["coordinator_a"]))
    assert response.status_code == 200
    codes = [s["code"] for s in response.json()["items"]]
    assert "a1" in codes and "b1" not in codes
    assert response.json()["items"][0]["municipality"] == "mun-a"


def test_a_school_outside_the_scope_is_not_found(client, cast, school_b1):
    response = client.get("/api/v1/schools/b1", **bearer(cast["coordinator_a"]))
    assert response.status_code == 404
    assert response.json()["detail"] == "Не найдено (или вне вашей области работы)."


def test_a_revoked_key_is_refused(client, cast):
    token, key = token_issue(user=cast["coordinator_a"], name="РИС")
    token_revoke(user=cast["coordinator_a"], token=token)
    assert client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_only_a_hash_of_the_key_is_kept(cast):
    token, key = token_issue(user=cast["coordinator_a"], name="РИС")
    assert key not in {token.key_hash, token.prefix} and token.prefix == key[:8]


def test_lists_are_paginated(client, cast, school_a1, school_a2, branch_a1):
    response = client.get("/api/v1/schools?limit=2&offset=1", **bearer(cast["coordinator_a"]))
    body = response.json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_a_school_team_enters_its_own_value_only(client, cast, program, school_a1, school_a2):
    indicator = program.indicators.get()
    headers = bearer(cast["school_team_a1"])
    url = f"/api/v1/indicators/{indicator.pk}/values"
    own = {"measured_on": "2024-01-10", "value": "75", "school": "a1"}
    assert client.post(url, own, content_type="application/json", **headers).status_code == 200
    other = {**own, "school": "a2"}  # a2 is not visible to the school team: not found
    assert client.post(url, other, content_type="application/json", **headers).status_code == 404
    value = IndicatorValue.objects.get()
    assert (value.school, value.value, value.measured_on) == (
        school_a1,
        "75",
        datetime.date(2024, 1, 10),
    )


def test_a_value_without_its_school_is_refused_by_field(client, cast, program):
    indicator = program.indicators.get()
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/values",
        {"measured_on": "2024-01-10", "value": "75"},
        content_type="application/json",
        **bearer(cast["coordinator_a"]),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == [
        {"loc": ["body", "school"], "msg": "Укажите школу: показатель считается по каждой школе."}
    ]


def test_a_malformed_date_is_named(client, cast, program):
    indicator = program.indicators.get()
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/values",
        {"measured_on": "31.02.2024", "value": "75", "school": "a1"},
        content_type="application/json",
        **bearer(cast["coordinator_a"]),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "measured_on"]


def test_activity_is_marked_done_by_its_school_and_not_by_another_municipality(
    client, cast, program
):
    activity = program.activities.get()
    url = f"/api/v1/activities/{activity.pk}"
    done = {"status": "done", "comment": "Проведён 12.03.2024"}
    outsider = bearer(cast["coordinator_b"])
    assert client.patch(url, done, content_type="application/json", **outsider).status_code == 404
    response = client.patch(
        url, done, content_type="application/json", **bearer(cast["school_team_a1"])
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    activity.refresh_from_db()
    assert activity.history.first().history_user == cast["school_team_a1"]


def test_an_observer_reads_programs_but_may_not_write(client, cast, program, municipality_b):
    program.municipality = municipality_b
    program.save()
    headers = bearer(cast["observer_b"])
    assert client.get(f"/api/v1/programs/{program.pk}", **headers).status_code == 200
    activity = program.activities.get()
    response = client.patch(
        f"/api/v1/activities/{activity.pk}",
        {"status": "done"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403


def test_keys_are_issued_and_revoked_on_the_users_page(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.post(reverse("api_keys:token_list"), {"name": "выгрузка в РИС"})
    token = ApiToken.objects.get()
    assert token.prefix in page.content.decode()
    client.post(reverse("api_keys:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.post(reverse("api_keys:token_revoke", args=[token.pk])).status_code == 404


def test_the_schema_and_docs_are_served_without_a_key(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Опора API"
    assert "/api/v1/schools" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()  # Swagger UI from local static files
