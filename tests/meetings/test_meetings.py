"""A municipality's working group: the coordinator prepares a meeting, records attendance,
votes and decisions, finalises the protocol; open decisions come back at the next meeting,
overdue ones show on the home page; outsiders see nothing of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from opora.meetings import selectors, services
from opora.meetings.models import (
    FOLLOW_UP_TITLE,
    Decision,
    DecisionStatus,
    ItemKind,
    Meeting,
    ProtocolStatus,
)
from opora.meetings.protocol import protocol_content
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 1)


@pytest.fixture
def group(cast, municipality_a, coordinator_a):
    group = services.working_group_create(
        user=coordinator_a,
        municipality=municipality_a,
        name="рабочая группа муниципальной команды",
        issuer="Управление образованием администрации района А",
        protocol_heading="Заседания рабочей группы муниципальной команды",
    )
    for name, position, role in [
        ("Астраханцева О.В.", "муниципальный координатор", "head"),
        ("Гладилова О.А.", "директор МУ РЦ", "member"),
        ("Кочнева О.А.", "руководитель РМО учителей русского языка", "member"),
        ("Лобанова Н.В.", "руководитель РМО учителей начальных классов", "secretary"),
    ]:
        services.member_save(
            user=coordinator_a, group=group, name=name, position=position, role=role
        )
    return group


def member(group, name):
    return group.members.get(name=name)


@pytest.fixture
def meeting(group, coordinator_a):
    return services.meeting_create(
        user=coordinator_a,
        group=group,
        date=datetime.date(2023, 7, 3),
        chair=member(group, "Астраханцева О.В."),
        secretary=member(group, "Лобанова Н.В."),
    )


def item_on(meeting, user, **values):
    defaults = {"title": "О ходе дорожной карты", "vote_kind": "unanimous", "speeches": []}
    return services.agenda_item_save(user=user, meeting=meeting, **{**defaults, **values})


def decide(item, user, text, **values):
    return services.decision_save(user=user, item=item, text=text, **values)


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_meeting_gets_the_next_number_and_every_member_present(group, meeting, coordinator_a):
    assert meeting.number == 1
    assert meeting.attendance.filter(present=True).count() == 4
    second = services.meeting_create(
        user=coordinator_a, group=group, date=datetime.date(2023, 9, 1)
    )
    assert second.number == 2


def test_a_member_who_left_is_not_on_later_meetings_but_stays_in_history(
    group, meeting, coordinator_a
):
    leaving = member(group, "Кочнева О.А.")
    services.member_save(
        user=coordinator_a, group=group, member=leaving, left_on=datetime.date(2023, 8, 31)
    )
    later = services.meeting_create(user=coordinator_a, group=group, date=datetime.date(2023, 9, 5))
    assert leaving not in [a.member for a in later.attendance.all()]
    assert leaving in [a.member for a in meeting.attendance.all()]
    changes = selectors.member_changes(group=group)
    assert any(c.what == "Кочнева О.А." and c.after == "31.08.2023" for c in changes)


def test_quorum_follows_attendance_and_guests_do_not_count(group, meeting, coordinator_a):
    ids = [member(group, n).pk for n in ("Астраханцева О.В.", "Гладилова О.А.")]
    quorum = services.attendance_save(
        user=coordinator_a,
        meeting=meeting,
        present=set(ids),
        notes={member(group, "Кочнева О.А.").pk: "отпуск"},
        guests=[("Петрова А.А.", "директор СОШ с. Альфа")],
    )
    assert (quorum.present, quorum.members, quorum.reached) == (2, 4, False)
    item_on(meeting, coordinator_a)
    with pytest.raises(ValidationError, match="Нет кворума: присутствуют 2 из 4"):
        services.meeting_finalise(user=coordinator_a, meeting=meeting)


def test_a_counted_vote_cannot_have_more_voters_than_members_present(meeting, coordinator_a):
    with pytest.raises(ValidationError, match=r"Голосов \(5\) больше"):
        item_on(
            meeting,
            coordinator_a,
            vote_kind="counted",
            votes_for=4,
            votes_against=1,
            votes_abstained=0,
        )
    item = item_on(
        meeting, coordinator_a, vote_kind="counted", votes_for=3, votes_against=1, votes_abstained=0
    )
    assert item.vote_text() == "Голосовали: «за» – 3, «против» – 1, «воздержались» – 0."


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("до 01.09.2023", "until", datetime.date(2023, 9, 1)),
        ("в течение года", "within_year", datetime.date(2023, 12, 31)),
        ("постоянно", "recurring", None),
        ("сентябрь 2023", "month", datetime.date(2023, 9, 30)),
        ("в 2023-2024 учебном году", "academic_year", datetime.date(2024, 8, 31)),
        ("", "", None),
    ],
)
def test_deadline_is_read_by_the_roadmap_period_parser(meeting, coordinator_a, text, kind, due):
    decision = decide(item_on(meeting, coordinator_a), coordinator_a, "Сделать", deadline_text=text)
    assert (decision.deadline_kind, decision.due_on) == (kind, due)
    assert decision.is_overdue(TODAY) is (due is not None and due < TODAY)


def test_open_decisions_are_proposed_at_the_next_meeting(group, meeting, coordinator_a):
    item = item_on(meeting, coordinator_a)
    open_one = decide(item, coordinator_a, "Провести семинар", deadline_text="до 01.09.2023")
    done = decide(item, coordinator_a, "Разместить отчёт на сайте")
    noted = decide(item, coordinator_a, "Информацию принять к сведению.", status="noted")
    services.decision_status_update(
        user=coordinator_a, decision=done, status="done", evidence_link="", evidence_note=""
    )
    services.meeting_finalise(user=coordinator_a, meeting=meeting)

    following = services.meeting_create(
        user=coordinator_a,
        group=group,
        date=datetime.date(2023, 10, 2),
        chair=member(group, "Астраханцева О.В."),
    )
    follow_up = following.items.get()
    assert (follow_up.number, follow_up.kind, follow_up.title) == (
        1,
        ItemKind.FOLLOW_UP,
        FOLLOW_UP_TITLE,
    )
    assert list(follow_up.reviewed_decisions.all()) == [open_one]
    assert noted not in follow_up.reviewed_decisions.all()
    # СЛУШАЛИ: кого — the chair «Астраханцева О.В.» in the accusative, declined by petrovich.
    assert follow_up.heard_speaker == "Астраханцеву О.В."
    lines = protocol_content(following)["items"][0]["reviewed"]
    assert lines == [
        "Протокол №1 от 03.07.2023, п. 1.1: Провести семинар — срок: до 01.09.2023; "
        "состояние: на исполнении."
    ]


def test_final_protocol_is_read_only_and_a_new_revision_keeps_the_signed_one(
    meeting, coordinator_a
):
    item = item_on(meeting, coordinator_a, heard_speaker="Астраханцеву О.В.")
    decide(item, coordinator_a, "Провести семинар")
    first = services.meeting_finalise(user=coordinator_a, meeting=meeting)
    assert meeting.status == ProtocolStatus.FINAL
    with pytest.raises(ValidationError, match="новой редакции"):
        item_on(meeting, coordinator_a, title="Другой вопрос")
    with pytest.raises(ValidationError):
        decide(item, coordinator_a, "Ещё решение")

    services.meeting_new_revision(user=coordinator_a, meeting=meeting)
    assert (meeting.status, meeting.revision) == (ProtocolStatus.DRAFT, 2)
    services.agenda_item_save(
        user=coordinator_a,
        meeting=meeting,
        item=item,
        title="О ходе дорожной карты (уточнено)",
        vote_kind="unanimous",
    )
    second = services.meeting_finalise(user=coordinator_a, meeting=meeting)
    first.refresh_from_db()
    assert first.content["items"][0]["title"] == "О ходе дорожной карты"
    assert second.content["items"][0]["title"] == "О ходе дорожной карты (уточнено)"
    assert second.number == 2
    changes = selectors.protocol_changes(meeting=meeting)
    assert any(
        c.before == "О ходе дорожной карты" and c.after == "О ходе дорожной карты (уточнено)"
        for c in changes
    )


def test_decision_owner_must_be_of_the_group_and_school_of_the_municipality(
    meeting, coordinator_a, school_b1
):
    item = item_on(meeting, coordinator_a)
    with pytest.raises(ValidationError, match="Школа другого муниципалитета"):
        decide(item, coordinator_a, "Сделать", owner_school=school_b1)


def test_only_the_coordinator_or_the_groups_secretary_prepares_meetings(
    group, meeting, region_operator, methodist_a, coordinator_b
):
    for outsider in (region_operator, methodist_a, coordinator_b):
        with pytest.raises(PermissionDenied):
            item_on(meeting, outsider)
    secretary = member(group, "Лобанова Н.В.")
    secretary.account = methodist_a
    secretary.save()
    assert item_on(meeting, methodist_a).number == 1


def test_coordinator_records_a_meeting_through_the_pages(client, group, coordinator_a):
    login(client, "coordinator_a")
    response = client.post(
        reverse("meetings:meeting_create", args=[group.pk]),
        {
            "date": "03.07.2023",
            "time": "10:00",
            "place": "Управление образованием",
            "chair": member(group, "Астраханцева О.В.").pk,
            "secretary": member(group, "Лобанова Н.В.").pk,
        },
    )
    meeting = Meeting.objects.get(group=group)
    assert response.url == reverse("meetings:meeting_detail", args=[meeting.pk])
    absent = member(group, "Кочнева О.А.")
    form = {f"present_{m.pk}": "on" for m in group.members.exclude(pk=absent.pk)}
    form[f"note_{absent.pk}"] = "командировка"
    form["guests"] = "Петрова А.А. – директор СОШ с. Альфа"
    client.post(reverse("meetings:attendance_edit", args=[meeting.pk]), form)
    response = client.post(
        reverse("meetings:item_add", args=[meeting.pk]),
        {
            "title": "О результатах ВПР",
            "heard_speaker": "Астраханцеву О.В.",
            "heard_summary": "о результатах ВПР 2023 года",
            "speeches": "Кочнева О.А. – о работе РМО\nГладилова О.А.",
            "vote_kind": "counted",
            "votes_for": "4",
            "votes_against": "0",
            "votes_abstained": "0",
        },
    )
    assert "Голосов (4) больше, чем присутствует членов группы (3)" in response.content.decode()
    client.post(
        reverse("meetings:item_add", args=[meeting.pk]),
        {
            "title": "О результатах ВПР",
            "heard_speaker": "Астраханцеву О.В.",
            "heard_summary": "о результатах ВПР 2023 года",
            "speeches": "Кочнева О.А. – о работе РМО\nГладилова О.А.",
            "vote_kind": "counted",
            "votes_for": "3",
            "votes_against": "0",
            "votes_abstained": "0",
        },
    )
    item = meeting.items.get()
    assert [(s.speaker, s.summary) for s in item.speeches.all()] == [
        ("Кочнева О.А.", "о работе РМО"),
        ("Гладилова О.А.", ""),
    ]
    client.post(
        reverse("meetings:decision_add", args=[meeting.pk, item.pk]),
        {
            "text": "Провести семинар для учителей математики",
            "owner_member": member(group, "Гладилова О.А.").pk,
            "deadline_text": "до 01.11.2023",
            "status": "open",
        },
    )
    decision = Decision.objects.get()
    assert decision.due_on == datetime.date(2023, 11, 1)
    client.post(reverse("meetings:meeting_finalise", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == ProtocolStatus.FINAL
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Кворум есть" in page and "Кочнева О.А. – руководитель РМО" in page
    lines = protocol_content(meeting)
    assert lines["absent"] == [
        "Кочнева О.А. – руководитель РМО учителей русского языка (командировка)"
    ]
    assert lines["guests"] == ["Петрова А.А. – директор СОШ с. Альфа"]
    assert lines["items"][0]["decisions"] == [
        "1. Провести семинар для учителей математики. Ответственный: Гладилова О.А. "
        "Срок: до 01.11.2023."
    ]
    docx = client.get(reverse("meetings:protocol_export", args=[meeting.pk, "docx"]))
    assert docx["Content-Disposition"] == 'attachment; filename="protocol-1-20230703.docx"'
    assert docx.content[:2] == b"PK"


def test_outsiders_get_404_and_readers_cannot_write(
    client, group, meeting, coordinator_a, school_a1
):
    item = item_on(meeting, coordinator_a)
    decision = decide(item, coordinator_a, "Сделать", schools=[school_a1])
    pages = [
        reverse("meetings:group_detail", args=[group.pk]),
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        reverse("meetings:protocol_export", args=[meeting.pk, "docx"]),
        reverse("meetings:decision_detail", args=[decision.pk]),
    ]
    login(client, "coordinator_b")
    assert [client.get(url).status_code for url in pages] == [404] * 4
    assert group not in client.get(reverse("meetings:group_list")).context["groups"]
    login(client, "observer_b")
    assert [client.get(url).status_code for url in pages] == [404] * 4

    login(client, "region_operator")
    assert [client.get(url).status_code for url in pages] == [200] * 4
    assert client.post(reverse("meetings:item_add", args=[meeting.pk]), {}).status_code == 403
    assert client.get(reverse("meetings:meeting_create", args=[group.pk])).status_code == 403
    assert client.post(reverse("meetings:decision_detail", args=[decision.pk]), {}).status_code == (
        403
    )


def test_school_team_sees_the_decisions_about_its_school_and_marks_its_own(
    client, group, meeting, coordinator_a, school_a1, school_a2
):
    item = item_on(meeting, coordinator_a)
    about_us = decide(item, coordinator_a, "Провести ВПР", owner_school=school_a1)
    about_others = decide(item, coordinator_a, "Отремонтировать", schools=[school_a2])
    concerning = decide(item, coordinator_a, "Семинар", schools=[school_a1])
    login(client, "school_team_a1")
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404
    listed = list(client.get(reverse("meetings:decision_list")).context["decisions"])
    assert listed == [about_us, concerning]
    assert (
        client.get(reverse("meetings:decision_detail", args=[about_others.pk])).status_code == 404
    )
    form = {"status": "done", "evidence_link": "https://school.example/vpr", "evidence_note": "ВПР"}
    response = client.post(reverse("meetings:decision_detail", args=[about_us.pk]), form)
    assert response.status_code == 302
    assert client.post(
        reverse("meetings:decision_detail", args=[concerning.pk]), form
    ).status_code == (403)
    about_us.refresh_from_db()
    assert about_us.status == DecisionStatus.DONE
    page = client.get(reverse("meetings:decision_detail", args=[about_us.pk])).content.decode()
    assert "school_team_a1" in page and "на исполнении" in page and "исполнено" in page


def test_overdue_decisions_reach_the_coordinator_and_the_linked_owner(
    client, group, meeting, coordinator_a, methodist_a
):
    owner = member(group, "Гладилова О.А.")
    owner.account = methodist_a
    owner.save()
    item = item_on(meeting, coordinator_a)
    late = decide(
        item, coordinator_a, "Провести семинар", owner_member=owner, deadline_text="до 01.09.2023"
    )
    decide(item, coordinator_a, "Постоянно следить", owner_member=owner, deadline_text="постоянно")
    today = datetime.date(2023, 10, 1)
    assert list(selectors.overdue_decisions(user=coordinator_a, today=today)) == [late]
    assert list(selectors.overdue_decisions(user=methodist_a, today=today)) == [late]
    login(client, "coordinator_a")
    assert "Просроченных решений рабочей группы" in client.get(reverse("home")).content.decode()
    login(client, "coordinator_b")
    assert "Просроченных решений" not in client.get(reverse("home")).content.decode()


def test_coordinator_forms_the_group_of_her_municipality_and_the_region_only_reads(
    client, cast, municipality_a
):
    login(client, "region_operator")
    assert client.get(reverse("meetings:group_create")).status_code == 403
    login(client, "coordinator_a")
    response = client.post(
        reverse("meetings:group_create"),
        {
            "name": "муниципальная команда района А",
            "issuer": "Управление образованием района А",
            "decision_rule": "majority_present",
            "prints_owner_and_deadline": "on",
        },
    )
    group = municipality_a.working_groups.get()
    assert response.url == reverse("meetings:group_detail", args=[group.pk])
    client.post(
        reverse("meetings:member_add", args=[group.pk]),
        {"name": "Иванова И.И.", "position": "специалист", "role": "secretary"},
    )
    assert group.members.get().role == "secretary"


def test_removing_an_item_or_a_decision_keeps_the_numbering(meeting, coordinator_a):
    first, second, third = (item_on(meeting, coordinator_a, title=t) for t in "абв")
    services.agenda_item_delete(user=coordinator_a, item=second)
    assert list(meeting.items.values_list("title", "number")) == [("а", 1), ("в", 2)]
    one, two = decide(first, coordinator_a, "раз"), decide(first, coordinator_a, "два")
    services.decision_delete(user=coordinator_a, decision=one)
    two.refresh_from_db()
    assert two.number == 1


def test_two_people_editing_one_item_the_second_save_is_refused_and_keeps_its_text(
    client, group, meeting, coordinator_a, methodist_a
):
    secretary = member(group, "Лобанова Н.В.")
    secretary.account = methodist_a
    secretary.save()
    item = item_on(meeting, coordinator_a, heard_summary="о результатах ВПР")
    url = reverse("meetings:item_edit", args=[meeting.pk, item.pk])
    login(client, "coordinator_a")
    opened = client.get(url).context["form"]["seen"].value()  # the coordinator opens the item
    form = {
        "seen": opened,
        "title": "О ходе дорожной карты",
        "heard_speaker": "Астраханцеву О.В.",
        "heard_summary": "о ВПР 2023 года",
        "speeches": "",
        "vote_kind": "unanimous",
    }
    # Meanwhile the secretary, in her own session, saves her version of the same item.
    secretary_session = Client()
    login(secretary_session, "methodist_a")
    assert secretary_session.post(url, form).status_code == 302
    form["heard_summary"] = "о результатах ВПР и ОГЭ"
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Эту запись изменил(а) methodist_a" in page and "Ваш вариант не сохранён" in page
    assert "о результатах ВПР и ОГЭ" in page  # what the coordinator typed is still in the form
    item.refresh_from_db()
    assert item.heard_summary == "о ВПР 2023 года"  # the secretary's save is not lost
    # Sent again from the refused form, it overwrites knowingly; history keeps both.
    form["seen"] = refused.context["form"]["seen"].value()
    assert client.post(url, form).status_code == 302
    item.refresh_from_db()
    assert item.heard_summary == "о результатах ВПР и ОГЭ"
    assert [h.heard_summary for h in item.history.order_by("history_id")][-2:] == [
        "о ВПР 2023 года",
        "о результатах ВПР и ОГЭ",
    ]


def test_a_decision_and_the_meeting_details_are_guarded_the_same_way(group, meeting, coordinator_a):
    from opora import locking

    decision = decide(item_on(meeting, coordinator_a), coordinator_a, "Провести семинар")
    seen_decision, seen_meeting = locking.edit_token(Decision), locking.edit_token(Meeting)
    decide(decision.item, coordinator_a, "Провести два семинара", decision=decision)
    services.meeting_update(user=coordinator_a, meeting=meeting, place="Управление образованием")
    with pytest.raises(locking.EditConflict):
        decide(decision.item, coordinator_a, "Семинар", decision=decision, seen=seen_decision)
    with pytest.raises(locking.EditConflict):
        services.meeting_update(user=coordinator_a, meeting=meeting, place="РЦ", seen=seen_meeting)
    decision.refresh_from_db()
    meeting.refresh_from_db()
    assert (decision.text, meeting.place) == ("Провести два семинара", "Управление образованием")
