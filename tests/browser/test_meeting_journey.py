"""A coordinator prepares a meeting of her working group, records who came, the vote and a
decision, finalises the protocol and downloads it to sign."""

import pytest
from docx import Document as WordDocument

from opora.meetings import services
from opora.meetings.models import Decision, Meeting
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def group(cast, municipality_a, coordinator_a):
    group = services.working_group_create(
        user=coordinator_a,
        municipality=municipality_a,
        name="рабочая группа муниципальной команды района А",
        issuer="Управление образованием администрации района А",
        protocol_heading="Заседания рабочей группы муниципальной команды района А",
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


def test_coordinator_records_a_meeting_and_downloads_the_protocol(page, group):
    page.goto("/accounts/login/")
    page.fill("#id_username", "coordinator_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")

    page.click("nav.main-nav >> text=Рабочая группа")
    page.click("#groups >> text=рабочая группа муниципальной команды района А")
    page.click("text=Новое заседание")
    page.fill("#id_date", "2023-09-15")
    page.fill("#id_time", "10:00")
    page.fill("#id_place", "Управление образованием, каб. 12")
    page.click("#meetings-form button[type=submit]")
    assert page.inner_text("h1") == "Заседание №1 от 15.09.2023"

    page.click("text=Присутствие")
    kochneva = page.locator("#attendance-form tr", has_text="Кочнева О.А.")
    kochneva.locator("input[type=checkbox]").uncheck()
    kochneva.locator("input[type=text]").fill("больничный")
    page.fill("#id_guests", "Петрова А.А. – директор СОШ с. Альфа")
    page.click("#attendance-form button[type=submit]")
    assert "3 из 4 членов группы, кворум есть" in page.inner_text(".message-success")

    page.click("text=Добавить вопрос повестки")
    page.fill("#id_title", "О результатах ВПР 2023 года")
    page.fill("#id_heard_speaker", "муниципального координатора Астраханцеву О.В.")
    page.fill("#id_heard_summary", "о результатах ВПР в школах района")
    page.fill("#id_speeches", "Кочнева О.А. – о работе РМО")
    page.select_option("#id_vote_kind", "counted")
    page.fill("#id_votes_for", "3")
    page.fill("#id_votes_against", "1")  # four voters, three members present: refused
    page.fill("#id_votes_abstained", "0")
    page.click("#meetings-form button[type=submit]")
    assert "приглашённые не голосуют" in page.inner_text("#meetings-form")
    page.fill("#id_votes_against", "0")
    page.click("#meetings-form button[type=submit]")
    assert "О результатах ВПР 2023 года" in page.inner_text("#agenda")

    page.click("#item-1 >> text=Добавить решение")
    page.fill("#id_text", "Провести семинар для учителей математики")
    page.select_option("#id_owner_member", label="Гладилова О.А.")
    page.fill("#id_deadline_text", "до 01.11.2023")
    page.click("#meetings-form button[type=submit]")
    decisions = page.inner_text("#item-1 .decisions")
    assert "Провести семинар" in decisions and "до 01.11.2023" in decisions

    page.click("#finalise")
    assert page.inner_text("#protocol-status") == "окончательный"
    assert page.locator("#revise").is_visible()

    with page.expect_download() as download:
        page.click("#download-docx")
    path = download.value.path()
    text = "\n".join(p.text for p in WordDocument(path).paragraphs)
    assert "Протокол №1" in text and "от 15.09.2023 г." in text
    assert (
        "Отсутствовали:\nКочнева О.А. – руководитель РМО учителей русского языка (больничный);"
        in text
    )
    assert "ВЫСТУПИЛИ:\nКочнева О.А. – о работе РМО" in text
    assert "Голосовали: «за» – 3, «против» – 0, «воздержались» – 0." in text
    assert "ПРОЕКТ" not in text
    meeting = Meeting.objects.get()
    assert meeting.revisions.count() == 1
    assert Decision.objects.get().due_on.isoformat() == "2023-11-01"
