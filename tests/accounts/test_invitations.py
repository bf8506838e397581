"""The page «Пользователи»: a region's operator and a coordinator invite the people of their
territory by e-mail, switch accounts off and on and send password links; nobody grants more
than their own scope."""

import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse

from opora.accounts.models import Role, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

INVITE = reverse("accounts:user_invite")
NEW_PASSWORD = "Kto-to-novyi-2026"


def invitation(**changes) -> dict:
    data = {
        "last_name": "Петрова",
        "first_name": "Анна Сергеевна",
        "email": "petrova@school-a1.example",
        "position": "заместитель директора",
        "role": Role.SCHOOL,
    }
    return {**data, **changes}


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_coordinator_invites_the_team_of_their_school_and_the_link_works_once(
    client, cast, school_a1
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation(school=school_a1.pk))
    assert response.status_code == 302
    account = User.objects.get(email="petrova@school-a1.example")
    assert (account.role, account.school, account.has_usable_password()) == (
        Role.SCHOOL,
        school_a1,
        False,
    )
    [letter] = mail.outbox
    assert letter.to == ["petrova@school-a1.example"]
    assert "Приглашение" in letter.subject
    link = link_in(letter)

    client.logout()
    form_page = client.get(link, follow=True)
    assert "Добро пожаловать" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert get_user(client).pk == account.pk  # logged straight in

    client.logout()
    assert client.login(username="petrova@school-a1.example", password=NEW_PASSWORD)
    client.logout()
    second = client.get(link, follow=True)
    assert "Ссылка больше не действует" in second.content.decode()


def test_coordinator_cannot_invite_a_region_operator(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation(role=Role.REGION))
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.context["form"].errors["role"][0]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()
    assert mail.outbox == []


def test_coordinator_cannot_invite_for_a_school_of_another_municipality(client, cast, school_b1):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation(school=school_b1.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()
    assert mail.outbox == []


def test_coordinator_cannot_make_a_curator_of_another_municipality_school(
    client, cast, school_a1, school_b1
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        INVITE, invitation(role=Role.CURATOR, schools=[school_a1.pk, school_b1.pk])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["schools"]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()


def test_a_role_without_its_place_is_named_in_russian(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation())
    assert response.context["form"].errors["school"] == ["Выберите школу."]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()


def test_region_operator_invites_a_coordinator_of_a_municipality_of_the_region(
    client, cast, municipality_b
):
    client.login(username="region_operator", password=PASSWORD)
    response = client.post(
        INVITE, invitation(role=Role.COORDINATOR, municipality=municipality_b.pk)
    )
    assert response.status_code == 302
    account = User.objects.get(email="petrova@school-a1.example")
    assert (account.role, account.municipality) == (Role.COORDINATOR, municipality_b)


def test_hostile_name_and_invalid_email_get_russian_field_messages(client, cast, school_a1):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        INVITE,
        invitation(
            last_name="<script>alert(1)</script>", email="not-an-address", school=school_a1.pk
        ),
    )
    errors = response.context["form"].errors
    assert errors["last_name"][0].startswith("Только буквы")
    assert errors["email"] == ["Введите правильный адрес электронной почты."]
    assert "<script>alert" not in response.content.decode()
    assert User.objects.count() == len(cast)
    assert mail.outbox == []


def test_an_address_already_in_use_is_refused(client, cast, school_a1, school_team_a1):
    school_team_a1.email = "petrova@school-a1.example"
    school_team_a1.save()
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation(school=school_a1.pk))
    assert response.context["form"].errors["email"] == ["Пользователь с таким адресом уже есть."]


def test_the_list_shows_the_territory_only(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("accounts:user_list"))
    shown = {a.username for a in response.context["accounts"].rows}
    assert shown == {"coordinator_a", "school_team_a1", "curator_a1", "methodist_a"}

    client.login(username="region_operator", password=PASSWORD)
    response = client.get(reverse("accounts:user_list"))
    assert {a.username for a in response.context["accounts"].rows} == set(cast)


def test_deactivated_account_cannot_log_in_and_its_session_ends(client, cast, school_team_a1):
    team = client.__class__()
    assert team.login(username="school_team_a1", password=PASSWORD)

    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(reverse("accounts:user_deactivate", args=[school_team_a1.pk]))
    assert response.status_code == 302
    school_team_a1.refresh_from_db()
    assert not school_team_a1.is_active

    assert team.get(reverse("home")).status_code == 302  # sent to the login page
    assert not client.__class__().login(username="school_team_a1", password=PASSWORD)

    client.post(reverse("accounts:user_activate", args=[school_team_a1.pk]))
    assert client.__class__().login(username="school_team_a1", password=PASSWORD)


def test_coordinator_cannot_switch_off_accounts_outside_or_above_their_grant(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    outside = cast["observer_b"]
    response = client.post(reverse("accounts:user_deactivate", args=[outside.pk]))
    assert response.status_code == 404
    fellow = User.objects.create_user(
        "coordinator_a2", role=Role.COORDINATOR, municipality=cast["coordinator_a"].municipality
    )
    response = client.post(reverse("accounts:user_deactivate", args=[fellow.pk]))
    assert response.status_code == 403
    own = cast["coordinator_a"]
    assert client.post(reverse("accounts:user_deactivate", args=[own.pk])).status_code == 403
    assert User.objects.filter(is_active=False).count() == 0


def test_password_reset_letter_sets_a_new_password(client, cast, school_team_a1):
    school_team_a1.email = "team@a1.example"
    school_team_a1.save()
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(reverse("accounts:user_password_link", args=[school_team_a1.pk]))
    assert response.status_code == 302
    [letter] = mail.outbox
    assert letter.subject == "Восстановление пароля в Опоре"
    client.logout()
    form_page = client.get(link_in(letter), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.login(username="school_team_a1", password=NEW_PASSWORD)


def test_forgotten_password_page_sends_the_same_letter(client, cast, school_team_a1):
    school_team_a1.email = "team@a1.example"
    school_team_a1.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "team@a1.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    [letter] = mail.outbox
    assert letter.subject == "Восстановление пароля в Опоре"
    assert "/accounts/password/reset/" in link_in(letter)


@pytest.mark.parametrize(
    "username,status",
    [
        ("region_operator", 200),
        ("coordinator_a", 200),
        ("school_team_a1", 403),
        ("curator_a1", 403),
        ("methodist_a", 403),
        ("observer_b", 403),
    ],
)
def test_who_opens_the_users_page(client, cast, username, status):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("accounts:user_list")).status_code == status
    assert client.get(INVITE).status_code == status


def test_a_superuser_inviting_a_region_operator_is_asked_for_the_region_not_a_500(client, cast):
    User.objects.create_superuser("root", password=PASSWORD)
    client.login(username="root", password=PASSWORD)
    response = client.post(INVITE, invitation(role=Role.REGION))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Укажите регион."]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()


def test_a_mail_server_that_does_not_answer_leaves_no_account(client, cast, school_a1, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(INVITE, invitation(school=school_a1.pk))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Письмо не отправлено: почтовый сервер не ответил. Учётная запись не создана, "
        "попробуйте позже."
    ]
    assert not User.objects.filter(email="petrova@school-a1.example").exists()


def test_switching_off_an_invited_account_voids_its_link(client, cast, school_a1):
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(INVITE, invitation(school=school_a1.pk))
    account = User.objects.get(email="petrova@school-a1.example")
    client.post(reverse("accounts:user_deactivate", args=[account.pk]))
    client.logout()
    page = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Ссылка больше не действует" in page.content.decode()


def test_search_finds_an_account_of_the_territory_by_a_part_of_its_name(client, cast):
    cast["methodist_a"].last_name = "Кузнецова"
    cast["methodist_a"].save()
    cast["observer_b"].last_name = "Кузнецов"
    cast["observer_b"].save()
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("accounts:user_list"), {"q": "кузнец"})
    assert [a.username for a in response.context["accounts"].rows] == ["methodist_a"]
