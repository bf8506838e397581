"""A methodist finds where the deficits are, opens a teacher's ИОМ and records a review; a school
team loads its teacher list, is told the row and column of its one mistake, fixes it and loads."""

import datetime
import importlib

import pytest
from django.apps import apps

from opora.assessments.models import Subject
from opora.staff.models import Deficit, Diagnostic, Route, RouteStatus, Teacher
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_reference(reference_data):
    """The deficits are reference data of a migration; an earlier story's flush removed them."""
    importlib.import_module("opora.staff.migrations.0002_deficits").load(apps, None)


@pytest.fixture
def route(cast, school_a1, staff_reference):
    math = Subject.objects.get(code="math")
    anna = Teacher.objects.create(
        school=school_a1, full_name="Сидорова А.П.", position="учитель математики"
    )
    anna.subjects.add(math)
    diagnostic = Diagnostic.objects.create(
        teacher=anna, taken_on=datetime.date(2022, 10, 1), subject=math, instrument="ЕФОМ"
    )
    diagnostic.deficits.set([Deficit.objects.get(code="exam_tasks")])
    route = Route.objects.create(teacher=anna, year=2023, status=RouteStatus.ACTIVE)
    route.deficits.set([Deficit.objects.get(code="exam_tasks")])
    return route


def test_the_methodist_sees_the_deficits_and_reviews_an_iom(browser, live_server, route):
    page = login(browser, live_server, "methodist_a")
    assert "ждут вашего рассмотрения: 1" in page.inner_text("#routes-to-review")
    assert "Сидорова А.П." in page.inner_text("main")
    page.click("nav.main-nav >> text=Педагоги")
    page.click("#staff-nav >> text=Дефициты")
    assert "Профессиональные дефициты за 2022/23" in page.inner_text("h1")
    matrix = page.inner_text("#deficit-matrix")
    assert "СОШ с. Альфа" in matrix and "100" in matrix and "(1 из 1)" in matrix
    assert "Методика подготовки" in page.inner_text("#deficit-kinds")
    page.click("text=«ИОМ и устранение дефицитов»")
    page.click("#closure >> text=Сидорова А.П.")
    assert "ИОМ педагога на 2022/23" in page.inner_text("h1")
    assert "не подтверждено повторной диагностикой" in page.inner_text("#route-closure")

    page.select_option("#id_review-verdict", label="на доработку")
    page.fill("#id_review-comment", "Добавьте стажировку на базе школы-лидера.")
    page.click("#review-form >> text=Решение методиста")
    assert "Решение по ИОМ записано" in page.inner_text("main")
    reviews = page.inner_text("#route-reviews")
    assert "методист: methodist_a" in reviews and "на доработку" in reviews
    assert "Добавьте стажировку" in reviews
    page.goto("/")
    assert page.locator("#routes-to-review").count() == 0


def test_the_school_fixes_its_teacher_list_and_loads_it(
    browser, live_server, cast, staff_reference, tmp_path
):
    page = login(browser, live_server, "school_team_a1")
    page.click("nav.main-nav >> text=Педагоги")
    page.click("text=Загрузить список педагогов")
    header = "school_code;full_name;position;subjects;category;age_band;workload;young_specialist\n"
    wrong = (
        header
        + "a1;Новикова Е.А.;учитель математики;math;первая;30–49;1,5;нет\n"
        + "a1;Белов С.Н.;учитель физики;phys;;до 30;полторы;да\n"
    )
    upload = tmp_path / "педагоги.csv"
    upload.write_text(wrong, encoding="utf-8")
    page.set_input_files("#id_file", str(upload))
    page.click("main button[type=submit]")  # the refusal replaces the page, no navigation
    errors = page.inner_text("#import-errors")
    assert "не загружен, данные не изменены" in errors
    assert "строка 3" in errors and "workload" in errors and "«полторы»" in errors
    assert not Teacher.objects.exists()

    upload.write_text(wrong.replace(";полторы;", ";1;"), encoding="utf-8")
    page.set_input_files("#id_file", str(upload))
    page.click("main button[type=submit]")
    assert "Будет создано педагогов: 2" in page.inner_text("#import-preview")
    assert not Teacher.objects.exists()  # nothing written before «Загрузить»
    page.click("#import-preview >> text=Загрузить")
    page.wait_for_url("**/staff/")
    assert "Создано педагогов: 2" in page.inner_text("main")
    assert page.locator("input.table-filter").count() == 1  # the page's scripts ran
    page.click("#staff-overview >> text=СОШ с. Альфа")
    teachers = page.inner_text("main")
    assert "Новикова Е.А." in teachers and "Белов С.Н." in teachers
