"""Results through the API take the upload page's path: the same right to import, the same file
limits, the same background job; the answer is the job, polled by the one who sent the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.assessments.models import ResultImportJob, SchoolResult
from tests.api.test_api import bearer

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"


def results_file(school: str = "a1", marks: str = "9,10,5,2", name: str = "r.csv"):
    return SimpleUploadedFile(name, f"{HEADER}\n{school},2023,ВПР,math,5,26,{marks}\n".encode())


def post(client, user, upload, capture):
    with capture(execute=True):  # the task starts once the job is saved, as on the page
        return client.post("/api/v1/results/import", {"file": upload}, **bearer(user))


@pytest.mark.parametrize(
    "username,school",
    [
        ("observer_b", "b1"),
        ("methodist_a", "a1"),
        ("curator_a1", "a1"),
        ("school_team_a1", "a1"),
    ],
)
def test_roles_that_may_not_import_are_refused_and_nothing_changes(
    client, cast, django_capture_on_commit_callbacks, username, school
):
    # Each file holds only schools the user sees, so scope alone would not have stopped it.
    response = post(
        client, cast[username], results_file(school), django_capture_on_commit_callbacks
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Недостаточно прав для этого действия."}
    assert not SchoolResult.objects.exists()
    assert not ResultImportJob.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("r.txt", b"x", "Загрузите файл CSV или XLSX (файл «r.txt» другого вида)."),
        ("r.xlsx", b"school_code,year\n", "Файл «r.xlsx» не является файлом XLSX"),
        ("r.csv", b"x" * 2048, "Файл больше 1,0\xa0КБ."),
    ],
    ids=["other kind", "disguised", "oversize"],
)
def test_files_the_upload_page_refuses_are_refused_with_its_message(
    client, cast, settings, django_capture_on_commit_callbacks, name, content, message
):
    settings.OPORA_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile(name, content)
    response = post(client, cast["coordinator_a"], upload, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "file"]
    assert problem["msg"].startswith(message)
    assert not ResultImportJob.objects.exists()


def test_a_coordinators_file_becomes_a_job_that_stores_the_results(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    user = cast["coordinator_a"]
    response = post(client, user, results_file(), django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job = ResultImportJob.objects.get()
    assert response.json() == {
        "id": job.pk,
        "status": "queued",
        "url": f"/api/v1/results/import/{job.pk}",
    }
    polled = client.get(response.json()["url"], **bearer(user))
    assert polled.status_code == 200
    body = polled.json()
    assert (body["status"], body["progress"], body["problems"]) == ("done", 100, [])
    assert body["counts"] == {
        "file_format": "school",
        "rows_read": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert body["summary"].startswith("Строк по школам: 1. Результатов добавлено: 1")
    (row,) = client.get("/api/v1/results?school=a1&year=2023", **bearer(user)).json()["items"]
    assert (row["kind"], row["subject"], row["grade"], row["mark_2"]) == ("VPR", "math", 5, 9)
    assert not ResultImportJob.objects.get().upload  # the file is deleted once loaded


def test_a_bad_row_refuses_the_job_with_its_row_and_column(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    user = cast["coordinator_a"]
    response = post(
        client, user, results_file(marks="9,10,5,X"), django_capture_on_commit_callbacks
    )
    body = client.get(response.json()["url"], **bearer(user)).json()
    assert body["status"] == "refused"
    assert body["summary"] == "Файл не загружен, данные не изменены."
    assert body["counts"] is None
    assert body["problems"][0] == (
        "строка 2, столбец «mark_5»: ожидается целое неотрицательное число, а не «X»"
    )
    assert not SchoolResult.objects.exists()


def test_only_the_user_who_sent_the_file_sees_its_job(
    client, cast, school_a1, django_capture_on_commit_callbacks
):
    response = post(
        client, cast["coordinator_a"], results_file(), django_capture_on_commit_callbacks
    )
    url = response.json()["url"]
    for other in ("region_operator", "coordinator_b", "observer_b"):
        answer = client.get(url, **bearer(cast[other]))
        assert answer.status_code == 404, other
        assert answer.json()["detail"] == "Не найдено (или вне вашей области работы)."


def test_dry_run_returns_the_preview_and_writes_nothing(client, cast, school_a1):
    upload = results_file()
    response = client.post(
        "/api/v1/results/import?dry_run=true", {"file": upload}, **bearer(cast["coordinator_a"])
    )
    assert response.status_code == 200
    preview = response.json()
    assert (preview["created"], preview["updated"], preview["schools"]) == (1, 0, 1)
    assert preview["source_format"] == "Opora CSV по школам"
    assert not SchoolResult.objects.exists() and not ResultImportJob.objects.exists()
