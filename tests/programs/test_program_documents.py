"""A program's DOCX and PDF keep the table of the seed document it came from (Program.table_model):
the seven columns of 004, the section rows of 002, 003's risk factors with each task and planned
result printed once, 001's expected results as a table. Official text only: the analyst's notes
stay on the program's pages, and invented demo programs say «пример»."""

import io
import subprocess

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from opora.demo.services import DEMO_PASSWORD
from opora.programs.models import Program, TableModel
from opora.reports.documents import export_document
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SVOBODNY_COLUMNS = [
    "№ п/п",
    "Мероприятие",
    "Задача",
    "Адресность мероприятия",
    "Период (срок реализации)",
    "Ответственные",
    "Ожидаемые результаты",
]


def _program(municipality: str, kind: str | None = None) -> Program:
    programs = Program.objects.filter(municipality__code=municipality, school=None)
    return programs.get(kind=kind) if kind else programs.get()


def _docx(program: Program) -> WordDocument:
    return WordDocument(io.BytesIO(export_document(f"program-{program.pk}", file_format="docx")))


def _rows(table) -> list[list[str]]:
    """A table's rows as text; a merged row gives its text once."""
    rows = []
    for row in table.rows:
        cells = [cell.text for cell in row.cells]
        rows.append(cells[:1] if len(set(cells)) == 1 else cells)
    return rows


def _roadmap(program: Program) -> list[list[str]]:
    return _rows(_docx(program).tables[-1])


def _all_text(document: WordDocument) -> str:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def _pdf_text(content: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def _pdf_pages(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    line = next(x for x in info.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def test_svobodny_roadmap_has_the_seeds_seven_columns_and_its_own_addressees(demo):
    rows = _roadmap(_program("svobodny"))

    assert rows[0] == SVOBODNY_COLUMNS
    items = {row[0]: row for row in rows[1:]}
    assert len(items) == 14
    assert items["1"][3] == "Муниципальный координатор, администрации ОО"
    assert (
        items["4"][2]
        == "Формирование в муниципальной системе образования новых управленческих практик"
    )
    assert items["4"][3] == "Муниципальный координатор"
    assert items["2"][3].startswith("Администрации МОАУ СОШ №6 г. Свободного")
    assert not any(row[3] == "ШНОР" or row[3].startswith("ШНОР") for row in rows[1:])


def test_terbuny_plan_keeps_its_section_rows_in_its_four_columns(demo):
    rows = _roadmap(_program("terbuny"))

    assert rows[0] == ["№", "Мероприятие", "Сроки", "Ответственный"]
    sections = [row[0] for row in rows[1:] if len(row) == 1]
    assert len(sections) == 8
    assert sections[0] == "1. Информационное, аналитическое обеспечение реализации программы"
    assert all(len(row) in (1, 4) for row in rows)
    assert [
        "1.1",
        "Информирование общественности о ходе реализации программы через СМИ, сайты "
        "отдела образования и образовательных организаций",
        "В течение года",
        "Отдел образования, образовательные организации",
    ] in rows


def test_pirovskoe_roadmap_prints_each_risk_factor_task_and_planned_result_once(demo):
    program = _program("pirovskoe")
    rows = _roadmap(program)

    assert rows[0] == [
        "Задачи",
        "Планируемые результаты",
        "Меры, мероприятия",
        "Сроки реализации",
        "Показатели реализации",
        "Ответственные",
    ]
    factors = [row[0] for row in rows if len(row) == 1]
    assert len(factors) == 3 and factors[0].startswith("Фактор риска: Несформированности")
    cells = [cell for row in rows for cell in row]
    assert cells.count("В ОУ округа разработаны и утверждены ШППКО на 2022-2024 гг") == 1
    assert cells.count("1.1 Организовать сопровождение разработки ШППКО") == 1


def test_pirovskoe_program_pdf_is_a_readable_length(demo):
    """53 pages before, with 1–2 roadmap rows a page; 14 in the seed's layout (11 pt tables,
    measured on 07.12.2026), so 20 leaves room for a longer passport, not for repeated cells."""
    content = export_document(f"program-{_program('pirovskoe').pk}", file_format="pdf")

    assert _pdf_pages(content) < 20


def test_pirovskoe_resources_name_each_provider_once(demo):
    document = _docx(_program("pirovskoe"))

    assert "Отдел образования Отдел образования" not in _all_text(document)
    resources = next(t for t in document.tables if t.rows[0].cells[1].text == "Название ресурса")
    rows = _rows(resources)
    assert rows[0][2] == "Организации, которые могут предоставить ресурс"
    assert ["Кадровые"] in rows
    assert (
        rows[-2][2]
        == "Отдел образования; окружное методическое объединение учителей технологии (ОМО)"
    )


def test_tyumen_expected_results_are_the_seeds_table_of_ten_rows(demo):
    document = _docx(_program("tyumen"))

    table = next(t for t in document.tables if t.rows[0].cells[0].text == "№ п/п")
    rows = _rows(table)
    assert rows[0] == ["№ п/п", "Основные направления деятельности", "Ожидаемые результаты"]
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 11)]
    assert rows[1][2].startswith("Разработана муниципальная модель поддержки ШНОР")
    stages = [row[0] for row in _roadmap(_program("tyumen")) if len(row) == 1]
    assert stages == [
        "1. Организационно-диагностический этап",
        "2. Развитие кадрового потенциала",
        "3. Мониторинг",
        "4. Информационное сопровождение",
    ]


def test_analyst_notes_and_statuses_stay_out_of_documents_and_on_the_program_page(client, demo):
    program = _program("terbuny")
    note = "40% от трёх ШНОР не даёт целого числа школ"
    assert program.indicators.filter(note__contains=note).exists()

    docx = _all_text(_docx(program))
    pdf = _pdf_text(export_document(f"program-{program.pk}", file_format="pdf"))
    for text in (docx, pdf):
        assert note not in text and "Не уточнено" not in text
        assert "Примечание" not in text and "запланировано" not in text and "Статус" not in text

    client.login(username="coord_terbuny", password=DEMO_PASSWORD)
    page = client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()
    assert f"Примечание: Индикатор достижения цели (в документе без номера). {note}" in page


def test_invented_programs_say_example_in_their_documents_and_the_seeds_do_not(client, demo):
    invented = Program.objects.filter(school__code="pirovskoe-01", kind="antirisk").first()
    assert invented.is_example
    assert "ПРИМЕР" in _all_text(_docx(invented))
    assert "ПРИМЕР" in _pdf_text(export_document(f"program-{invented.pk}", file_format="pdf"))

    for seed in Program.objects.filter(school=None):
        assert not seed.is_example
        assert "ПРИМЕР" not in _all_text(_docx(seed))

    client.login(username="coord_pirovskoe", password=DEMO_PASSWORD)
    page = client.get(reverse("programs:program_detail", args=[invented.pk])).content.decode()
    assert "Программа придумана для демонстрации" in page


@pytest.mark.parametrize(
    "municipality,kind,model",
    [
        ("tyumen", "model", TableModel.STAGES),
        ("terbuny", "measure21", TableModel.SECTIONS),
        ("pirovskoe", "mppko", TableModel.RISK_FACTORS),
        ("svobodny", "roadmap", TableModel.TASKS),
    ],
)
def test_the_demo_gives_each_seed_program_its_table_model(demo, municipality, kind, model):
    assert _program(municipality, kind).table_model == model


@pytest.mark.parametrize(
    "template,model",
    [
        ("svobodny", TableModel.TASKS),
        ("terbuny", TableModel.SECTIONS),
        ("pirovskoe", TableModel.RISK_FACTORS),
        ("", TableModel.GENERIC),
    ],
)
def test_a_program_from_a_template_has_the_templates_table(
    client, cast, municipality_a, template, model
):
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(
        reverse("programs:program_create"),
        {
            "template": template,
            "kind": "roadmap",
            "name": "Дорожная карта на 2026 год",
            "start_year": "2026",
            "end_year": "2026",
            "municipality": municipality_a.pk,
        },
    )

    program = Program.objects.get()
    assert program.table_model == model
    header = _roadmap(program)[0] if program.activities.exists() else None
    if template == "svobodny":
        assert header == SVOBODNY_COLUMNS
        # The seed's schools named in words are not the new program's addressees.
        assert not program.activities.filter(addressees__contains="Свободного").exists()
