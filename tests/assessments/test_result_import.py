"""Importing results of ВПР, ОГЭ, ЕГЭ and КДР: school-level and student-level files, one pipeline.
Any error refuses the whole file with its row and column, and nothing changes."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from opora.assessments.models import Assessment, SchoolResult
from opora.assessments.services import result_import
from opora.tabular import ImportRefused

pytestmark = pytest.mark.django_db

SCHOOL_HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
SCHOOL_FILE = f"""{SCHOOL_HEADER}
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2023,OGE,rus,9,12,0,6,4,2
a2,2023,ЕГЭ,math_prof,11,20,2,8,6,4
"""
STUDENT_HEADER = (
    "school_code,year,assessment,subject,grade,student_id,primary_score,mark,journal_mark"
)
STUDENT_FILE = f"""{STUDENT_HEADER}
a1,2023,ВПР,rus,5,Иванов Иван,12,2,3
a1,2023,ВПР,rus,5,s-002,20,4,4
a1,2023,ВПР,rus,5,s-003,"25,5",5,4
a1,2023,ВПР,rus,5,s-004,14,3,
"""


def load(text, *, user=None, filename="results.csv"):
    return result_import(content=text.encode(), filename=filename, imported_by=user)


def refusal(text, **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        load(text, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_school_level_file_creates_results_with_derived_shares(school_a1, school_a2):
    summary = load(SCHOOL_FILE)
    assert (summary.file_format, summary.created) == ("school", 3)
    result = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR", year=2023)
    assert str(result.assessment) == "ВПР математика 5 кл."
    assert result.share_of_twos == pytest.approx(34.615, abs=1e-3)
    assert result.success_rate == pytest.approx(65.385, abs=1e-3)
    assert result.quality_rate == pytest.approx(26.923, abs=1e-3)
    assert result.average_mark == pytest.approx((18 + 30 + 20 + 10) / 26)


def test_student_level_file_is_aggregated_and_keeps_no_personal_data(school_a1):
    summary = load(STUDENT_FILE)
    assert (summary.file_format, summary.rows_read, summary.created) == ("student", 4, 1)
    result = SchoolResult.objects.get()
    assert (result.participants, result.mark_2, result.mark_3, result.mark_4, result.mark_5) == (
        4,
        1,
        1,
        1,
        1,
    )
    # Against the journal: 2 < 3 lowered, 4 = 4 confirmed, 5 > 4 raised; no journal: not compared.
    assert (result.journal_lowered, result.journal_confirmed, result.journal_raised) == (1, 1, 1)
    stored = [str(v) for v in SchoolResult.history.values_list()]
    assert not any("Иванов" in v for v in stored)


def test_reimport_replaces_the_result_and_history_keeps_the_old_one(school_a1, school_a2):
    load(SCHOOL_FILE)
    summary = load(
        SCHOOL_FILE.replace("a1,2023,ВПР,math,5,26,9,10,5,2", "a1,2023,ВПР,math,5,26,7,12,5,2")
    )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    result = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR")
    assert result.mark_2 == 7
    assert [h.mark_2 for h in result.history.order_by("history_date")] == [9, 7]


def test_latin_assessment_names_and_semicolons_are_accepted(school_a1):
    text = SCHOOL_FILE.replace(",", ";").replace("ВПР", "vpr").splitlines()[:2]
    assert load("\n".join(text)).created == 1
    assert Assessment.objects.get().kind == "VPR"


@pytest.mark.parametrize(
    "bad,expected",
    [
        (
            "a1,2023,ВПР,math,5,26,9,10,5,1",
            "строка 2, столбец «participants»: участников 26, а сумма отметок «2»…«5» — 25",
        ),
        (
            "zz,2023,ВПР,math,5,26,9,10,5,2",
            "строка 2, столбец «school_code»: школа с кодом «zz» не найдена",
        ),
        (
            "a1,2023,ВПР,math,5,26,-9,10,5,2",
            "строка 2, столбец «mark_2»: ожидается целое неотрицательное число, а не «-9»",
        ),
        (
            "a1,2023,ГИА,math,5,26,9,10,5,2",
            "строка 2, столбец «assessment»: неизвестная процедура «ГИА»",
        ),
        (
            "a1,2023,ВПР,algebra,5,26,9,10,5,2",
            "строка 2, столбец «subject»: неизвестный предмет «algebra»",
        ),
        (
            "a1,2022/23,ВПР,math,5,26,9,10,5,2",
            "строка 2, столбец «year»: учебный год пишется годом его окончания",
        ),
        (
            "a1,2023,ВПР,math,12,26,9,10,5,2",
            "строка 2, столбец «grade»: класс — число от 1 до 11, а не «12»",
        ),
        (
            "a1,2023,ВПР,math,5,,9,10,5,2",
            "строка 2, столбец «participants»: ожидается целое неотрицательное число",
        ),
    ],
    ids=[
        "sum",
        "unknown school",
        "negative",
        "unknown kind",
        "unknown subject",
        "year as text",
        "grade",
        "empty",
    ],
)
def test_bad_school_level_row_refuses_the_file(school_a1, school_a2, bad, expected):
    problems = refusal(SCHOOL_FILE.replace("a1,2023,ВПР,math,5,26,9,10,5,2", bad))
    assert any(p.startswith(expected) for p in problems), problems
    assert not SchoolResult.objects.exists()


def test_duplicate_row_in_one_file_is_refused(school_a1, school_a2):
    problems = refusal(SCHOOL_FILE + "a1,2023,VPR,math,5,26,9,10,5,2\n")
    assert problems == [
        "строка 5, столбец «school_code»: "
        "повторяет строку 2: та же школа, процедура, предмет, класс и год"
    ]


@pytest.mark.parametrize(
    "bad,expected",
    [
        (
            "a1,2023,ВПР,rus,5,s-9,12,6,",
            "строка 6, столбец «mark»: отметка должна быть от 2 до 5, а не «6»",
        ),
        (
            "a1,2023,ВПР,rus,5,s-9,12,1,",
            "строка 6, столбец «mark»: отметка должна быть от 2 до 5, а не «1»",
        ),
        (
            "a1,2023,ВПР,rus,5,s-9,-1,3,",
            "строка 6, столбец «primary_score»: первичный балл — неотрицательное число",
        ),
        (
            "a1,2023,ВПР,rus,5,s-9,12,3,7",
            "строка 6, столбец «journal_mark»: отметка по журналу должна быть от 2 до 5",
        ),
    ],
)
def test_bad_student_row_refuses_the_file(school_a1, bad, expected):
    problems = refusal(STUDENT_FILE + bad + "\n")
    assert any(p.startswith(expected) for p in problems), problems
    assert not SchoolResult.objects.exists()


def test_missing_column_is_named(school_a1):
    text = SCHOOL_HEADER.replace(",mark_5", "") + "\na1,2023,ВПР,math,5,26,9,10,7\n"
    assert "строка 1, столбец «mark_5»: обязательный столбец отсутствует" in refusal(text)


def test_file_of_neither_format_is_refused(school_a1):
    problems = refusal("school_code,year,score\na1,2023,5\n")
    assert problems[0].startswith("строка 1: не распознан формат")


def test_many_bad_rows_are_summarised(school_a1, school_a2):
    rows = "".join(f"zz{i},2023,ВПР,math,5,1,1,0,0,0\n" for i in range(30))
    problems = refusal(f"{SCHOOL_HEADER}\n{rows}")
    assert len(problems) == 21
    assert problems[-1] == "столбец «school_code»: та же ошибка ещё в 10 строках"


def test_coordinator_cannot_load_results_of_another_municipality(
    coordinator_a, school_a1, school_b1
):
    text = f"{SCHOOL_HEADER}\nb1,2023,ВПР,math,5,10,1,3,3,3\n"
    assert refusal(text, user=coordinator_a) == [
        "строка 2, столбец «school_code»: школа с кодом «b1» не найдена в вашей области работы"
    ]


@pytest.mark.parametrize("username", ["methodist_a", "curator_a1", "school_team_a1"])
def test_the_import_itself_refuses_roles_that_may_not_import(cast, username):
    """Whoever calls it (page, API, queued job), the service asks; the file holds only the
    user's own school, so scope alone would not stop it."""
    with pytest.raises(PermissionDenied):
        load(f"{SCHOOL_HEADER}\na1,2023,ВПР,math,5,10,1,3,3,3\n", user=cast[username])
    assert not SchoolResult.objects.exists()


def test_command_loads_several_files_and_fails_on_a_bad_one(tmp_path, school_a1, school_a2, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(SCHOOL_FILE, encoding="utf-8")
    bad.write_text(SCHOOL_FILE.replace("ВПР", "ГИА"), encoding="cp1251")
    call_command("import_results", str(good))
    assert "Результатов добавлено: 3" in capsys.readouterr().out
    with pytest.raises(CommandError) as caught:
        call_command("import_results", str(bad))
    assert "Файл bad.csv не загружен, данные не изменены." in str(caught.value)
    assert SchoolResult.objects.count() == 3


RUSSIAN_SCHOOL_HEADER = (
    "Код ОО;Наименование ОО;Учебный год;Процедура;Предмет;Класс;Участников;"
    'Отметка «2»;Отметка "3";отметка «4»;ОТМЕТКА 5'
)
RUSSIAN_SCHOOL_FILE = f"""{RUSSIAN_SCHOOL_HEADER}
a1;МОУ «СОШ с. Альфа»;2023;ВПР;Математика;5;26;9;10;5;2
a2;МОУ «Гимназия»;2023;ЕГЭ;математика (профиль);11;20;2;8;6;4
"""


def xlsx(text: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in text.splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_school_level_file_with_russian_headers_and_subject_names(school_a1, school_a2):
    assert load(RUSSIAN_SCHOOL_FILE).created == 2
    result = SchoolResult.objects.get(school=school_a2)
    assert str(result.assessment) == "ЕГЭ математика (профиль) 11 кл."
    again = result_import(content=xlsx(RUSSIAN_SCHOOL_FILE), filename="r.xlsx", imported_by=None)
    assert again.unchanged == 2


def test_student_level_file_with_russian_headers(school_a1):
    text = "\n".join(
        [
            "Код ОО;Учебный год;Процедура;Предмет;Класс;Код участника;Первичный балл;Отметка;"
            "Отметка по журналу",
            "a1;2023;ВПР;rus;5;s-1;12;2;3",
            "a1;2023;ВПР;Русский язык;5;s-2;20;4;4",
        ]
    )
    for content, name in ((text.encode(), "s.csv"), (xlsx(text), "s.xlsx")):
        summary = result_import(content=content, filename=name, imported_by=None)
        assert summary.file_format == "student"
    result = SchoolResult.objects.get()
    assert (result.participants, result.journal_lowered, result.journal_confirmed) == (2, 1, 1)


def test_russian_headers_name_their_columns_in_problems(school_a1, school_a2):
    bad = RUSSIAN_SCHOOL_FILE.replace(";26;9;", ";26;10;")
    assert refusal(bad) == [
        "строка 2, столбец «Участников»: участников 26, а сумма отметок «2»…«5» — 27"
    ]
    assert refusal(RUSSIAN_SCHOOL_FILE.replace(";Класс;", ";Параллель;")) == [
        "строка 1, столбец «Класс»: обязательный столбец отсутствует",
        "строка 1, столбец «параллель»: неизвестный столбец",
    ]


def test_school_level_file_may_give_the_comparison_with_the_journal(school_a1, school_a2):
    text = SCHOOL_FILE.replace(
        SCHOOL_HEADER, f"{SCHOOL_HEADER},journal_lowered,Подтвердили,повысили"
    )
    text = text.replace("5,26,9,10,5,2", "5,26,9,10,5,2,6,18,2").replace("4,2\n", "4,2,,,\n")
    load(text)
    result = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR")
    assert (result.journal_lowered, result.journal_confirmed, result.journal_raised) == (6, 18, 2)
    assert SchoolResult.objects.get(school=school_a1, assessment__kind="OGE").journal_raised is None
    assert refusal(text.replace("5,2,6,18,2", "5,2,6,18,3")) == [
        "строка 2, столбец «journal_lowered»: участников 26, а понизили, подтвердили и повысили — 27"
    ]
    assert refusal(text.replace("5,2,6,18,2", "5,2,6,,2")) == [
        "строка 2, столбец «journal_lowered»: понизили, подтвердили и повысили указываются все три "
        "или ни одного"
    ]


def test_a_file_of_no_known_format_names_what_is_expected(school_a1):
    problems = refusal("Школа;Баллы\na1;12\n")
    assert problems[0].startswith("строка 1: не распознан формат: нужны столбцы результатов")
    assert "отчёт ФИС ОКО «Статистика по отметкам»" in problems[0]
    assert refusal("Школа;Баллы\na1;12\n", filename="r.xlsx") != []


def test_a_file_without_journal_columns_keeps_the_stored_comparison(school_a1, school_a2):
    with_journal = SCHOOL_FILE.replace(
        SCHOOL_HEADER, f"{SCHOOL_HEADER},journal_lowered,journal_confirmed,journal_raised"
    )
    with_journal = with_journal.replace("5,26,9,10,5,2", "5,26,9,10,5,2,6,18,2")
    with_journal = with_journal.replace("4,2\n", "4,2,,,\n")
    load(with_journal)
    # Corrected marks without the journal columns: the comparison stays as it was.
    summary = load(SCHOOL_FILE.replace("5,26,9,10,5,2", "5,26,8,11,5,2"))
    assert (summary.updated, summary.unchanged) == (1, 2)
    result = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR")
    assert (result.mark_2, result.journal_lowered, result.journal_confirmed) == (8, 6, 18)
    assert result.journal_raised == 2
    # The same marks again without the journal: nothing to change.
    assert load(SCHOOL_FILE.replace("5,26,9,10,5,2", "5,26,8,11,5,2")).unchanged == 3
    # Fewer participants than the kept comparison counts: it no longer fits and is cleared.
    load(SCHOOL_FILE.replace("5,26,9,10,5,2", "5,20,3,10,5,2"))
    result.refresh_from_db()
    assert (result.participants, result.journal_lowered, result.journal_raised) == (20, None, None)


def test_empty_journal_cells_clear_the_stored_comparison(school_a1, school_a2):
    header = f"{SCHOOL_HEADER},journal_lowered,journal_confirmed,journal_raised"
    with_journal = SCHOOL_FILE.replace(SCHOOL_HEADER, header)
    load(with_journal.replace("5,26,9,10,5,2", "5,26,9,10,5,2,6,18,2").replace("4,2\n", "4,2,,,\n"))
    load(with_journal.replace("4,2\n", "4,2,,,\n").replace("5,26,9,10,5,2", "5,26,9,10,5,2,,,"))
    result = SchoolResult.objects.get(school=school_a1, assessment__kind="VPR")
    assert (result.journal_lowered, result.journal_confirmed, result.journal_raised) == (
        None,
        None,
        None,
    )


def test_rows_whose_key_does_not_parse_are_not_called_repeats(school_a1, school_a2):
    problems = refusal(SCHOOL_FILE + "a1,20x3,VPR,math,5,26,9,10,5,2\n" * 2)
    assert len(problems) == 2 and all("20x3" in p for p in problems), problems
    assert not any("повторяет" in p for p in problems)
