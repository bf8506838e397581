"""Long jobs wait in the database (django-tasks DB backend): a file uploaded while no worker
runs, or while the worker restarts, is loaded once a worker starts again."""

import contextlib
import datetime
import importlib
import socket
import subprocess
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from opora.assessments.models import ResultImportJob, SchoolResult
from opora.assessments.services import JOB_INTERRUPTED, result_import_job_run
from opora.assessments.tasks import result_import_task
from tests.conftest import PASSWORD
from tests.identification.test_runs import HEADER


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def subjects(transactional_db):
    """A transactional test before this one may have flushed the subjects the migration made."""
    from django.apps import apps

    importlib.import_module("opora.assessments.migrations.0002_subjects").load(apps, None)


def upload(client, name, line):
    content = f"{HEADER}\n{line}\n".encode()
    client.post(reverse("assessments:results_import"), {"file": SimpleUploadedFile(name, content)})


def worker(*options):
    call_command("db_worker", "--no-startup-delay", "--interval", "0", *options, verbosity=0)


@pytest.mark.django_db(transaction=True)  # the job is queued when the upload's transaction commits
def test_jobs_queued_without_a_worker_run_when_a_worker_starts(
    client, cast, school_a1, school_a2, database_queue, subjects
):
    client.login(username="coordinator_a", password=PASSWORD)
    upload(client, "first.csv", "a1,2023,ВПР,math,5,26,9,10,5,2")
    upload(client, "second.csv", "a2,2023,ВПР,math,5,30,3,10,10,7")
    assert set(ResultImportJob.objects.values_list("status", flat=True)) == {"queued"}
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert not SchoolResult.objects.exists()

    worker("--max-tasks", "1")  # a worker previews one file and stops (a restart, a deploy)
    statuses = sorted(ResultImportJob.objects.values_list("status", flat=True))
    assert statuses == ["preview", "queued"]

    worker("--batch")  # the next worker finds the job that waited
    assert set(ResultImportJob.objects.values_list("status", flat=True)) == {"preview"}
    for job in ResultImportJob.objects.all():
        client.post(reverse("assessments:import_confirm", args=[job.pk]))
    assert not SchoolResult.objects.exists()  # confirmed files wait for a worker too

    worker("--batch")
    assert set(ResultImportJob.objects.values_list("status", flat=True)) == {"done"}
    assert SchoolResult.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


# ── A worker that died mid-import, and the uploaded file in every outcome ────────────────────


def imports_on_disk(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def left_running(user, *, worker: str, task_status: str | None, silent_for=None):
    """A job as a worker killed mid-import leaves it: «выполняется», its file still on disk, its
    task claimed (or failed, or pruned from the queue when `task_status` is None)."""
    moved = timezone.now() - (silent_for or datetime.timedelta(seconds=5))
    job = ResultImportJob.objects.create(
        created_by=user,
        filename="pupils.csv",
        upload=ContentFile(b"school_code,student_id\n", name="pupils.csv"),
        status="running",
        stage="проверка строк: 1",
        progress=30,
        worker=worker,
        heartbeat_at=moved,
    )
    task = result_import_task.enqueue(job.pk)
    if task_status is None:
        DBTaskResult.objects.filter(pk=task.id).delete()
    else:
        DBTaskResult.objects.filter(pk=task.id).update(status=task_status, started_at=moved)
    ResultImportJob.objects.filter(pk=job.pk).update(task_id=task.id, created_at=moved)
    return job, task.id


@pytest.fixture
def dead_worker():
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


@pytest.mark.parametrize(
    "worker,task_status,silent_for",
    [
        ("this-host", "RUNNING", None),  # killed here: its process is gone
        ("other-host:4242", "FAILED", None),  # its task ended without finishing the job
        ("other-host:4242", None, None),  # its task was pruned from the queue
        ("other-host:4242", "RUNNING", datetime.timedelta(hours=2)),  # its machine never returned
    ],
    ids=["process gone", "task failed", "task gone", "silent for hours"],
)
def test_a_restarted_worker_fails_the_job_a_dead_worker_left_and_deletes_its_file(
    cast, settings, database_queue, dead_worker, worker, task_status, silent_for
):
    worker_id = dead_worker if worker == "this-host" else worker
    job, task_id = left_running(
        cast["coordinator_a"], worker=worker_id, task_status=task_status, silent_for=silent_for
    )
    assert imports_on_disk(settings) == ["pupils.csv"]

    call_command("recover_imports", verbosity=0)  # what starting a worker runs first

    job.refresh_from_db()
    assert (job.status, job.problems) == ("refused", [JOB_INTERRUPTED])
    assert job.summary == "Файл не загружен, данные не изменены."
    assert job.finished_at is not None and not job.upload
    assert imports_on_disk(settings) == []
    if task_status == "RUNNING":  # the queue no longer shows the task as running either
        assert DBTaskResult.objects.get(pk=task_id).status == "FAILED"


def test_recovery_leaves_alone_the_jobs_that_are_alive_or_waiting(
    cast, settings, database_queue, school_a1
):
    left_running(cast["coordinator_a"], worker="other-host:4242", task_status="RUNNING")
    waiting = ResultImportJob.objects.create(
        created_by=cast["coordinator_a"],
        filename="waiting.csv",
        upload=ContentFile(b"x", name="waiting.csv"),
    )
    result_import_task.enqueue(waiting.pk)
    ResultImportJob.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)  # no worker ran for a day
    )

    call_command("recover_imports", verbosity=0)

    assert sorted(ResultImportJob.objects.values_list("status", flat=True)) == [
        "queued",
        "running",
    ]
    assert imports_on_disk(settings) == ["pupils.csv", "waiting.csv"]


GOOD = f"{HEADER}\na1,2023,ВПР,math,5,26,9,10,5,2\n"
BAD = f"{HEADER}\na1,2023,ВПР,math,5,26,9,10,5,X\n"


@pytest.mark.parametrize(
    "content,fault,status",
    [
        (GOOD, None, "done"),
        (BAD, None, "refused"),  # a row with an error
        (GOOD, RuntimeError("injected"), "refused"),  # a failure inside the import
        (GOOD, SystemExit(1), "refused"),  # the worker forced to stop (Ctrl+C twice)
    ],
    ids=["loaded", "refused", "error", "forced stop"],
)
def test_every_outcome_of_a_job_deletes_the_uploaded_file(
    client, cast, settings, school_a1, django_capture_on_commit_callbacks, content, fault, status
):
    client.login(username="coordinator_a", password=PASSWORD)
    upload = SimpleUploadedFile("r.csv", content.encode())
    patched = (
        mock.patch("opora.assessments.services.result_import_table", side_effect=fault)
        if fault
        else contextlib.nullcontext()
    )
    with patched, contextlib.suppress(SystemExit), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:results_import"), {"file": upload})
    job = ResultImportJob.objects.get()
    if job.status == "preview":  # a good file waits for «Загрузить» with its file kept
        assert imports_on_disk(settings) != []
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("assessments:import_confirm", args=[job.pk]))
        job.refresh_from_db()
    assert job.status == status and job.finished_at is not None
    assert imports_on_disk(settings) == []


def test_a_job_whose_user_lost_the_right_to_import_is_refused_and_its_file_deleted(
    cast, settings, school_a1
):
    user = cast["coordinator_a"]
    job = ResultImportJob.objects.create(
        created_by=user, filename="r.csv", upload=ContentFile(GOOD.encode(), name="r.csv")
    )
    user.role = "observer"  # the role changed while the file waited in the queue
    user.save()
    result_import_task.enqueue(job.pk)
    job.refresh_from_db()
    assert (job.status, job.problems) == ("refused", ["недостаточно прав для загрузки результатов"])
    assert imports_on_disk(settings) == []
    assert not SchoolResult.objects.exists()


def test_a_worker_killed_right_after_the_load_committed_leaves_the_job_loaded(
    cast, settings, school_a1, dead_worker
):
    """The job's «загружен» commits with the results: a worker that dies before it deletes the
    file leaves a job that says the truth, and the recovery only deletes the file."""
    job = ResultImportJob.objects.create(
        created_by=cast["coordinator_a"],
        filename="r.csv",
        upload=ContentFile(GOOD.encode(), name="r.csv"),
        confirmed=True,
    )
    with (
        mock.patch("opora.assessments.services._finish", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        result_import_job_run(job_id=job.pk)
    ResultImportJob.objects.filter(pk=job.pk).update(worker=dead_worker)  # the worker is gone
    assert imports_on_disk(settings) == ["r.csv"]

    call_command("recover_imports", verbosity=0)

    job.refresh_from_db()
    assert job.status == "done" and "добавлено: 1" in job.summary
    assert job.finished_at is not None and imports_on_disk(settings) == []
    assert SchoolResult.objects.count() == 1
