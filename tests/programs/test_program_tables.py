"""A program's XLSX (indicators and roadmap) loaded back: each row keeps its identity (the school
of a per-school indicator included), an unchanged file changes nothing, and a bad cell is refused
with its row and column before anything is written."""

import copy
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.monitoring.models import MonitoringCampaign, Submission, SubmissionValue
from opora.programs.models import Activity, Indicator, IndicatorTarget, IndicatorValue
from opora.programs.services import orders_save, program_create_from_document
from tests.conftest import PASSWORD
from tests.programs.test_programs import DOCUMENT, ORDERS

pytestmark = pytest.mark.django_db


def school_indicator(number, school, actual):
    return {
        "number": number,
        "name": "Доля обучающихся, нуждающихся в адресной поддержке",
        "section": "Трек 3",
        "unit": "percent",
        "scope": "school",
        "school": school,
        "baseline": {"year": 2022, "value": "15"},
        "targets": {"2023": "9", "2024": "7"},
        "actuals": {"2023-01": actual},
        "direction": "down",
        "note": "",
    }


@pytest.fixture
def program(cast, municipality_a, school_a1, school_a2):
    """Like the demo's programs: per-school indicators sharing a number, one «каждая школа»
    with each school's values, a note a spreadsheet would take for a formula, schools and
    words among a roadmap's addressees, and a school's report citing an indicator."""
    document = copy.deepcopy(DOCUMENT)
    document["indicators"][0]["note"] = "- по данным мониторинга"
    document["indicators"][1:] = [
        school_indicator("3.2", "a1", "13"),
        school_indicator("3.2", "a2", "10"),
        {
            **school_indicator("4", None, ""),
            "scope": "each_school",
            "name": "Доля учителей, прошедших диагностику",
        },
    ]
    orders = orders_save(municipality=municipality_a, orders=ORDERS, user=None)
    program = program_create_from_document(
        municipality=municipality_a, data=document, orders=orders, user=None
    )
    each_school = program.indicators.get(number="4")
    for school, value in ((school_a1, "50"), (school_a2, "80")):
        IndicatorValue.objects.create(
            indicator=each_school, school=school, measured_on=datetime.date(2023, 1, 1), value=value
        )
    mixed = program.activities.get(number="3")
    mixed.addressees = "ШНОР, ШНСУ"
    mixed.save()
    mixed.schools.add(school_a1)
    campaign = MonitoringCampaign.objects.create(
        municipality=municipality_a,
        title="Целевые показатели на январь 2023 г.",
        kind="indicators",
        year=2023,
        measured_on=datetime.date(2023, 1, 1),
        opens_on=datetime.date(2023, 1, 9),
        deadline=datetime.date(2023, 1, 31),
    )
    submission = Submission.objects.create(campaign=campaign, school=school_a1)
    SubmissionValue.objects.create(
        submission=submission, indicator=program.indicators.get(school=school_a1), value="13"
    )
    return program


def everything(program) -> dict:
    indicators = Indicator.objects.filter(program=program)
    return {
        "indicators": sorted(
            indicators.values_list(
                "pk", "number", "scope", "school__code", "name", "section", "unit", "baseline",
                "baseline_year", "note", "position", "task_id",
            )
        ),
        "targets": sorted(
            IndicatorTarget.objects.filter(indicator__in=indicators).values_list(
                "pk", "indicator_id", "year", "value"
            )
        ),
        "values": sorted(
            IndicatorValue.objects.filter(indicator__in=indicators).values_list(
                "pk", "indicator_id", "school__code", "measured_on", "value"
            )
        ),
        "activities": sorted(
            (a.pk, a.number, a.text, a.period, a.starts_on, a.ends_on, a.addressees, a.status,
             a.position, a.task_id, sorted(s.code for s in a.schools.all()))
            for a in Activity.objects.filter(program=program)
        ),
        "history": (
            Activity.history.filter(program=program).count(),
            IndicatorValue.history.filter(indicator__program=program).count(),
        ),
        "submission values": sorted(SubmissionValue.objects.values_list("pk", "indicator_id")),
    }  # fmt: skip


def exported(client, program) -> bytes:
    client.login(username="coordinator_a", password=PASSWORD)
    return client.get(reverse("programs:program_export", args=[program.pk, "xlsx"])).content


def upload(client, program, content: bytes) -> str:
    """Upload, see the preview, press «Загрузить»: the page the user lands on."""
    url = reverse("programs:program_import", args=[program.pk])
    response = client.post(url, {"file": SimpleUploadedFile("program.xlsx", content)}, follow=True)
    assert response.status_code == 200
    if "token" in response.context:  # the preview: nothing written yet
        assert "Пока ничего не записано." in response.content.decode()
        response = client.post(url, {"token": response.context["token"]}, follow=True)
        assert response.status_code == 200
    return response.content.decode()


def edited(content: bytes, sheet: str, cells: dict[str, object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        book[sheet][ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_xlsx_names_the_school_of_each_per_school_indicator(client, program):
    book = openpyxl.load_workbook(io.BytesIO(exported(client, program)))
    rows = list(book["Целевые показатели"].values)
    assert rows[0][-1] == "Код школы"
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        ("1", None),
        ("3.2", "a1"),
        ("3.2", "a2"),
        ("4", None),
    ]
    roadmap = list(book["Дорожная карта"].values)
    assert (roadmap[0][5], roadmap[0][-1]) == ("Адресаты", "Коды школ")
    assert [(row[5], row[-1]) for row in roadmap[1:]] == [
        (None, "a1"),
        ("ШНОР", None),
        ("ШНОР, ШНСУ", "a1, a2"),
    ]


def test_an_unchanged_file_loaded_back_changes_nothing(client, program):
    content = exported(client, program)
    before = everything(program)
    page = upload(client, program, content)
    assert "Загружено показателей: 4, мероприятий: 3." in page
    assert everything(program) == before
    assert _cells(exported(client, program)) == _cells(content)


def test_ties_of_position_and_dates_by_the_school_year_survive_an_unchanged_file(client, program):
    """The demo has both: an indicator added at position 0 next to another, and school
    programs whose «май» is dated in the school year's second calendar year."""
    program.indicators.filter(number="4").update(position=0)
    program.activities.filter(number="3").update(
        starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2025, 5, 31)
    )
    content = exported(client, program)
    before = everything(program)
    upload(client, program, content)
    assert everything(program) == before


def _cells(content: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {name: list(book[name].values) for name in book.sheetnames}


def test_an_edited_file_is_previewed_first_and_changes_nothing_until_confirmed(client, program):
    content = edited(exported(client, program), "Целевые показатели", {"C3": "Новое название"})
    before = everything(program)
    url = reverse("programs:program_import", args=[program.pk])
    preview = client.post(url, {"file": SimpleUploadedFile("program.xlsx", content)})
    assert "Будет загружено показателей: 4, мероприятий: 3" in preview.content.decode()
    assert everything(program) == before
    client.post(url, {"token": preview.context["token"]})
    assert program.indicators.get(school__code="a1").name == "Новое название"


def test_edited_rows_keep_their_identity_and_values(client, program):
    content = edited(
        exported(client, program), "Целевые показатели", {"C3": "Новое название", "G4": "2023: 8"}
    )
    upload(client, program, content)
    a1, a2 = program.indicators.get(school__code="a1"), program.indicators.get(school__code="a2")
    assert (a1.name, a1.values.get().value) == ("Новое название", "13")
    assert ({t.year: t.value for t in a2.targets.all()}, a2.values.get().value) == (
        {2023: "8"},
        "10",
    )


def test_a_new_row_with_a_school_code_is_that_schools_indicator(client, program, branch_a1):
    content = edited(
        exported(client, program),
        "Целевые показатели",
        {"A6": "3.2", "C6": "Доля", "D6": "%", "I6": "a1-f"},
    )
    upload(client, program, content)
    added = program.indicators.get(school__code="a1-f")
    assert (added.number, added.scope) == ("3.2", "school")


@pytest.mark.parametrize(
    ("sheet", "cells", "problem"),
    [
        (
            "Целевые показатели",
            {"I4": "a1"},
            "строка 4, столбец «№»: повторяет строку 3: тот же номер «3.2» и школа «a1»",
        ),
        (
            "Целевые показатели",
            {"A2": "1" * 21},
            "строка 2, столбец «№»: не длиннее 20 знаков",
        ),
        (
            "Целевые показатели",
            {"F3": 70000},
            "строка 3, столбец «Год базового»: ожидается год (четыре цифры), а не «70000»",
        ),
        (
            "Целевые показатели",
            {"F3": "²"},
            "строка 3, столбец «Год базового»: ожидается год (четыре цифры), а не «²»",
        ),
        (
            "Целевые показатели",
            {"G2": "²: 100"},
            "строка 2, столбец «Цели по годам»: ожидается «год: значение», а не «²: 100»",
        ),
        (
            "Целевые показатели",
            {"G2": "70000: 100"},
            "строка 2, столбец «Цели по годам»: ожидается «год: значение», а не «70000: 100»",
        ),
        (
            "Целевые показатели",
            {"G2": "2023: 100; 2023: 90"},
            "строка 2, столбец «Цели по годам»: год 2023 указан дважды",
        ),
        (
            "Целевые показатели",
            {"I2": "b1"},
            "строка 2, столбец «Код школы»: школы с кодом «b1» нет в муниципалитете программы",
        ),
        (
            "Дорожная карта",
            {"J2": "a1, zz"},
            "строка 2, столбец «Коды школ»: школы с кодом «zz» нет в муниципалитете программы",
        ),
        (
            "Дорожная карта",
            {"A2": "1" * 21},
            "строка 2, столбец «№»: не длиннее 20 знаков",
        ),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column_and_changes_nothing(
    client, program, school_b1, sheet, cells, problem
):
    content = edited(exported(client, program), sheet, cells)
    before = everything(program)
    page = upload(client, program, content)
    assert f"лист «{sheet}» не загружен, данные не изменены." in page
    assert problem in page
    assert everything(program) == before


def test_dropping_an_indicator_that_a_schools_report_cites_is_refused(client, program):
    book = openpyxl.load_workbook(io.BytesIO(exported(client, program)))
    book["Целевые показатели"].delete_rows(3)  # 3.2 of a1, cited by the school's report
    buffer = io.BytesIO()
    book.save(buffer)
    before = everything(program)
    page = upload(client, program, buffer.getvalue())
    assert (
        "показатель 3.2 (школа a1) нельзя удалить: его значения есть в отчётах школ "
        "(мониторинг); верните строку в файл" in page
    )
    assert everything(program) == before
