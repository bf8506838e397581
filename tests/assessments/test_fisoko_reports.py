"""Reports of ФИС ОКО load as a coordinator downloads them: «Статистика по отметкам» and
«Сравнение отметок с отметками по журналу», XLSX files whose header is found by its labels below
a few title lines. Schools are told by their ФИС ОКО login; the rows of «Вся выборка», the region
and the municipality are kept for comparison; schools out of the registry or of the user's scope
are skipped and named in the report of the import."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.assessments.models import ReferenceResult, SchoolResult
from opora.assessments.services import result_import
from opora.tabular import ImportRefused
from tests.api.test_api import bearer

pytestmark = pytest.mark.django_db

TITLE = "Всероссийские проверочные работы 2023 (5 класс)"
# participants, then the shares of «2», «3», «4», «5» as ФИС ОКО writes them: text, decimal comma
MARK_ROWS = [
    ("Вся выборка", "40112", "1326789", ["9,73", "38,86", "36,5", "14,91"]),
    ("Саратовская обл.", "1", "24781", ["10,14", "40,01", "35,8", "14,05"]),
    ("Район А", "3", "50", ["20", "40", "30", "10"]),
    ("(sch640101) МОУ «СОШ с. Первое»", "1", "26", ["34,62", "38,46", "19,23", "7,69"]),
    ("(sch640102) МОУ «СОШ № 2 с. Второе»", "1", "12", ["0", "50", "33,33", "16,67"]),
    ("(sch640199) МОУ «ООШ с. Чужое»", "1", "12", ["25", "25", "25", "25"]),
]


def marks_report(
    rows=MARK_ROWS, *, title=TITLE, subject="Математика", name="Статистика по отметкам"
):
    """A workbook laid out as ФИС ОКО gives it: title lines, a two-row header with the merged
    «Распределение групп баллов в %», then a row per group of participants."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (title, "Дата: 18.04.2023", f"Предмет: {subject}", name):
        sheet.append([line])
    sheet.append(["Максимальный первичный балл: 20"])
    sheet.append([])
    sheet.append(
        ["Группы участников", "Кол-во ОО", "Кол-во участников", "Распределение групп баллов в %"]
    )
    sheet.merge_cells(start_row=7, start_column=4, end_row=7, end_column=7)
    sheet.append(["", "", "", "2", "3", "4", "5"])
    for label, schools, participants, shares in rows:
        sheet.append([label, schools, participants, *shares])
    return _bytes(book)


def journal_report(blocks, *, title=TITLE, subject="Математика"):
    """«Сравнение отметок с отметками по журналу»: a block per group — its name, then понизили,
    подтвердили, повысили and всего, each with a count and a percent."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (title, "Дата: 18.04.2023", f"Предмет: {subject}"):
        sheet.append([line])
    sheet.append(["Сравнение отметок с отметками по журналу"])
    sheet.append(["Группы участников", "Кол-во участников", "%"])
    for label, (lowered, confirmed, raised) in blocks:
        total = lowered + confirmed + raised
        sheet.append([label])
        for word, count in (
            ("Понизили (Отметка < Отметка по журналу) %", lowered),
            ("Подтвердили (Отметка = Отметке по журналу) %", confirmed),
            ("Повысили (Отметка > Отметка по журналу) %", raised),
        ):
            sheet.append([word, count, f"{100 * count / total:.2f}".replace(".", ",")])
        sheet.append(["Всего*", total, "100"])
    return _bytes(book)


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(content, *, user=None, filename="vpr-math-5.xlsx"):
    return result_import(content=content, filename=filename, imported_by=user)


def refusal(content, **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        load(content, **kwargs)
    assert not SchoolResult.objects.exists() and not ReferenceResult.objects.exists()
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def logins(school_a1, school_a2):
    school_a1.fisoko_login, school_a2.fisoko_login = "sch640101", "sch640102"
    school_a1.save()
    school_a2.save()


def marks(school, year=2023):
    result = SchoolResult.objects.get(school=school, year=year)
    return (result.participants, result.mark_2, result.mark_3, result.mark_4, result.mark_5)


def test_marks_report_loads_schools_by_login_with_counts_from_percentages(
    logins, school_a1, school_a2
):
    summary = load(marks_report())
    # ВПР 2023 is 2022/23: Opora keeps the year the academic year ends.
    assert marks(school_a1) == (26, 9, 10, 5, 2)
    assert marks(school_a2) == (12, 0, 6, 4, 2)
    result = SchoolResult.objects.get(school=school_a1)
    assert str(result.assessment) == "ВПР математика 5 кл."
    assert (summary.created, summary.rows_read) == (2, 6)
    assert summary.skipped == [
        "(sch640199) МОУ «ООШ с. Чужое» — нет в реестре (логин ФИС ОКО не указан ни у одной школы)"
    ]
    text = summary.describe()
    assert "Пропущено строк школ: 1 — (sch640199) МОУ «ООШ с. Чужое»" in text
    assert "Для сравнения сохранены: Вся выборка, Саратовская обл., Район А" in text


def test_territory_rows_are_kept_as_reference_shares(logins, school_a1, region, municipality_a):
    load(marks_report())
    country = ReferenceResult.objects.get(level="country")
    assert (country.name, country.participants, country.share_2) == (
        "Вся выборка",
        1326789,
        Decimal("9.73"),
    )
    assert ReferenceResult.objects.get(level="region").region == region
    local = ReferenceResult.objects.get(level="municipality")
    assert (local.municipality, local.share_5, local.year) == (municipality_a, Decimal("10"), 2023)
    # Loaded again, the same report replaces its shares instead of adding more.
    load(marks_report())
    assert ReferenceResult.objects.count() == 3


def test_schools_outside_the_scope_of_the_user_are_skipped_and_named(
    logins, school_b1, coordinator_b, school_a1, municipality_b
):
    school_b1.fisoko_login = "sch640199"
    school_b1.save()
    rows = [*MARK_ROWS[:5], ("Район Б", "1", "12", ["25", "25", "25", "25"]), MARK_ROWS[5]]
    summary = load(marks_report(rows), user=coordinator_b)
    assert marks(school_b1) == (12, 3, 3, 3, 3)
    assert not SchoolResult.objects.filter(school=school_a1).exists()
    assert "(sch640101) МОУ «СОШ с. Первое» — вне вашей области работы" in summary.skipped
    # A municipality is told by the schools below its row: Район А's shares are not taken for
    # Район Б, whose coordinator loads the file.
    local = ReferenceResult.objects.get(level="municipality")
    assert (local.name, local.municipality) == ("Район Б", municipality_b)


def test_percentages_that_do_not_add_up_refuse_the_row(logins):
    rows = [*MARK_ROWS[:3], ("(sch640101) МОУ «СОШ с. Первое»", "1", "26", ["50", "50", "50", "0"])]
    assert refusal(marks_report(rows)) == [
        "строка 12, столбец «C — Кол-во участников»: участников 26, а по процентам выходит 39 "
        "(«2» — 13, «3» — 13, «4» — 13, «5» — 0)"
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            ("26", "101,5"),
            "строка 12, столбец «D — 2 (%)»: процент должен быть от 0 до 100, а не «101,5»",
        ),
        (
            ("26,5", "34,62"),
            "строка 12, столбец «C — Кол-во участников»: ожидается целое число участников, "
            "а не «26,5»",
        ),
        (("26", "много"), "строка 12, столбец «D — 2 (%)»: ожидается процент, а не «много»"),
    ],
    ids=["percent over 100", "participants not whole", "percent not a number"],
)
def test_bad_cell_refuses_the_report_with_row_and_column(logins, cell, expected):
    participants, share_2 = cell
    rows = [
        *MARK_ROWS[:3],
        ("(sch640101) МОУ «СОШ с. Первое»", "1", participants, [share_2, "38,46", "19,23", "7,69"]),
    ]
    assert expected in refusal(marks_report(rows))


def test_unknown_subject_name_is_refused_with_its_line(logins):
    problems = refusal(marks_report(subject="Астрономия"))
    assert problems[0].startswith(
        "строка 3, столбец «Предмет»: неизвестный предмет «Астрономия»; известны: русский язык"
    )


def test_subject_is_matched_by_its_other_names_in_the_reference(logins, school_a1):
    load(marks_report(subject="Английский язык"))
    assert str(SchoolResult.objects.get(school=school_a1).assessment) == (
        "ВПР иностранный язык 5 кл."
    )


def test_a_report_of_another_kind_is_refused_naming_what_is_expected(logins):
    problems = refusal(marks_report(name="Распределение первичных баллов"))
    assert problems[0].startswith("не найдено название отчёта: ожидается отчёт ФИС ОКО")


def test_journal_report_fills_the_objectivity_of_loaded_results(logins, school_a1, school_a2):
    load(marks_report())
    summary = load(
        journal_report(
            [
                ("Вся выборка", (300000, 900000, 126789)),
                ("Саратовская обл.", (5000, 17000, 2781)),
                ("(sch640101) МОУ «СОШ с. Первое»", (10, 14, 2)),
                ("(sch640199) МОУ «ООШ с. Чужое»", (1, 10, 1)),
            ]
        )
    )
    result = SchoolResult.objects.get(school=school_a1)
    assert (result.journal_lowered, result.journal_confirmed, result.journal_raised) == (10, 14, 2)
    assert marks(school_a1) == (26, 9, 10, 5, 2)  # the marks stay as loaded
    assert summary.updated == 1 and len(summary.skipped) == 1
    region = ReferenceResult.objects.get(level="region")
    assert (region.journal_lowered, region.share_2, region.participants) == (
        Decimal("20.18"),
        Decimal("10.14"),
        24781,
    )
    # Statistics loaded again later keep the comparison with the journal.
    load(marks_report())
    result.refresh_from_db()
    assert result.journal_lowered == 10


def test_journal_report_before_the_marks_skips_the_school(logins, school_a1):
    summary = load(journal_report([("(sch640101) МОУ «СОШ с. Первое»", (10, 14, 2))]))
    assert not SchoolResult.objects.exists()
    assert summary.skipped == [
        "(sch640101) МОУ «СОШ с. Первое» — нет её результатов «Статистики по отметкам» — "
        "загрузите сначала их"
    ]


def test_the_command_loads_a_report(logins, school_a1, tmp_path, capsys):
    path = tmp_path / "vpr.xlsx"
    path.write_bytes(marks_report())
    call_command("import_results", str(path))
    assert marks(school_a1) == (26, 9, 10, 5, 2)
    assert "Пропущено строк школ: 1" in capsys.readouterr().out


def test_the_command_refuses_a_bad_report(logins, tmp_path):
    path = tmp_path / "vpr.xlsx"
    path.write_bytes(marks_report(subject="Астрономия"))
    with pytest.raises(CommandError, match="неизвестный предмет «Астрономия»"):
        call_command("import_results", str(path))


def test_the_upload_page_loads_a_report_and_the_job_names_skipped_schools(
    logins, school_a1, client, coordinator_a, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("vpr.xlsx", marks_report())
    with django_capture_on_commit_callbacks(execute=True):  # the task starts once the job is saved
        answer = client.post(reverse("assessments:results_import"), {"file": upload})
    preview = client.get(answer["Location"]).content.decode()
    assert "ФИС ОКО: Статистика по отметкам" in preview  # the format, named in the preview
    assert "(sch640199) МОУ «ООШ с. Чужое»" in preview
    assert not SchoolResult.objects.exists()  # nothing written before «Загрузить»
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer["Location"] + "confirm/")
    page = client.get(answer["Location"]).content.decode()
    assert marks(school_a1) == (26, 9, 10, 5, 2)
    assert "Строк отчёта ФИС ОКО «Статистика по отметкам»: 6" in page
    assert "(sch640199) МОУ «ООШ с. Чужое»" in page


def test_the_api_loads_a_report(
    logins, school_a1, client, coordinator_a, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("vpr.xlsx", marks_report())
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/v1/results/import", {"file": upload}, **bearer(coordinator_a))
    assert answer.status_code == 202, answer.content
    job = client.get(answer.json()["url"], **bearer(coordinator_a)).json()
    assert job["status"] == "done", job
    assert "(sch640199) МОУ «ООШ с. Чужое»" in job["summary"]
    assert marks(school_a1) == (26, 9, 10, 5, 2)


def test_the_school_results_page_compares_with_the_territories(logins, client, coordinator_a):
    load(marks_report())
    client.force_login(coordinator_a)
    page = client.get(reverse("assessments:school_results", args=["a1"])).content.decode()
    section = page[page.index('id="reference-shares"') :]
    assert "Сравнение с муниципалитетом, регионом и всей выборкой, 2022/23" in section
    # «2»: the school 34.6 %, Район А 20 %, the region 10.14 %, the country 9.73 %.
    for share in ("34,6", "20,0", "10,1", "9,7"):
        assert f'<td class="num">{share}</td>' in section


def test_numbers_stored_as_numbers_read_as_well(logins, school_a1):
    rows = [
        *MARK_ROWS[:3],
        ("(sch640101) МОУ «СОШ с. Первое»", 1, 26, [34.62, 38.46, 19.23, 7.69]),
    ]
    load(marks_report(rows))
    assert marks(school_a1) == (26, 9, 10, 5, 2)


def test_journal_counts_that_do_not_add_up_to_the_total_are_refused(logins, school_a1):
    load(marks_report())
    content = journal_report([("(sch640101) МОУ «СОШ с. Первое»", (10, 14, 2))])
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active["B10"] = 27  # «Всего*» of the school's block
    problems = refusal_keeping_results(_bytes(book))
    assert problems == [
        "строка 10, столбец «B — Кол-во участников»: всего 27, а понизили, подтвердили и "
        "повысили вместе 26"
    ]


def refusal_keeping_results(content) -> list[str]:
    before = list(SchoolResult.objects.values())
    with pytest.raises(ImportRefused) as caught:
        load(content)
    assert list(SchoolResult.objects.values()) == before
    return [str(p) for p in caught.value.problems]
