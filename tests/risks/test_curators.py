"""The municipality assigns curators; curators log visits; leader schools support partners;
reminders of deadlines; the heat map of schools × factors."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.programs.models import ActivityStatus, ProgramStatus
from opora.risks.curatorship import curator_assign, curator_unassign, visit_save
from opora.risks.models import Notification
from opora.risks.notifications import deadline_notifications, notify
from opora.risks.partnerships import joint_plan_item_add, joint_plan_item_done, partnership_create
from opora.risks.planning import school_programs_create
from opora.risks.profiles import profile_open, profile_priorities_save
from opora.risks.reviews import school_program_approve, school_program_submit
from opora.risks.selectors import heat_map
from tests.conftest import PASSWORD
from tests.risks.conftest import RISKY, answer

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 3, 1)


@pytest.fixture
def new_curator(db):
    return User.objects.create_user(username="new_curator", password=PASSWORD, role=Role.CURATOR)


def test_the_coordinator_assigns_and_removes_a_curator(school_a2, coordinator_a, new_curator):
    assignment = curator_assign(
        school=school_a2, curator=new_curator, kind="tutor", user=coordinator_a, today=TODAY
    )
    assert list(new_curator.curated_schools.all()) == [school_a2]
    assert new_curator.notifications.filter(text__contains="тьютор").exists()
    with pytest.raises(ValidationError, match="уже закреплён"):
        curator_assign(
            school=school_a2, curator=new_curator, kind="curator", user=coordinator_a, today=TODAY
        )
    curator_unassign(assignment=assignment, user=coordinator_a, today=TODAY)
    assert not new_curator.curated_schools.exists()
    assert assignment.ended_on == TODAY


def test_only_the_municipality_assigns_and_only_curators_are_assigned(cast, school_a2, new_curator):
    for name in ("coordinator_b", "curator_a1", "school_team_a1", "methodist_a"):
        with pytest.raises(PermissionDenied):
            curator_assign(
                school=school_a2, curator=new_curator, kind="curator", user=cast[name], today=TODAY
            )
    with pytest.raises(ValidationError, match="Куратор / наставник"):
        curator_assign(
            school=school_a2,
            curator=cast["methodist_a"],
            kind="curator",
            user=cast["coordinator_a"],
            today=TODAY,
        )


def test_the_curators_page_is_the_coordinators(client, cast, school_a2, new_curator):
    url = reverse("risks:curators")
    client.login(username="curator_a1", password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(url + "?municipality=mun-a").status_code == 404
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        url, {"school": school_a2.pk, "curator": new_curator.pk, "kind": "mentor"}, follow=True
    )
    assert "Куратор закреплён" in response.content.decode()
    assert new_curator.curated_schools.filter(pk=school_a2.pk).exists()


def test_a_curator_logs_visits_of_own_schools_only(cast, school_a1, school_a2):
    curator = cast["curator_a1"]
    visit = visit_save(
        school=school_a1,
        user=curator,
        kind="visit",
        date=TODAY,
        purpose="Верификация РПШ",
        findings="Нет положения о ВСОКО",
        agreed_actions="Разработать до 01.04",
    )
    assert visit.curator == curator
    with pytest.raises(PermissionDenied):
        visit_save(
            school=school_a2,
            user=curator,
            kind="visit",
            date=TODAY,
            purpose="?",
            findings="",
            agreed_actions="",
        )
    with pytest.raises(PermissionDenied):
        visit_save(
            school=school_a1,
            user=cast["school_team_a1"],
            kind="visit",
            date=TODAY,
            purpose="?",
            findings="",
            agreed_actions="",
        )


def test_visit_form_on_the_school_page(client, cast, school_a1):
    client.login(username="curator_a1", password=PASSWORD)
    response = client.post(
        reverse("risks:visit_add", args=["a1"]),
        {"kind": "consultation", "date": "15.03.2024", "purpose": "Консультация по ИОМ"},
        follow=True,
    )
    page = response.content.decode()
    assert "15.03.2024" in page and "Консультация по ИОМ" in page


def test_leader_and_partner_schools_keep_a_joint_plan(cast, school_a1, school_a2, school_b1):
    coordinator = cast["coordinator_a"]
    partnership = partnership_create(
        leader=school_a2,
        partner=school_a1,
        year=2024,
        agreement="Договор № 5",
        support="аудит",
        user=coordinator,
    )
    item = joint_plan_item_add(
        partnership=partnership,
        user=cast["curator_a1"],
        text="Взаимопосещение уроков",
        period="Октябрь",
        responsible="ШМО",
    )
    joint_plan_item_done(item=item, user=coordinator, done=True)
    assert partnership.plan.get().done
    with pytest.raises(ValidationError):
        partnership_create(
            leader=school_a1,
            partner=school_a1,
            year=2024,
            agreement="",
            support="",
            user=coordinator,
        )
    with pytest.raises(PermissionDenied):
        partnership_create(
            leader=school_a2,
            partner=school_b1,
            year=2024,
            agreement="",
            support="",
            user=coordinator,
        )
    with pytest.raises(PermissionDenied):
        joint_plan_item_add(
            partnership=partnership,
            user=cast["school_team_a1"],
            text="x",
            period="",
            responsible="",
        )


@pytest.fixture
def approved_program(risky_profile, school_team_a1, curator_a1):
    profile_priorities_save(profile=risky_profile, user=school_team_a1, factor_codes=["vsoko"])
    school_programs_create(profile=risky_profile, user=school_team_a1)
    program = risky_profile.programs.get(factor__code="vsoko").program
    school_program_submit(program=program, user=school_team_a1)
    school_program_approve(program=program, user=curator_a1)
    return program


def test_deadline_reminders_are_sent_once(approved_program, school_team_a1, curator_a1):
    # The template's September activities end on 30.09.2023; on 25.09 they are due in 5 days.
    created = deadline_notifications(today=datetime.date(2023, 9, 25))
    assert created > 0
    due = school_team_a1.notifications.filter(text__startswith="Срок через 7 дней")
    assert due.exists()
    assert (
        curator_a1.notifications.filter(text__startswith="Срок через 7 дней").count() == due.count()
    )
    assert deadline_notifications(today=datetime.date(2023, 9, 26)) == 0
    overdue = deadline_notifications(today=datetime.date(2023, 10, 2))
    assert overdue == 2 * due.count()
    assert school_team_a1.notifications.filter(text__startswith="Просрочено").count() == due.count()


def test_done_activities_and_drafts_get_no_reminders(approved_program, school_team_a1):
    approved_program.activities.update(status=ActivityStatus.DONE)
    assert deadline_notifications(today=datetime.date(2024, 8, 1)) == 0
    approved_program.activities.update(status=ActivityStatus.PLANNED)
    approved_program.status = ProgramStatus.DRAFT
    approved_program.save()
    assert deadline_notifications(today=datetime.date(2024, 8, 1)) == 0


def test_notify_deadlines_command_is_idempotent(approved_program):
    call_command("notify_deadlines", "--date", "02.10.2023")
    count = Notification.objects.count()
    call_command("notify_deadlines", "--date", "02.10.2023")
    assert Notification.objects.count() == count


def test_notifications_page_marks_them_read(client, cast):
    notify(users=[cast["school_team_a1"]], text="Проверьте программу", link="/risks/")
    notify(users=[cast["coordinator_a"]], text="Чужое уведомление")
    client.login(username="school_team_a1", password=PASSWORD)
    home = client.get("/").content.decode()
    assert "Новых уведомлений: <strong>1</strong>" in home and "Проверьте программу" in home
    page = client.get(reverse("risks:notifications")).content.decode()
    assert "Проверьте программу" in page and "Чужое уведомление" not in page
    opened = cast["school_team_a1"].notifications.get()
    assert client.get(reverse("risks:notification_open", args=[opened.pk])).url == "/risks/"
    opened.refresh_from_db()
    assert opened.read_at is not None
    other = cast["coordinator_a"].notifications.get()
    assert client.get(reverse("risks:notification_open", args=[other.pk])).status_code == 404
    notify(users=[cast["school_team_a1"]], text="Ещё одно")
    client.post(reverse("risks:notifications"))
    assert not cast["school_team_a1"].notifications.filter(read_at__isnull=True).exists()
    assert cast["coordinator_a"].notifications.filter(read_at__isnull=True).exists()


def test_heat_map_counts_levels_and_their_change(cast, school_a1, school_a2, municipality_a):
    coordinator = cast["coordinator_a"]
    first = profile_open(school=school_a1, year=2024, user=coordinator)
    answer(first, coordinator, **RISKY)
    second = profile_open(school=school_a2, year=2024, user=coordinator)
    answer(second, coordinator, vsoko_regulation=0, results_by_teacher=1, vshk_plan=1)
    before = profile_open(school=school_a1, year=2023, user=coordinator)
    answer(before, coordinator, vsoko_regulation=1, results_by_teacher=1, vshk_plan=1)

    found = heat_map(user=coordinator, municipality=municipality_a, year=2024)
    vsoko_column = [f.code for f in found.factors].index("vsoko")
    rows = {row.school.code: row for row in found.rows}
    assert rows["a1"].cells[vsoko_column].level == "high"
    assert rows["a1"].cells[vsoko_column].change == "worse"
    assert rows["a2"].cells[vsoko_column].level == "medium"
    assert rows["a1-f"].cells[vsoko_column].level == ""
    total = found.totals[vsoko_column]
    assert total.counts == {"high": 1, "medium": 1, "low": 0}
    assert total.changes == {"high": 1, "medium": 1, "low": -1}


def test_heat_map_page_shows_only_the_scope(client, cast, school_a1, school_b1):
    profile_open(school=school_a1, year=2024, user=cast["coordinator_a"])
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("risks:index")).content.decode()
    assert "СОШ с. Альфа" in page and "ООШ с. Вторая" not in page
    assert client.get(reverse("risks:index") + "?municipality=mun-b").status_code == 404
    client.login(username="school_team_a1", password=PASSWORD)
    assert client.get(reverse("risks:index")).url == reverse("risks:school", args=["a1"])
