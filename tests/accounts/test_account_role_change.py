"""The page «Пользователи» changes the role and place of an existing account: the region's
operator and a coordinator, within their own territory, to roles they may give (the
invitation's rule), and the change is kept in the account's history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.accounts.services import account_change_role, account_scope
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def edit(account):
    return reverse("accounts:user_edit", args=[account.pk])


def test_a_coordinator_moves_a_school_team_to_another_school_of_the_municipality(
    client, cast, school_a2
):
    team = cast["school_team_a1"]
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(edit(team), {"role": Role.SCHOOL, "school": school_a2.pk})
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.role, team.school) == (Role.SCHOOL, school_a2)


def test_a_coordinator_cannot_move_an_account_to_another_municipality(client, cast, school_b1):
    team = cast["school_team_a1"]
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.post(edit(team), {"role": Role.SCHOOL, "school": school_b1.pk})
    assert page.status_code == 200
    assert "school" in page.context["form"].errors  # the school is not among the choices
    team.refresh_from_db()
    assert team.school.code == "a1"
    with pytest.raises(PermissionDenied):
        account_change_role(
            user=cast["coordinator_a"],
            account=team,
            role=Role.SCHOOL,
            scope=account_scope(role=Role.SCHOOL, school=school_b1),
        )
    team.refresh_from_db()
    assert team.school.code == "a1"


def test_a_coordinator_cannot_make_anyone_a_region_operator(client, cast, region):
    methodist = cast["methodist_a"]
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.post(edit(methodist), {"role": Role.REGION})
    assert "role" in page.context["form"].errors
    for role in (Role.REGION, Role.COORDINATOR):
        with pytest.raises(PermissionDenied):
            account_change_role(
                user=cast["coordinator_a"],
                account=methodist,
                role=role,
                scope=account_scope(role=role, region=region, municipality=methodist.municipality),
            )
    methodist.refresh_from_db()
    assert methodist.role == Role.METHODIST


def test_a_region_operator_moves_a_coordinator_between_municipalities_of_the_region(
    client, cast, municipality_b
):
    coordinator = cast["coordinator_a"]
    client.login(username="region_operator", password=PASSWORD)
    assert client.get(edit(coordinator)).status_code == 200
    response = client.post(
        edit(coordinator), {"role": Role.COORDINATOR, "municipality": municipality_b.pk}
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.municipality == municipality_b
    history = client.get(edit(coordinator)).context["history"]
    assert [(h.place, h.by and h.by.username) for h in history[:2]] == [
        (municipality_b.name, "region_operator"),
        ("Район А", None),  # created by the test, outside any request
    ]


def test_accounts_outside_ones_territory_are_404(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    for foreign in ("observer_b", "coordinator_b"):
        account = User.objects.get(username=foreign)
        assert client.get(edit(account)).status_code == 404
        assert client.post(edit(account), {"role": Role.OBSERVER}).status_code == 404


def test_ones_own_account_and_a_fellow_coordinators_are_refused(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    assert client.get(edit(cast["coordinator_a"])).status_code == 403
    client.login(username="region_operator", password=PASSWORD)
    assert client.get(edit(cast["region_operator"])).status_code == 403
