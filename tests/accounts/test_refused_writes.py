"""A role without the right is refused a write before its form is read: 403 whatever it sends,
the same answer as for a complete form, and nothing changes."""

import pytest
from django.urls import reverse

from opora.identification.models import IdentificationRun, RuleSet, WarningRun
from opora.identification.services import identification_compute, identification_save
from opora.programs.models import Program
from opora.risks.models import JointPlanItem, Partnership, Visit
from opora.risks.partnerships import partnership_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(cast, school_a1, school_a2):
    return partnership_create(
        leader=school_a2,
        partner=school_a1,
        year=2024,
        agreement="",
        support="",
        user=cast["coordinator_a"],
    )


@pytest.fixture
def municipal_program(municipality_a):
    return Program.objects.create(
        municipality=municipality_a, level="municipal", kind="roadmap", name="Программа района А"
    )


def post(client, username, url, data=None):
    client.login(username=username, password=PASSWORD)
    return client.post(url, data or {})


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1", "curator_a1"])
def test_only_the_municipality_creates_a_partnership(client, cast, username):
    response = post(client, username, reverse("risks:partnerships"))
    assert response.status_code == 403
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1"])
def test_only_curators_and_the_municipality_add_to_a_joint_plan(client, partnership, username):
    response = post(client, username, reverse("risks:partnership", args=[partnership.pk]))
    assert response.status_code == 403
    assert not JointPlanItem.objects.exists()


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1"])
def test_only_reviewers_log_a_visit(client, cast, username):
    response = post(client, username, reverse("risks:visit_add", args=["a1"]))
    assert response.status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1", "curator_a1"])
@pytest.mark.parametrize("route", ["programs:program_import", "programs:program_status"])
def test_only_the_municipality_imports_into_or_changes_the_status_of_its_program(
    client, cast, municipal_program, username, route
):
    response = post(client, username, reverse(route, args=[municipal_program.pk]))
    assert response.status_code == 403
    municipal_program.refresh_from_db()
    assert municipal_program.status == "draft"


@pytest.fixture
def draft_run(cast, municipality_a):
    coordinator = cast["coordinator_a"]
    outcome = identification_compute(
        user=coordinator,
        rule_set=RuleSet.objects.get(code="shnor-fioco", version=1),
        year=2024,
        region=municipality_a.region,
        municipality=municipality_a,
    )
    return identification_save(user=coordinator, outcome=outcome)


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1", "curator_a1"])
def test_only_those_who_run_identification_approve_a_list(client, draft_run, username):
    response = post(client, username, reverse("identification:run_approve", args=[draft_run.pk]))
    assert response.status_code == 403
    assert IdentificationRun.objects.get().status == "draft"


@pytest.mark.parametrize("username", ["methodist_a", "school_team_a1", "observer_b"])
def test_only_those_who_run_identification_draw_up_a_risk_group(client, cast, username):
    response = post(client, username, reverse("identification:risk_group"), {"year": "2024"})
    assert response.status_code == 403
    assert not WarningRun.objects.exists()
