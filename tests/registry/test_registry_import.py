"""Importing the school registry: one pipeline behind the command and the upload page.
A file with any error is refused whole, names the row and column, and changes nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.registry.models import Municipality, School
from opora.registry.services import school_registry_import
from opora.tabular import ImportRefused
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "school_code,school_name,school_type,municipality_code,municipality_name,region_name"
IVANTEEVKA = "ivanteevka,Ивантеевский муниципальный район,Саратовская область"
GOOD = f"""{HEADER},parent_code,short_name,distance_km,is_small,locality
iv-02,МОУ «СОШ п. Знаменский»,СОШ,{IVANTEEVKA},,СОШ п. Знаменский,9,нет,сельская
iv-10,филиал в с. Николаевка,филиал,{IVANTEEVKA},iv-02,филиал в с. Николаевка,,да,сельская
iv-06,МОУ «ООШ с. Клевенка»,ООШ,{IVANTEEVKA},,ООШ с. Клевенка,"40,5",да,сельская
"""


def run(text: str, *, user=None, filename="schools.csv", encoding="utf-8"):
    return school_registry_import(
        content=text.encode(encoding), filename=filename, imported_by=user
    )


def refusal(text: str, **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        run(text, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_creates_municipality_schools_and_branches():
    result = run(GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    branch = School.objects.get(code="iv-10")
    assert branch.parent.code == "iv-02"
    assert branch.is_small is True
    assert School.objects.get(code="iv-06").distance_km == pytest.approx(40.5)
    assert Municipality.objects.get(code="ivanteevka").region.name == "Саратовская область"


def test_reimport_updates_changed_schools_and_keeps_history():
    run(GOOD)
    result = run(GOOD.replace("СОШ п. Знаменский,9", "СОШ пос. Знаменский,9"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    school = School.objects.get(code="iv-02")
    assert school.short_name == "СОШ пос. Знаменский"
    assert [h.short_name for h in school.history.order_by("history_date")] == [
        "СОШ п. Знаменский",
        "СОШ пос. Знаменский",
    ]


def test_reads_semicolon_separated_windows_1251():
    result = run(GOOD.replace(",", ";").replace('"40;5"', "40,5"), encoding="cp1251")
    assert result.created == 3
    assert School.objects.get(code="iv-06").name == "МОУ «ООШ с. Клевенка»"


def test_reads_xlsx():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "iv-01",
            "МОУ «СОШ с. Бартеневка»",
            "СОШ",
            "ivanteevka",
            "Ивантеевский район",
            "Саратовская область",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = school_registry_import(content=buffer.getvalue(), filename="r.xlsx", imported_by=None)
    assert result.created == 1


@pytest.mark.parametrize(
    "text,expected",
    [
        (GOOD.replace("is_small", "is_tiny"), "строка 1, столбец «is_tiny»: неизвестный столбец"),
        (
            "school_code,school_name,municipality_code,municipality_name,region_name\n"
            f"iv-02,МОУ «СОШ п. Знаменский»,{IVANTEEVKA}\n",
            "строка 1, столбец «school_type»: обязательный столбец отсутствует",
        ),
        (GOOD.replace("iv-06,", ",", 1), "строка 4, столбец «school_code»: пустое значение"),
        (
            GOOD.replace("iv-06,", "iv-02,", 1),
            "строка 4, столбец «school_code»: код iv-02 уже встречался в строке 2",
        ),
        (
            GOOD.replace(",ООШ,", ",Школа,", 1),
            "строка 4, столбец «school_type»: неизвестный тип «Школа»",
        ),
        (
            GOOD.replace(",iv-02,филиал", ",,филиал"),
            "строка 3, столбец «parent_code»: у филиала должен быть указан код",
        ),
        (
            GOOD.replace(",iv-02,филиал", ",iv-99,филиал"),
            "строка 3, столбец «parent_code»: головная школа iv-99 не найдена",
        ),
        (
            GOOD.replace('"40,5"', "-3"),
            "строка 4, столбец «distance_km»: ожидается неотрицательное число",
        ),
        (
            GOOD.replace('"40,5"', "далеко"),
            "строка 4, столбец «distance_km»: ожидается неотрицательное число",
        ),
        (
            GOOD.replace("нет,сельская", "может,сельская"),
            "строка 2, столбец «is_small»: ожидается «да» или «нет»",
        ),
    ],
    ids=[
        "unknown column",
        "missing column",
        "empty code",
        "duplicate code",
        "wrong type",
        "branch without parent",
        "unknown parent",
        "negative distance",
        "not a number",
        "bad yes/no",
    ],
)
def test_bad_file_is_refused_whole_naming_row_and_column(text, expected):
    problems = refusal(text)
    assert any(p.startswith(expected) for p in problems), problems
    assert School.objects.count() == 0
    assert Municipality.objects.count() == 0


def test_broken_encoding_is_refused():
    problems = refusal(GOOD, encoding="utf-16")
    assert problems == ["кодировка не распознана: сохраните файл как CSV UTF-8 или Windows-1251"]


def test_not_an_xlsx_is_refused():
    assert refusal("просто текст", filename="schools.xlsx") == [
        "файл XLSX повреждён или не является XLSX"
    ]


def test_empty_file_is_refused():
    assert refusal("") == ["файл пуст"]


def test_a_refused_update_leaves_existing_schools_untouched():
    run(GOOD)
    bad = GOOD.replace("СОШ п. Знаменский,9", "Новое имя,9").replace(",ООШ,", ",Школа,", 1)
    refusal(bad)
    assert School.objects.get(code="iv-02").short_name == "СОШ п. Знаменский"


def test_coordinator_may_import_only_into_own_municipality(coordinator_a, school_a1):
    own = f"{HEADER}\na3,МОУ «СОШ с. Гамма»,СОШ,mun-a,Район А,Тестовая область\n"
    assert run(own, user=coordinator_a).created == 1
    foreign = f"{HEADER}\nb2,МОУ «СОШ с. Дельта»,СОШ,mun-b,Район Б,Тестовая область\n"
    Municipality.objects.create(region=school_a1.municipality.region, code="mun-b", name="Район Б")
    assert refusal(foreign, user=coordinator_a) == [
        "строка 2, столбец «municipality_code»: муниципалитет вне вашей области работы"
    ]


def test_region_operator_cannot_create_a_municipality_in_another_region(region_operator):
    problems = refusal(GOOD, user=region_operator)
    assert (
        "строка 2, столбец «municipality_code»: муниципалитет вне вашей области работы" in problems
    )


def test_school_code_taken_in_another_municipality_is_refused(school_b1, coordinator_a):
    text = f"{HEADER}\nb1,МОУ «СОШ»,СОШ,mun-a,Район А,Тестовая область\n"
    assert (
        "строка 2, столбец «school_code»: школа с этим кодом уже числится в другом муниципалитете"
        in refusal(text)
    )


def test_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "schools.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_schools", str(path))
    assert "Создано школ: 3" in capsys.readouterr().out


def test_command_exits_non_zero_on_a_bad_file(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(GOOD.replace(",ООШ,", ",Школа,", 1), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_schools", str(path))
    assert "Файл schools.csv не загружен, данные не изменены." in str(caught.value)
    assert "строка 4, столбец «school_type»" in str(caught.value)
    assert School.objects.count() == 0


def test_upload_page_previews_then_imports_on_confirmation(client, region_operator, coordinator_a):
    client.login(username="region_operator", password=PASSWORD)
    text = f"{HEADER}\na9,МОУ «СОШ с. Гамма»,СОШ,mun-new,Новый район,Тестовая область\n"
    upload = SimpleUploadedFile("schools.csv", text.encode())
    response = client.post(reverse("registry:registry_import"), {"file": upload})
    page = response.content.decode()
    assert "Пока ничего не записано." in page and "Будет создано школ: 1" in page
    assert "Новые муниципалитеты: Новый район" in page
    assert not School.objects.filter(code="a9").exists()  # nothing before the confirmation
    token = response.context["token"]

    client.login(username="coordinator_a", password=PASSWORD)  # another user: not theirs
    assert client.post(reverse("registry:registry_import"), {"token": token}).status_code == 404

    client.login(username="region_operator", password=PASSWORD)
    response = client.post(reverse("registry:registry_import"), {"token": token}, follow=True)
    assert "Реестр загружен. Создано школ: 1" in response.content.decode()
    assert School.objects.filter(code="a9", municipality__code="mun-new").exists()
    # A second confirmation finds nothing to load.
    assert client.post(reverse("registry:registry_import"), {"token": token}).status_code == 404
    assert School.history.filter(code="a9").count() == 1


def test_upload_page_shows_every_problem_of_a_refused_file(client, coordinator_a):
    client.login(username="coordinator_a", password=PASSWORD)
    upload = SimpleUploadedFile("bad.csv", GOOD.replace("is_small", "is_tiny").encode())
    response = client.post(reverse("registry:registry_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Файл bad.csv не загружен, данные не изменены." in page
    assert "строка 1, столбец «is_tiny»: неизвестный столбец" in page


RUSSIAN = (
    "Код ОО;Наименование ОО;Тип ОО;Код муниципалитета;Муниципалитет;Регион;Код головной ОО;"
    "краткое  НАИМЕНОВАНИЕ;Расстояние до центра, км;Малокомплектная;Местность;Логин ФИС ОКО"
)


def russian_file() -> str:
    rows = [line.replace(",,", ";;") for line in GOOD.splitlines()[1:]]
    rows = [
        "iv-02;МОУ «СОШ п. Знаменский»;СОШ;ivanteevka;Ивантеевский муниципальный район;"
        "Саратовская область;;СОШ п. Знаменский;9;нет;сельская;(SCH640102)",
        "iv-10;филиал в с. Николаевка;филиал;ivanteevka;Ивантеевский муниципальный район;"
        "Саратовская область;iv-02;филиал в с. Николаевка;;да;сельская;",
    ]
    return "\n".join([RUSSIAN, *rows]) + "\n"


def test_russian_headers_read_like_the_latin_ones_in_csv():
    result = run(russian_file())
    assert result.created == 2
    school = School.objects.get(code="iv-02")
    assert (school.short_name, school.fisoko_login, school.distance_km) == (
        "СОШ п. Знаменский",
        "sch640102",
        9,
    )
    assert School.objects.get(code="iv-10").parent == school


def test_russian_headers_read_in_xlsx():
    book = openpyxl.Workbook()
    sheet = book.active
    for line in russian_file().splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    result = school_registry_import(
        content=buffer.getvalue(), filename="реестр.xlsx", imported_by=None
    )
    assert result.created == 2


def test_a_problem_names_the_column_as_the_file_does():
    bad = russian_file().replace(";СОШ;", ";Школа;", 1)
    assert refusal(bad) == [
        "строка 2, столбец «Тип ОО»: неизвестный тип «Школа»; допустимы: СОШ, ООШ, НОШ, гимназия, "
        "лицей, филиал"
    ]
    missing = russian_file().replace("Регион;", "Область;", 1)
    assert "строка 1, столбец «Регион»: обязательный столбец отсутствует" in refusal(missing)


def test_the_same_column_in_two_languages_is_refused():
    text = GOOD.replace("is_small,locality", "is_small,Малокомплектная", 1)
    assert refusal(text) == ["строка 1, столбец «is_small / Малокомплектная»: столбец повторяется"]


def test_fisoko_login_is_kept_when_the_file_has_no_such_column():
    run(russian_file())
    run(GOOD)
    assert School.objects.get(code="iv-02").fisoko_login == "sch640102"


def test_fisoko_login_names_one_school(school_a1):
    school_a1.fisoko_login = "sch640102"
    school_a1.save()
    assert refusal(russian_file()) == [
        "строка 2, столбец «Логин ФИС ОКО»: логин sch640102 уже указан у школы a1"
    ]
    twice = (
        russian_file()
        .replace("да;сельская;", "да;сельская;sch640103")
        .replace("(SCH640102)", "sch640103")
    )
    school_a1.fisoko_login = ""
    school_a1.save()
    assert refusal(twice) == [
        "строка 3, столбец «Логин ФИС ОКО»: логин sch640103 уже встречался в строке 2"
    ]
    wrong = russian_file().replace("(SCH640102)", "школа 1")
    assert refusal(wrong) == [
        "строка 2, столбец «Логин ФИС ОКО»: логин ФИС ОКО — латинские буквы и цифры, например "
        "sch640101, а не «школа 1»"
    ]
    assert not School.objects.filter(code__startswith="iv").exists()


def test_a_file_may_swap_the_fisoko_logins_of_two_schools():
    run(russian_file().replace("да;сельская;", "да;сельская;sch640110"))
    swapped = (
        russian_file()
        .replace("(SCH640102)", "sch640110")
        .replace("да;сельская;", "да;сельская;sch640102")
    )
    result = run(swapped)
    assert result.updated == 2
    logins = dict(School.objects.filter(code__startswith="iv").values_list("code", "fisoko_login"))
    assert logins == {"iv-02": "sch640110", "iv-10": "sch640102"}
    history = School.history.filter(code="iv-02").order_by("-history_id").first()
    assert history.fisoko_login == "sch640110"
