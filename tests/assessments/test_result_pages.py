"""Result pages: a school's results by assessment and year with charts, and the table of
schools × assessments with the change from the previous year."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opora.assessments.models import ResultImportJob, SchoolResult
from opora.assessments.services import result_import, result_import_jobs_recover
from tests.conftest import PASSWORD, plain_schools

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
RESULTS = f"""{HEADER}
a1,2022,ВПР,math,5,20,2,8,6,4
a1,2023,ВПР,math,5,26,9,10,5,2
a2,2023,ВПР,math,5,30,0,10,10,10
b1,2023,ВПР,math,5,10,5,3,1,1
"""


@pytest.fixture
def results(cast, school_a1, school_a2, school_b1):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)


def add_results(*lines: str) -> None:
    content = "\n".join([HEADER, *lines]) + "\n"
    result_import(content=content.encode(), filename="more.csv", imported_by=None)


def test_model_and_frame_derive_the_same_shares(results):
    from opora.assessments.metrics import with_metrics
    from opora.assessments.selectors import results_frame
    from opora.registry.models import School

    frame = with_metrics(results_frame(schools=School.objects.filter(code="a1")))
    for row in frame.iter_rows(named=True):
        result = SchoolResult.objects.get(school__code="a1", year=row["year"])
        assert row["twos"] == pytest.approx(result.share_of_twos)
        assert row["success"] == pytest.approx(result.success_rate)
        assert row["quality"] == pytest.approx(result.quality_rate)
        assert row["average"] == pytest.approx(result.average_mark)


def test_matrix_shows_the_metric_and_its_change_in_points(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("assessments:results_table"), {"year": 2023, "metric": "twos"})
    columns, rows = response.context["columns"], response.context["rows"].rows
    assert [c.label for c in columns] == ["ВПР математика 5 кл."]
    cells = {r.school.code: r.cells[0] for r in rows}
    assert set(cells) == {"a1", "a2"}  # b1 is in another municipality
    assert cells["a1"].value == pytest.approx(34.615, abs=1e-3)
    assert cells["a1"].change == pytest.approx(24.615, abs=1e-3)  # from 10 % in 2021/22
    assert cells["a1"].direction == "worse"
    assert cells["a2"].change is None  # no result the year before
    page = response.content.decode()
    assert 'class="num alarm"' in page  # 34.6 % is above the 30 % threshold


def test_quality_rising_is_better(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("assessments:results_table"), {"year": 2023, "metric": "quality"})
    a1 = next(r for r in response.context["rows"].rows if r.school.code == "a1")
    assert a1.cells[0].change == pytest.approx(26.923 - 50, abs=1e-3)
    assert a1.cells[0].direction == "worse"


def test_matrix_sorts_by_a_column_with_schools_lacking_it_last(client, cast, results):
    add_results("a1,2023,ВПР,rus,5,20,1,9,6,4")
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("assessments:results_table")

    def order(sort: str) -> list[str]:
        response = client.get(url, {"year": 2023, "metric": "twos", "sort": sort})
        return [row.school.code for row in response.context["rows"].rows]

    assert order("school") == ["a2", "a1"]  # «Гимназия…» before «СОШ…»
    assert order("-school") == ["a1", "a2"]
    assert order("-VPR-math-5") == ["a1", "a2"]  # 34.6 % «2» before 0 %
    assert order("VPR-math-5") == ["a2", "a1"]
    # Only a1 wrote Russian: a2 has no figure and stays last whichever way the column goes.
    assert order("VPR-rus-5") == ["a1", "a2"]
    assert order("-VPR-rus-5") == ["a1", "a2"]
    assert order("no-such-column") == order("school")


def test_matrix_of_one_kind_shows_only_its_columns_and_the_schools_that_took_it(
    client, cast, results
):
    add_results("a2,2023,ОГЭ,math,9,40,4,16,12,8")
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("assessments:results_table")

    everything = client.get(url, {"year": 2023, "metric": "twos"}).context
    assert [c.key for c in everything["columns"]] == ["VPR-math-5", "OGE-math-9"]
    assert [r.school.code for r in everything["rows"].rows] == ["a2", "a1"]

    oge = client.get(url, {"year": 2023, "metric": "twos", "kind": "OGE"}).context
    assert [c.key for c in oge["columns"]] == ["OGE-math-9"]
    [row] = oge["rows"].rows
    assert row.school.code == "a2"
    assert row.cells[0].value == pytest.approx(10.0)  # 4 of 40
    assert row.cells[0].change is None  # no ОГЭ a year before


def test_a_long_table_sorted_by_a_column_reads_each_page_s_own_figures(
    client, cast, municipality_a
):
    # Schools g000…g059 with «2» in 0…59 of 100 ВПР papers; g060 wrote nothing that year.
    plain_schools(municipality_a, 61, code_prefix="g")
    add_results(*(f"g{n:03},2023,ВПР,math,5,100,{n},{100 - n},0,0" for n in range(60)))
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("assessments:results_table")

    second = client.get(url, {"year": 2023, "metric": "twos", "sort": "-VPR-math-5", "page": 2})
    rows = second.context["rows"]
    assert rows.total == 60  # only schools with results of the year
    assert [r.school.code for r in rows.rows] == [f"g{n:03}" for n in range(9, -1, -1)]
    assert [r.cells[0].value for r in rows.rows] == [float(n) for n in range(9, -1, -1)]


def test_school_page_has_a_table_and_charts(client, results):
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.get(reverse("assessments:school_results", args=["a1"]))
    assert response.context["years"] == [2023, 2022]
    page = response.content.decode()
    assert page.count("<svg") == 2
    assert "Качество знаний, %" in page and "Доля «2», %" in page
    assert "9 из 26" in page


def test_school_page_says_where_each_value_came_from(client, cast, results):
    result_import(
        content=f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,3\n".encode(),
        filename="rus.csv",
        imported_by=cast["coordinator_a"],
        source_format="ФИС ОКО: статистика по отметкам",
    )
    client.login(username="school_team_a1", password=PASSWORD)
    page = client.get(reverse("assessments:school_results", args=["a1"])).content.decode()
    sources = page[page.index('id="result-sources"') :]
    assert "Откуда данные" in sources
    assert "<td>r.csv</td><td>Opora CSV по школам</td>" in sources
    assert "<td>rus.csv</td><td>ФИС ОКО: статистика по отметкам</td>" in sources
    assert "администратор системы" in sources
    assert "<td>coordinator_a</td>" in sources


def test_school_without_results_says_so(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("assessments:school_results", args=["a1-f"])).content.decode()
    assert "Результатов оценочных процедур у школы пока нет." in page


def test_upload_is_previewed_then_loaded_in_the_background_once_confirmed(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    client.login(username="coordinator_a", password=PASSWORD)
    good = SimpleUploadedFile("r.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,3\n".encode())
    with django_capture_on_commit_callbacks(execute=True):  # the task starts once the job is saved
        response = client.post(reverse("assessments:results_import"), {"file": good})
    job = ResultImportJob.objects.get()
    assert response["Location"] == reverse("assessments:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Предпросмотр: что изменится" in page and "Пока ничего не записано." in page
    assert "<dt>Новых результатов</dt><dd>1</dd>" in page
    assert '<meta http-equiv="refresh"' not in page
    assert not SchoolResult.objects.exists()  # nothing written before the confirmation
    job.refresh_from_db()
    assert (job.status, job.confirmed) == ("preview", False) and job.upload.name  # file kept

    confirm = reverse("assessments:import_confirm", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    response = client.get(response["Location"])
    job.refresh_from_db()
    assert (
        "Файл загружен. Строк по школам: 1. Результатов добавлено: 1" in response.content.decode()
    )
    assert (job.status, job.progress, job.upload.name) == ("done", 100, "")  # the file is gone
    assert SchoolResult.objects.get().import_batch.created_by == cast["coordinator_a"]

    with django_capture_on_commit_callbacks(execute=True):  # a second press does nothing
        response = client.post(confirm, follow=True)
    assert "уже загружен" in response.content.decode()
    assert SchoolResult.history.count() == 1


def test_only_the_uploader_confirms_a_preview_and_only_before_it_expires(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    client.login(username="coordinator_a", password=PASSWORD)
    good = SimpleUploadedFile("r.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,3\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:results_import"), {"file": good})
    job = ResultImportJob.objects.get()
    confirm = reverse("assessments:import_confirm", args=[job.pk])
    client.login(username="region_operator", password=PASSWORD)
    assert client.post(confirm).status_code == 404
    assert not SchoolResult.objects.exists()

    ResultImportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    client.login(username="coordinator_a", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    assert not SchoolResult.objects.exists()
    result_import_jobs_recover()  # what a worker does before each job: expired files go
    job.refresh_from_db()
    assert (job.status, job.upload.name) == ("refused", "")
    assert "предпросмотр не подтверждён за сутки" in job.problems[0]


def test_a_confirmed_plan_that_no_longer_holds_is_not_loaded(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    client.login(username="coordinator_a", password=PASSWORD)
    good = SimpleUploadedFile("r.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,3\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:results_import"), {"file": good})
    job = ResultImportJob.objects.get()
    # Meanwhile another file loaded the same result: the preview («1 new») is stale.
    result_import(
        content=f"{HEADER}\na1,2023,ВПР,rus,5,10,2,2,3,3\n".encode(),
        filename="other.csv",
        imported_by=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "refused" and "с момента предпросмотра" in job.problems[0]
    assert SchoolResult.objects.get().mark_2 == 2


def test_a_refused_file_lists_its_problems_and_changes_nothing(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    client.login(username="coordinator_a", password=PASSWORD)
    bad = SimpleUploadedFile("bad.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,4\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:results_import"), {"file": bad})
    response = client.get(response["Location"])
    assert response.status_code == 400
    page = response.content.decode()
    assert "Файл bad.csv не загружен, данные не изменены." in page
    assert "строка 2, столбец «participants»: участников 10, а сумма отметок «2»…«5» — 11" in page
    assert not SchoolResult.objects.exists()
    assert ResultImportJob.objects.get().upload.name == ""


def test_queued_job_page_refreshes_itself_and_is_private(client, cast, school_a1):
    job = ResultImportJob.objects.create(created_by=cast["coordinator_a"], filename="big.csv")
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("assessments:import_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "в очереди" in page.lower()
    client.login(username="region_operator", password=PASSWORD)
    assert client.get(reverse("assessments:import_job", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("r.txt", b"x", "Загрузите файл CSV или XLSX (файл «r.txt» другого вида)."),
        ("r.csv", b"x" * 2048, "Файл больше 1,0\xa0КБ."),
    ],
)
def test_upload_refuses_other_kinds_and_oversized_files(
    client, cast, settings, name, content, message
):
    settings.OPORA_UPLOAD_MAX_BYTES = 1024
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("assessments:results_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert message in response.content.decode()
    assert not ResultImportJob.objects.exists()
