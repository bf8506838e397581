"""Decisions of a working group through the API: listed in scope, marked by who may."""

import datetime

import pytest

from opora.api.services import token_issue
from opora.meetings import services

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user, name='t')[1]}"}


@pytest.fixture
def decision(cast, municipality_a, coordinator_a, school_a1):
    group = services.working_group_create(
        user=coordinator_a,
        municipality=municipality_a,
        name="рабочая группа",
        issuer="Управление образованием района А",
        protocol_heading="Заседания рабочей группы",
    )
    head = services.member_save(
        user=coordinator_a,
        group=group,
        name="Астраханцева О.В.",
        position="координатор",
        role="head",
    )
    meeting = services.meeting_create(
        user=coordinator_a, group=group, date=datetime.date(2023, 7, 3), chair=head, secretary=head
    )
    item = services.agenda_item_save(
        user=coordinator_a,
        meeting=meeting,
        title="О дорожной карте",
        vote_kind="unanimous",
        speeches=[],
    )
    return services.decision_save(
        user=coordinator_a,
        item=item,
        text="Разработать дорожные карты",
        owner_school=school_a1,
        deadline_text="до 01.09.2023",
    )


def test_overdue_decisions_are_listed_for_the_municipality_only(client, cast, decision):
    rows = client.get("/api/v1/decisions?state=overdue", **bearer(cast["coordinator_a"])).json()
    (row,) = rows["items"]
    assert (row["text"], row["owner"], row["due_on"], row["municipality"]) == (
        "Разработать дорожные карты",
        "СОШ с. Альфа",
        "2023-09-01",
        "mun-a",
    )
    assert (
        client.get("/api/v1/decisions?state=all", **bearer(cast["coordinator_b"])).json()["count"]
        == 0
    )


def test_the_owning_school_marks_its_decision_done(client, cast, decision):
    response = client.patch(
        f"/api/v1/decisions/{decision.pk}",
        {"status": "done", "evidence_note": "Карты утверждены приказом № 5"},
        content_type="application/json",
        **bearer(cast["school_team_a1"]),
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    decision.refresh_from_db()
    assert decision.history.first().history_user == cast["school_team_a1"]


def test_an_unknown_status_is_refused_by_field(client, cast, decision):
    response = client.patch(
        f"/api/v1/decisions/{decision.pk}",
        {"status": "сделано"},
        content_type="application/json",
        **bearer(cast["coordinator_a"]),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "status"]
