"""The seeds' notes on their sources (`notes`, `source_note` in opora/demo/data/*.json) are kept
for the staff, as docs/demo-data.md says, and never printed; invented demo content says «пример»
on its page and in its documents, the seeds' own do not."""

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from opora.demo.services import DEMO_PASSWORD
from opora.registry.models import Municipality, School
from opora.reports.documents import document_list, export_document
from opora.risks.models import RiskProfile

pytestmark = pytest.mark.django_db

IVANTEEVKA_NOTE = "Контингент района: всего 1539"
BARTENEVKA_NOTE = "уровни дают 85 при «всего – 86»"


def _text(document_id: str) -> str:
    document = WordDocument(io.BytesIO(export_document(document_id, file_format="docx")))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_municipality_notes_are_on_the_school_list_of_its_coordinator(client, demo):
    assert any(
        IVANTEEVKA_NOTE in n for n in Municipality.objects.get(code="ivanteevka").source_notes
    )

    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    page = client.get(reverse("registry:school_list")).content.decode()
    assert "Заметки об источниках" in page and IVANTEEVKA_NOTE in page

    client.login(username="observer_svobodny", password=DEMO_PASSWORD)
    other = client.get(reverse("registry:school_list"), {"municipality": "ivanteevka"})
    assert IVANTEEVKA_NOTE not in other.content.decode()
    assert "Три школы — ШНОР по этому перечню" in other.content.decode()


def test_a_schools_source_note_is_on_its_card(client, demo):
    assert BARTENEVKA_NOTE in School.objects.get(code="ivanteevka-01").source_note

    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    page = client.get(reverse("registry:school_detail", args=["ivanteevka-01"])).content.decode()
    assert "Заметка об источнике" in page and BARTENEVKA_NOTE in page


def test_no_source_note_is_printed_in_any_document(demo):
    notes = [n for m in Municipality.objects.all() for n in m.source_notes]
    notes += [s.source_note for s in School.objects.exclude(source_note="")]
    for document in document_list():
        text = _text(document.id)
        assert not [note for note in notes if note[:60] in text], document.id


def test_invented_risk_profiles_say_example_on_their_page_and_in_their_documents(client, demo):
    profile = RiskProfile.objects.get(school__code="pirovskoe-01", year=2022)
    assert profile.is_example
    assert "ПРИМЕР" in _text(f"risk_profile-{profile.pk}")

    client.login(username="coord_pirovskoe", password=DEMO_PASSWORD)
    page = client.get(reverse("risks:profile", args=["pirovskoe-01", 2022])).content.decode()
    assert "Ответы анкеты придуманы для демонстрации" in page


def test_the_staff_summary_with_invented_teachers_says_example(demo):
    pirovskoe = Municipality.objects.get(code="pirovskoe")
    assert "ПРИМЕР" in _text(f"staff_summary-{pirovskoe.pk}")
    # A protocol of seed 000 (by its listing: PostgreSQL does not restart keys between tests).
    protocol = next(d.id for d in document_list() if d.kind == "protocol")
    assert "ПРИМЕР" not in _text(protocol)
