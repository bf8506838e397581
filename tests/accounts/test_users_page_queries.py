"""The page «Пользователи» reads a constant number of queries however many accounts it lists:
whether each listed account may be managed is decided with the user's territory read once."""

import pytest
from django.urls import reverse

from opora.accounts.models import Role, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def accounts(count, *, municipality, school):
    """School teams, methodists and curators in turn: each kind of scope."""
    for n in range(count):
        role = [Role.SCHOOL, Role.METHODIST, Role.CURATOR][n % 3]
        scope = {Role.SCHOOL: {"school": school}, Role.METHODIST: {"municipality": municipality}}
        account = User.objects.create_user(username=f"person{n}", role=role, **scope.get(role, {}))
        if role == Role.CURATOR:
            account.curated_schools.set([school])


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("manager", ["coordinator_a", "region_operator"])
def test_the_users_page_costs_the_same_queries_for_3_and_30_accounts(
    client, cast, school_a1, django_assert_max_num_queries, count, manager
):
    accounts(count, municipality=school_a1.municipality, school=school_a1)
    client.login(username=manager, password=PASSWORD)
    # 13 whatever the count: the page, the session and user, and the header's year picker (the
    # years of results, lists, programs and campaigns in the user's scope).
    with django_assert_max_num_queries(13):
        page = client.get(reverse("accounts:user_list"))
    listed = page.context["accounts"].rows
    assert len(listed) >= count
    # Every account the manager could have invited gets its buttons: the answer is unchanged.
    assert all(a.manageable for a in listed if a.username.startswith("person"))
