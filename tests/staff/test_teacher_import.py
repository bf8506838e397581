"""The teachers list and diagnostics imports: one pipeline with the registry import, a broken
file refused whole with row and column, idempotent, within the importer's scope."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from opora.registry.models import ContextValue
from opora.staff.models import AgeBand, Category, Diagnostic, Teacher
from opora.staff.services import STAFF_LIST_REASON, diagnostics_import, teachers_import
from opora.tabular import ImportRefused

pytestmark = pytest.mark.django_db

HEADER = "school_code;personnel_number;full_name;position;subjects;category;age_band;workload;young_specialist"
GOOD = "\n".join(
    [
        HEADER,
        "a1;101;Сидорова Анна Петровна;учитель;математика, информатика;высшая;65+;1,5;нет",
        "a1;102;Орлов Иван Сергеевич;учитель;rus;первая;до 30;2;да",
        "a1;;Кузнецова Мария Ивановна;учитель начальных классов;начальные классы;;50–64;1;нет",
    ]
)


def load(text: str, user=None, name="teachers.csv"):
    return teachers_import(content=text.encode("utf-8"), filename=name, imported_by=user)


def test_a_list_creates_teachers_and_the_school_staffing_figures(school_a1):
    result = load(GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    anna = Teacher.objects.get(personnel_number="101")
    assert anna.category == Category.HIGHEST and anna.age_band == AgeBand.OVER_65
    assert anna.workload == Decimal("1.5")
    assert {s.code for s in anna.subjects.all()} == {"math", "inf"}
    values = {v.indicator.code: v for v in ContextValue.objects.filter(school=school_a1)}
    assert values["teachers_total"].number == 3
    assert values["teachers_65plus"].number == Decimal("33.3")
    assert values["teachers_two_rates"].number == Decimal("33.3")
    assert values["young_specialists"].number == 1
    assert values["vacancies"].number == 0
    assert values["teachers_65plus"].history.first().history_change_reason == STAFF_LIST_REASON


def test_loading_again_changes_nothing_and_a_number_finds_a_teacher_loaded_by_name(school_a1):
    load(GOOD)
    assert load(GOOD).unchanged == 3
    with_number = GOOD.replace("a1;;Кузнецова", "a1;103;Кузнецова")
    result = load(with_number)
    assert (result.created, result.updated) == (0, 1)
    assert Teacher.objects.get(full_name__startswith="Кузнецова").personnel_number == "103"


@pytest.mark.parametrize(
    ("line", "row", "column"),
    [
        ("zz;1;Иванов И.И.;учитель;;;;;", 2, "school_code"),
        ("a1;1;;учитель;;;;;", 2, "full_name"),
        ("a1;1;Иванов И.И.;учитель;алхимия;;;;", 2, "subjects"),
        ("a1;1;Иванов И.И.;учитель;;заслуженная;;;", 2, "category"),
        ("a1;1;Иванов И.И.;учитель;;;молодой;;", 2, "age_band"),
        ("a1;1;Иванов И.И.;учитель;;;;5;", 2, "workload"),
        ("a1;1;Иванов И.И.;учитель;;;;полторы;", 2, "workload"),
        ("a1;1;Иванов И.И.;учитель;;;;;может быть", 2, "young_specialist"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file_naming_row_and_column(school_a1, line, row, column):
    text = "\n".join([HEADER, "a1;7;Петров П.П.;учитель;;;;;", line])
    with pytest.raises(ImportRefused) as refused:
        load(text)
    assert (row + 1, column) in {(p.row, p.column) for p in refused.value.problems}
    assert not Teacher.objects.exists()  # the good first row was not stored either


def test_a_teacher_twice_in_a_file_is_refused(school_a1):
    text = "\n".join([HEADER, "a1;1;Иванов И.И.;учитель;;;;;", "a1;1;Иванов Иван;учитель;;;;;"])
    with pytest.raises(ImportRefused) as refused:
        load(text)
    assert "строке 2" in refused.value.problems[0].message


def test_missing_and_unknown_columns_are_refused(school_a1):
    with pytest.raises(ImportRefused) as refused:
        load("school_code;full_name;salary\na1;Иванов;100")
    problems = {(p.column, p.message) for p in refused.value.problems}
    assert ("position", "обязательный столбец отсутствует") in problems
    assert ("salary", "неизвестный столбец") in problems


def test_a_school_team_loads_only_its_own_school(school_team_a1, school_a2):
    text = "\n".join([HEADER, "a1;1;Иванов И.И.;учитель;;;;;", "a2;2;Петров П.П.;учитель;;;;;"])
    with pytest.raises(ImportRefused) as refused:
        load(text, user=school_team_a1)
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "school_code")]
    assert load(text.rsplit("\n", 1)[0], user=school_team_a1).created == 1


def test_a_methodist_may_not_load_teachers_but_may_load_diagnostics(methodist_a, school_a1):
    # Refused as the upload page refuses it, before the file is read.
    with pytest.raises(PermissionDenied):
        load("\n".join([HEADER, "a1;1;Иванов И.И.;учитель;;;;;"]), user=methodist_a)
    assert not Teacher.objects.exists()
    load("\n".join([HEADER, "a1;1;Иванов И.И.;учитель;;;;;"]))
    result = diagnostics_import(
        content="school_code,personnel_number,date,instrument\na1,1,15.10.2022,ЕФОМ".encode(),
        filename="d.csv",
        imported_by=methodist_a,
    )
    assert result.created == 1


def test_xlsx_lists_load_like_csv(school_a1):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    result = teachers_import(content=buffer.getvalue(), filename="t.xlsx", imported_by=None)
    assert result.created == 3


def test_diagnostics_import_is_idempotent_and_checks_teachers_dates_and_deficits(school_a1):
    load(GOOD)
    text = "\n".join(
        [
            "school_code;personnel_number;full_name;date;subject;instrument;kind;score;deficits",
            'a1;101;;15.10.2022;math;ЕФОМ;диагностика;48,5;"exam_tasks; Объективное оценивание достижений обучающихся"',
            "a1;;Кузнецова Мария Ивановна;2023-04-20;начальные классы;самооценка;самодиагностика;;",
        ]
    )
    first = diagnostics_import(content=text.encode(), filename="d.csv", imported_by=None)
    assert first.created == 2
    again = diagnostics_import(content=text.encode(), filename="d.csv", imported_by=None)
    assert again.unchanged == 2
    found = Diagnostic.objects.get(teacher__personnel_number="101")
    assert found.score == Decimal("48.5")
    assert {d.code for d in found.deficits.all()} == {"exam_tasks", "objective_assessment"}

    broken = "\n".join(
        [
            "school_code;personnel_number;date;instrument;deficits;score",
            "a1;999;15.10.2022;ЕФОМ;;",
            "a1;101;31.02.2022;ЕФОМ;;",
            "a1;101;15.10.2022;ЕФОМ;телепатия;",
            "a1;101;16.10.2022;ЕФОМ;;120",
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        diagnostics_import(content=broken.encode(), filename="d.csv", imported_by=None)
    assert {(p.row, p.column) for p in refused.value.problems} == {
        (2, "personnel_number"),
        (3, "date"),
        (4, "deficits"),
        (5, "score"),
    }
    assert Diagnostic.objects.count() == 2


def test_the_command_loads_a_file_and_refuses_a_broken_one(school_a1, tmp_path):
    good = tmp_path / "teachers.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_teachers", str(good), stdout=out)
    assert "Создано педагогов: 3" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\na1;1;;учитель;;;;;", encoding="utf-8")
    with pytest.raises(CommandError, match="строка 2, столбец «full_name»"):
        call_command("import_teachers", str(bad))


def test_a_dry_run_counts_what_loading_would_do_and_writes_nothing(school_a1, tmp_path):
    preview = teachers_import(
        content=GOOD.encode("utf-8"), filename="t.csv", imported_by=None, dry_run=True
    )
    assert (preview.created, preview.updated) == (3, 0)
    assert "Будет создано педагогов: 3" in preview.describe("педагогов")
    assert not Teacher.objects.exists() and not ContextValue.objects.exists()
    good = tmp_path / "teachers.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_teachers", str(good), "--dry-run", stdout=out)
    assert "Будет создано педагогов: 3" in out.getvalue() and "Ничего не записано" in out.getvalue()
    assert not Teacher.objects.exists()


def test_the_upload_page_previews_then_loads_on_confirmation(client, cast, school_a1):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import PASSWORD

    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("staff:teachers_import")
    preview = client.post(url, {"file": SimpleUploadedFile("t.csv", GOOD.encode())})
    assert "Будет создано педагогов: 3" in preview.content.decode()
    assert not Teacher.objects.exists()
    response = client.post(url, {"token": preview.context["token"]}, follow=True)
    assert "Файл t.csv загружен. Создано педагогов: 3" in response.content.decode()
    assert Teacher.objects.count() == 3
    assert client.post(url, {"token": preview.context["token"]}).status_code == 404


RUSSIAN_HEADER = (
    "Код ОО;Табельный номер;ФИО;Должность;Предметы;Категория;Возраст;Нагрузка, ставок;"
    "МОЛОДОЙ  специалист"
)


def test_a_list_with_russian_headers_loads_from_csv_and_xlsx(school_a1):
    russian = GOOD.replace(HEADER, RUSSIAN_HEADER)
    assert load(russian).created == 3
    book = openpyxl.Workbook()
    sheet = book.active
    for line in russian.splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    again = teachers_import(content=buffer.getvalue(), filename="t.xlsx", imported_by=None)
    assert again.unchanged == 3
    with pytest.raises(ImportRefused) as refused:
        load(russian.replace(";высшая;", ";главная;"))
    assert str(refused.value.problems[0]).startswith("строка 2, столбец «Категория»:")


def test_diagnostics_with_russian_headers_load(school_a1):
    load(GOOD)
    text = "\n".join(
        [
            "Код ОО;Табельный номер;Дата;Предмет;Инструмент;Результат, %;Дефициты",
            "a1;101;15.10.2022;Математика;ЕФОМ;48,5;exam_tasks",
        ]
    )
    assert diagnostics_import(content=text.encode(), filename="d.csv", imported_by=None).created
    assert Diagnostic.objects.get().subject.code == "math"
