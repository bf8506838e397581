"""The annual report as seed 000 issues it (Приложение 1 to protocol № 1 of 03.07.2023): the
issuer, the appendix stamp, the chapters, captions printed as text beside their charts, the
signature and the date; no system text (rule versions, method notes, statuses counted on
today's date, the editor's prompts); and each school's verdict the same in every section."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from opora.demo.services import DEMO_PASSWORD
from opora.monitoring.models import AnnualReport
from opora.monitoring.report import build
from opora.monitoring.report_data import report_data
from opora.reports.documents import export_document

pytestmark = pytest.mark.django_db

SYSTEM_TEXT = [
    "версия",
    "docs/",
    "руководстве по методикам",
    "запланировано",
    "просрочено",
    "(текст координатора)",
    "Примечание",
    "Состояние",
]


@pytest.fixture
def report(demo):
    return AnnualReport.objects.get(municipality__code="ivanteevka", year=2023)


def _docx_text(report) -> str:
    document = WordDocument(
        io.BytesIO(export_document(f"annual_report-{report.pk}", file_format="docx"))
    )
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(dict.fromkeys(cell.text for cell in row.cells)))
    return "\n".join(parts)


def _pdf_text(report) -> str:
    content = export_document(f"annual_report-{report.pk}", file_format="pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_the_report_has_the_requisites_of_an_appendix_to_the_protocol(report):
    text = _docx_text(report)
    lines = [line for line in text.splitlines() if line.strip()]

    assert lines[0].startswith("Управление образованием администрации Ивантеевского")
    assert lines[1:4] == [
        "Приложение 1",
        "к протоколу заседания рабочей группы",
        "от 03.07.2023 № 1",
    ]
    assert "Муниципальный координатор" in text and "О.В. Астраханцева" in text
    assert "Муниципальный координатор | ____________ | О.В. Астраханцева" in lines
    document = WordDocument(
        io.BytesIO(export_document(f"annual_report-{report.pk}", file_format="docx"))
    )
    assert [p.text for p in document.paragraphs if p.text.strip()][-1] == "03.07.2023"
    chapters = re.findall(r"^(\d+)\. ", text, re.M)
    assert chapters[:3] == ["1", "2", "3"]


def test_no_system_text_in_the_report_files(report):
    for text in (_docx_text(report), _pdf_text(report)):
        assert [word for word in SYSTEM_TEXT if word in text] == []
        assert not re.search(r"\b1 школ\b|\b[5-9] школы\b", text)


def test_chart_titles_are_captions_printed_as_text(report):
    text = _docx_text(report)

    assert "Качество знаний, %: ВПР математика 5 кл." in text


def test_invented_risk_profiles_are_marked_as_an_example_in_the_report(report):
    text = _docx_text(report)

    assert "ПРИМЕР: ответы анкеты рисковых профилей придуманы для демонстрации Опоры" in text
    assert "(СОШ с. Бартеневка)" in text


def test_a_schools_verdict_reads_the_same_in_every_section_and_on_the_measure_page(client, report):
    data = report_data(municipality=report.municipality, year=2023, report=report)
    blocks = build(data)
    tables = {b.title: b for b in blocks if b.kind == "table"}
    fair = {row[0]: row[2] for row in tables["Изменения относительно похожих школ"].rows}
    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    for number, row in enumerate(data.measures, start=1):
        table = next(t for title, t in tables.items() if title.startswith(f"Мера {number}:"))
        page = client.get(reverse("monitoring:measure_detail", args=[row.measure.pk]))
        for school, verdict, _ in table.rows:
            assert f"мера {number}: {verdict}" in fair[school]
            assert verdict in page.content.decode()
    diagnostics = next(t for title, t in tables.items() if title.startswith("Мера 2:"))
    assert diagnostics.title.startswith("Мера 2: выводы по школам (критерий:")


def test_the_coordinator_sets_the_protocol_and_the_signature_and_bad_input_changes_nothing(
    client, report
):
    url = reverse("monitoring:report_page", args=["ivanteevka", 2023])
    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    meeting = report.meeting
    page = client.get(url).content.decode()
    assert f'<option value="{meeting.pk}" selected>' in page

    response = client.post(
        url,
        {"requisites": "1", "meeting": "", "appendix_number": "x", "signer_name": "И.И. Иванов"},
        follow=True,
    )
    assert "Номер приложения — целое число от 1 до 99, а не «x»." in response.content.decode()
    report.refresh_from_db()
    assert report.meeting == meeting and report.signer_name == "О.В. Астраханцева"

    client.post(
        url,
        {
            "requisites": "1",
            "meeting": "",
            "appendix_number": "2",
            "signer_position": "Начальник управления образованием",
            "signer_name": "И.И. Иванов",
        },
    )
    report.refresh_from_db()
    assert report.meeting is None and report.appendix_number == 2
    text = _docx_text(report)
    assert "к протоколу заседания рабочей группы" not in text
    assert "Начальник управления образованием" in text

    client.login(username="observer_svobodny", password=DEMO_PASSWORD)
    assert client.post(url, {"requisites": "1", "appendix_number": "3"}).status_code in (403, 404)
