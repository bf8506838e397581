"""The self-assessment as a справка: `export_document --list` offers one for each demo
municipality's seed year, and the DOCX and PDF list the evidence step by step of the cycle."""

import io

import pytest
from django.core.management import call_command
from docx import Document as WordDocument

from opora.reports.documents import export_document
from opora.selfassessment.models import SelfAssessment

pytestmark = pytest.mark.django_db


def test_export_document_lists_the_self_assessment_of_each_demo_municipality(demo):
    out = io.StringIO()
    call_command("export_document", "--list", stdout=out)
    listed = out.getvalue()
    for name, year in [
        ("Пировский муниципальный округ", "2021/22"),
        ("Ивантеевский муниципальный район", "2022/23"),
    ]:
        assessment = SelfAssessment.objects.get(municipality__name=name, year=int(year[:4]) + 1)
        assert (
            f"self_assessment-{assessment.pk}\tself_assessment\tСамооценка: {name} · {year}\tdocx,pdf"
            in listed
        )


def test_the_spravka_lists_the_evidence_per_step_and_the_gaps(demo):
    assessment = SelfAssessment.objects.get(municipality__code="ivanteevka", year=2023)
    document = WordDocument(
        io.BytesIO(export_document(f"self_assessment-{assessment.pk}", file_format="docx"))
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("СПРАВКА")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[0] == "1. Цели" and headings[-1] == "9. Анализ эффективности принятых мер"
    assert "Подтверждение: Приказ от 03.03.2023 № 01-26/1298." in text
    assert "Не подтверждено. Что нужно: Отмечайте выполнение мероприятий" in text
    steps = document.tables[0]
    assert steps.rows[0].cells[1].text == "Шаг управленческого цикла" and len(steps.rows) == 11
    pdf = export_document(f"self_assessment-{assessment.pk}", file_format="pdf")
    assert pdf.startswith(b"%PDF")
