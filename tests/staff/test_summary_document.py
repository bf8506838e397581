"""The municipality's summary of deficits and ИОМ: the registry lists it, the three formats carry
the same figures, and only those who see all the municipality's schools download it."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as WordDocument

from opora.assessments.models import Subject
from opora.reports.documents import document_list, export_document
from opora.staff.models import (
    AtRiskFigure,
    Deficit,
    Diagnostic,
    MentoringPair,
    Route,
    RouteStatus,
    Teacher,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def staff(cast, school_a1, school_a2):
    math = Subject.objects.get(code="math")
    anna = Teacher.objects.create(school=school_a1, full_name="Сидорова А.П.", position="учитель")
    young = Teacher.objects.create(
        school=school_a1, full_name="Белов С.Н.", position="учитель", is_young_specialist=True
    )
    first = Diagnostic.objects.create(
        teacher=anna, taken_on=D(2022, 10, 1), subject=math, instrument="ЕФОМ"
    )
    first.deficits.set([Deficit.objects.get(code="exam_tasks")])
    Diagnostic.objects.create(teacher=anna, taken_on=D(2023, 4, 1), subject=math, instrument="ЕФОМ")
    route = Route.objects.create(teacher=anna, year=2023, status=RouteStatus.ACTIVE)
    route.deficits.set([Deficit.objects.get(code="exam_tasks")])
    MentoringPair.objects.create(mentor=anna, mentee=young, starts_on=D(2022, 9, 1))
    AtRiskFigure.objects.create(
        school=school_a2, year=2023, period="h1", students=91, at_risk=12, with_plan=12
    )
    return anna


def test_the_registry_lists_a_summary_of_each_municipality_with_staff_data(
    staff, municipality_a, municipality_b
):
    ids = {d.id for d in document_list() if d.kind == "staff_summary"}
    assert ids == {f"staff_summary-{municipality_a.pk}"}


def test_the_three_formats_carry_the_figures(staff, municipality_a, tmp_path):
    document_id = f"staff_summary-{municipality_a.pk}"
    word = WordDocument(io.BytesIO(export_document(document_id, file_format="docx")))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Сводка по профессиональным дефицитам и ИОМ за 2022/23 учебный год" in text
    assert "устранено по повторной диагностике: 1" in text
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["СОШ с. Альфа", "1", "0", "1", "100 % (1 из 1)"] in cells  # ИОМ closed its deficit
    assert ["Белов С.Н.", "СОШ с. Альфа", "Сидорова А.П.", "01.09.2022 – по настоящее время"] in (
        cells
    )
    assert any(row[:3] == ["Гимназия г. Альфа", "2022/23", "I полугодие"] for row in cells)

    book = openpyxl.load_workbook(
        io.BytesIO(export_document(document_id, file_format="xlsx")), read_only=True
    )
    assert "Дефициты по предметам" in book.sheetnames
    rows = list(book["Дефициты по предметам"].values)
    assert rows[0] == ("Школа", "математика")
    assert rows[1] == ("СОШ с. Альфа", "0 % (0 из 1)")  # the latest diagnostic found none

    output = tmp_path / "summary.pdf"
    call_command("export_document", document_id, format="pdf", output=output)
    assert output.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("region_operator", 200),
        ("coordinator_a", 200),
        ("methodist_a", 200),
        ("school_team_a1", 404),  # sees its own school only, not the municipality's others
        ("curator_a1", 404),
        ("coordinator_b", 404),
        ("observer_b", 404),
    ],
)
def test_who_downloads_the_summary(client, staff, username, status):
    client.login(username=username, password=PASSWORD)
    url = reverse("staff:summary_export", args=["mun-a", "xlsx"])
    response = client.get(url)
    assert response.status_code == status
    page = client.get(reverse("staff:deficits")).content.decode()
    assert (url in page) == (status == 200)
