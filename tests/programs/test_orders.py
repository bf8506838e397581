"""Orders (приказы) recorded in the browser, with their scans, by those who issue them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.programs.models import Order
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {
    "issuer": "Управление образования Района А",
    "number": "116",
    "date": "17.02.2023",
    "title": "Об утверждении плана мероприятий",
    "signatory": "В.В. Булыгин",
}


def scan(name="prikaz.pdf", content=b"%PDF-1.4 scan"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_coordinator_records_an_order_of_her_municipality_with_its_scan(
    client, cast, municipality_a
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(reverse("programs:order_create"), {**FORM, "file": scan()})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.municipality, order.number, order.date) == (
        municipality_a,
        "116",
        datetime.date(2023, 2, 17),
    )
    download = client.get(reverse("programs:order_file", args=[order.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"


def test_region_operator_records_a_regional_order(client, cast, region):
    client.login(username="region_operator", password=PASSWORD)
    client.post(reverse("programs:order_create"), FORM)
    order = Order.objects.get()
    assert order.region == region and order.municipality is None


def test_a_file_of_another_kind_is_refused_and_nothing_is_saved(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("programs:order_create"), {**FORM, "file": scan("prikaz.exe", b"MZ")}
    )
    assert (
        "Загрузите документ PDF, DOC, DOCX, ODT или снимок JPG, PNG (файл «prikaz.exe» другого вида)."
        in response.content.decode()
    )
    assert not Order.objects.exists()


def test_a_wrong_date_is_named(client, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(reverse("programs:order_create"), {**FORM, "date": "31.02.2023"})
    assert "Введите правильную дату." in response.content.decode()
    assert not Order.objects.exists()


def test_a_new_scan_replaces_the_old_and_other_fields_keep(client, cast, municipality_a):
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(reverse("programs:order_create"), {**FORM, "file": scan()})
    order = Order.objects.get()
    client.post(
        reverse("programs:order_edit", args=[order.pk]),
        {**FORM, "controller": "Заместитель начальника", "file": scan("new.pdf", b"%PDF new")},
    )
    order.refresh_from_db()
    assert order.controller == "Заместитель начальника" and order.signatory == "В.В. Булыгин"
    assert order.file.read() == b"%PDF new"


@pytest.mark.parametrize("username", ["school_team_a1", "curator_a1", "methodist_a", "observer_b"])
def test_roles_that_do_not_issue_orders_cannot_record_one(client, cast, username):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("programs:order_create")).status_code == 403
    assert client.post(reverse("programs:order_create"), FORM).status_code == 403
    assert not Order.objects.exists()


def test_another_municipality_does_not_see_or_edit_the_order(client, cast, municipality_a):
    order = Order.objects.create(
        region=municipality_a.region,
        municipality=municipality_a,
        issuer="УО",
        number="1",
        date=datetime.date(2023, 1, 1),
        title="О рабочей группе",
    )
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("programs:order_edit", args=[order.pk])).status_code == 404
    assert "О рабочей группе" not in client.get(reverse("programs:order_list")).content.decode()


def test_the_region_sees_and_may_correct_a_municipal_order(client, cast, municipality_a):
    order = Order.objects.create(
        region=municipality_a.region,
        municipality=municipality_a,
        issuer="УО",
        number="1",
        date=datetime.date(2023, 1, 1),
        title="О рабочей группе",
    )
    client.login(username="region_operator", password=PASSWORD)
    page = client.get(reverse("programs:order_list")).content.decode()
    assert "О рабочей группе" in page
    # The region manages its municipalities, so it may correct the record too.
    assert client.get(reverse("programs:order_edit", args=[order.pk])).status_code == 200


@pytest.mark.parametrize(
    "next_url,lands_on",
    [
        ("/identification/runs/7/", "/identification/runs/7/"),
        ("https://evil.example/", reverse("programs:order_list")),
        ("//evil.example/", reverse("programs:order_list")),
        ("javascript:alert(1)", reverse("programs:order_list")),
    ],
)
def test_an_order_added_from_a_list_to_approve_returns_there_and_only_there(
    client, cast, next_url, lands_on
):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("programs:order_create") + "?next=" + next_url, {**FORM, "file": scan()}
    )
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_an_order_downloads_as_a_prikaz_with_its_stamp_and_points(client, cast, municipality_a):
    import io

    from docx import Document

    client.login(username="coordinator_a", password=PASSWORD)
    client.post(reverse("programs:order_create"), FORM)
    order = Order.objects.get()
    order.points = ["1. Утвердить план мероприятий (Приложение)."]
    order.controller = "консультанта Мирошниченко С.В."
    order.save()
    assert order.issuer_genitive == "Управления образования Района А"  # made by pymorphy3

    response = client.get(reverse("programs:order_export", args=[order.pk, "docx"]))
    text = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert text[:4] == [
        "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ РАЙОНА А",
        "ПРИКАЗ",
        "17.02.2023 № 116",
        "Об утверждении плана мероприятий",
    ]
    assert "ПРИКАЗЫВАЮ:" in text
    assert "1. Утвердить план мероприятий (Приложение)." in text
    assert "2. Контроль за исполнением приказа возложить на консультанта Мирошниченко С.В." in text
    pdf = client.get(reverse("programs:order_export", args=[order.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")

    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("programs:order_export", args=[order.pk, "docx"])).status_code == 404
