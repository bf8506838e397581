"""Long jobs wait in the database (django-tasks DB backend): a file uploaded while no worker
runs, or while the worker restarts, is loaded once a worker starts again."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from opora.assessments.models import ResultImportJob, SchoolResult
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

    worker("--max-tasks", "1")  # a worker runs one job and stops (a restart, a deploy)
    assert sorted(ResultImportJob.objects.values_list("status", flat=True)) == ["done", "queued"]

    worker("--batch")  # the next worker finds the job that waited
    assert set(ResultImportJob.objects.values_list("status", flat=True)) == {"done"}
    assert SchoolResult.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
