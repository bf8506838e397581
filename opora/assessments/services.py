"""Importing assessment results: one pipeline for the command, the upload page and the demo."""

import datetime
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from opora.accounts.models import User
from opora.accounts.permissions import can_import_files, visible_schools
from opora.assessments import validation
from opora.assessments.aggregation import aggregate_student_results
from opora.assessments.models import (
    Assessment,
    ImportStatus,
    ResultImportJob,
    SchoolResult,
    Subject,
)
from opora.assessments.tasks import result_import_task
from opora.registry.models import School
from opora.tabular import ImportRefused, Problem, Table, check_columns, read_table
from opora.uploads import upload_validator

logger = logging.getLogger(__name__)

COUNT_FIELDS = [
    "participants",
    "mark_2",
    "mark_3",
    "mark_4",
    "mark_5",
    "journal_lowered",
    "journal_confirmed",
    "journal_raised",
]


Progress = Callable[[int, str], None]  # percent done, the stage in words


def _quiet(percent: int, stage: str) -> None:
    """Progress goes nowhere unless someone is waiting for it."""


@dataclass
class ResultImportSummary:
    file_format: str  # "school" | "student"
    rows_read: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self) -> str:
        kind = "по школам" if self.file_format == "school" else "по обучающимся (сведены по школам)"
        return (
            f"Строк {kind}: {self.rows_read}. Результатов добавлено: {self.created}, "
            f"заменено: {self.updated}, без изменений: {self.unchanged}."
        )


def result_import(
    *,
    content: bytes,
    filename: str,
    imported_by: User | None,
    progress: Progress = _quiet,
) -> ResultImportSummary:
    """Load a file of school- or student-level results; a file with any error changes nothing.

    `imported_by` None is the command line, which may load results of every school.
    """
    _check_may_import(imported_by)  # before reading: a refused user's file costs nothing
    progress(5, "чтение файла")
    table = read_table(content, filename=filename)
    return result_import_table(table=table, imported_by=imported_by, progress=progress)


def result_import_table(
    *, table: Table, imported_by: User | None, progress: Progress = _quiet
) -> ResultImportSummary:
    _check_may_import(imported_by)
    progress(30, f"проверка строк: {table.frame.height}")
    file_format = validation.detect_format(table.header)
    if file_format is None:
        raise ImportRefused(table.filename, [Problem(1, None, _UNKNOWN_FORMAT)])
    schools = School.objects.all() if imported_by is None else visible_schools(imported_by)
    school_ids = dict(schools.values_list("code", "pk"))
    subject_codes = set(Subject.objects.values_list("code", flat=True))
    if file_format == "school":
        check_columns(table, required=validation.SCHOOL_LEVEL)
        rows, problems = validation.check_school_rows(
            table.frame, school_codes=school_ids.keys(), subject_codes=subject_codes
        )
    else:
        check_columns(
            table, required=validation.STUDENT_LEVEL, optional=validation.STUDENT_OPTIONAL
        )
        rows, problems = validation.check_student_rows(
            table.frame, school_codes=school_ids.keys(), subject_codes=subject_codes
        )
    if problems:
        raise ImportRefused(table.filename, problems)
    if file_format == "student":
        progress(55, "сведение результатов обучающихся по школам")
        rows = aggregate_student_results(rows)
    progress(70, f"запись {rows.height} результатов")
    summary = ResultImportSummary(file_format=file_format, rows_read=table.frame.height)
    _store(rows, school_ids=school_ids, summary=summary)
    progress(100, "готово")
    return summary


def _check_may_import(user: User | None) -> None:
    """The upload page, the API and a queued job all answer to the same rule."""
    if user is not None and not can_import_files(user):
        raise PermissionDenied


_UNKNOWN_FORMAT = (
    "не распознан формат: нужны столбцы результатов по школам (school_code, year, assessment, "
    "subject, grade, participants, mark_2…mark_5) или по обучающимся (school_code, year, "
    "assessment, subject, grade, student_id, primary_score, mark)"
)


@transaction.atomic
def _store(rows: pl.DataFrame, *, school_ids: dict[str, int], summary: ResultImportSummary) -> None:
    """Create new results and replace changed ones; history keeps what was replaced."""
    assessments = _assessments(rows)
    existing = {
        (r.school_id, r.assessment_id, r.year): r
        for r in SchoolResult.objects.filter(
            school_id__in={school_ids[c] for c in rows["school_code"].unique()},
            assessment_id__in=assessments.values(),
            year__in=rows["year"].unique().to_list(),
        )
    }
    created, updated = [], []
    for row in rows.iter_rows(named=True):
        key = (
            school_ids[row["school_code"]],
            assessments[(row["kind"], row["subject"], row["grade"])],
            row["year"],
        )
        counts = {field: row.get(field) for field in COUNT_FIELDS}
        current = existing.get(key)
        if current is None:
            created.append(
                SchoolResult(school_id=key[0], assessment_id=key[1], year=key[2], **counts)
            )
        elif any(getattr(current, f) != v for f, v in counts.items()):
            for field, value in counts.items():
                setattr(current, field, value)
            updated.append(current)
        else:
            summary.unchanged += 1
    bulk_create_with_history(created, SchoolResult, batch_size=2000)
    bulk_update_with_history(updated, SchoolResult, COUNT_FIELDS, batch_size=2000)
    summary.created, summary.updated = len(created), len(updated)


def _assessments(rows: pl.DataFrame) -> dict[tuple[str, str, int], int]:
    subjects = dict(Subject.objects.values_list("code", "pk"))
    keys = rows.select("kind", "subject", "grade").unique().iter_rows()
    return {
        (kind, subject, grade): Assessment.objects.get_or_create(
            kind=kind, subject_id=subjects[subject], grade=grade
        )[0].pk
        for kind, subject, grade in keys
    }


def result_import_enqueue(*, upload, imported_by: User) -> ResultImportJob:
    """Keep the upload until a worker loads it; the job's page (or the API) shows the progress.

    The same rule and the same file limits for the page and the API: refused here, the file is
    never stored.
    """
    _check_may_import(imported_by)
    try:
        upload_validator(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    job = ResultImportJob.objects.create(
        created_by=imported_by, filename=upload.name, upload=upload
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: ResultImportJob) -> None:
    task = result_import_task.enqueue(job.pk)
    # A worker may already have recorded the id; the immediate backend has even run the job.
    ResultImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=task.id)


NOT_LOADED = "Файл не загружен, данные не изменены."
JOB_FAILED = (
    "сбой на сервере во время загрузки (записан в журнал). Загрузите файл ещё раз; если сбой "
    "повторится, сообщите администратору"
)
JOB_FORBIDDEN = "недостаточно прав для загрузки результатов"
JOB_INTERRUPTED = (
    "обработчик фоновых заданий остановился во время загрузки (перезапуск или сбой сервера). "
    "Загрузите файл ещё раз; если так будет снова, сообщите администратору"
)


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def result_import_job_run(*, job_id: int, task_id: str = "") -> None:
    """Load a queued file, recording progress on the job; the file is deleted in every case."""
    result_import_jobs_recover()  # a worker taking work first fails what a dead one left
    job = ResultImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:  # failed as lost while its task waited: its file is gone
        return

    def progress(percent: int, stage: str) -> None:
        ResultImportJob.objects.filter(pk=job.pk).update(
            progress=percent, stage=stage, heartbeat_at=timezone.now()
        )

    job.status, job.worker, job.heartbeat_at = ImportStatus.RUNNING, _this_worker(), timezone.now()
    job.task_id = task_id or job.task_id
    job.save(update_fields=["status", "worker", "heartbeat_at", "task_id"])
    try:
        with job.upload.open("rb") as stream:
            content = stream.read()
        summary = result_import(
            content=content, filename=job.filename, imported_by=job.created_by, progress=progress
        )
    except ImportRefused as refused:
        _refuse(job, [str(p) for p in refused.problems])
    except PermissionDenied:  # the role changed while the file waited in the queue
        _refuse(job, [JOB_FORBIDDEN])
    except BaseException:
        # The import is one transaction, so a failure halfway changed nothing; the person
        # waiting learns that instead of a progress bar that never ends, and the worker
        # records the traceback for the administrator. BaseException: a worker told to stop
        # at once (a second Ctrl+C, SIGTERM) raises SystemExit in the middle of the job.
        _refuse(job, [JOB_FAILED])
        raise
    else:
        job.status, job.summary, job.progress = ImportStatus.DONE, summary.describe(), 100
        job.counts = asdict(summary)
    finally:
        _finish(job)


def _refuse(job: ResultImportJob, problems: list[str]) -> None:
    job.status, job.problems, job.summary = ImportStatus.REFUSED, problems, NOT_LOADED


def _finish(job: ResultImportJob) -> None:
    """Record the outcome and delete the file: student-level files hold personal data."""
    job.upload.delete(save=False)
    job.finished_at = timezone.now()
    fields = ["status", "summary", "counts", "problems", "progress", "upload", "finished_at"]
    job.save(update_fields=fields)


WORKER_SILENCE = datetime.timedelta(hours=1)


def result_import_jobs_recover() -> list[ResultImportJob]:
    """Fail the jobs a stopped worker left unfinished and delete their files; returns them.

    django-tasks' database backend has no heartbeat: a worker killed mid-task (kill -9, power
    loss, out of memory) leaves its task «running» for ever, and nothing runs it again. So the
    job records which process runs it (machine:pid) and when it last moved, and it is lost when
    - its task is over or gone from the queue, yet the job never recorded an end;
    - the process that ran it on this machine no longer exists (the usual case: the restarted
      worker, `manage.py recover_imports` before it, or the next job, finds it at once);
    - it has not moved for WORKER_SILENCE (a worker on a machine that never came back): a live
      import moves within minutes, its file being capped by OPORA_UPLOAD_MAX_BYTES.
    A job waiting in the queue is never lost: it runs when a worker starts.

    A lost job is failed, not run again. Running it again would be safe for the data (the import
    is one transaction, so the dead worker wrote nothing), but a file that killed a worker (out of
    memory) would kill the next one and the next; the user is told to upload it again instead.
    """
    lost = []
    for job in _unfinished_jobs():
        if not _is_lost(job):
            continue
        # Only if it has not moved since it was read: a job that finished meanwhile stays done.
        failed = ResultImportJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
        ).update(
            status=ImportStatus.REFUSED,
            problems=[JOB_INTERRUPTED],
            summary=NOT_LOADED,
            upload="",
            finished_at=timezone.now(),
        )
        if failed:
            logger.warning("Result import job %s lost its worker %s", job.pk, job.worker or "?")
            job.upload.delete(save=False)
            _fail_task(job.task_id)
            lost.append(job)
    return lost


def _unfinished_jobs():
    return ResultImportJob.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).exclude(worker=_this_worker())  # the job this very process is running is alive


def _is_lost(job: ResultImportJob) -> bool:
    task = _task(job.task_id)
    if task is False:  # the task is gone (pruned)
        return True
    if task is not None and task.is_finished:
        return True
    claimed = job.status == ImportStatus.RUNNING or (task is not None and task.status == "RUNNING")
    if not claimed:
        return False  # waiting for a worker, however long
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdecimal() and not _process_exists(int(pid)):
        return True
    signs = [job.heartbeat_at, task.started_at if task else None, job.created_at]
    return timezone.now() - max(s for s in signs if s) > WORKER_SILENCE


def _task(task_id: str):
    """The job's task as the queue knows it; None when the queue cannot tell, False when gone."""
    backend = result_import_task.get_backend()
    if not task_id or not backend.supports_get_result:
        return None
    try:
        return result_import_task.get_result(task_id)
    except TaskResultDoesNotExist:
        return False


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user holds the id now
        return True
    return True


class WorkerLost(Exception):
    """What the queue records for the task of a lost job."""


def _fail_task(task_id: str) -> None:
    """Mark the task failed in the database queue too, so the administrator's list of tasks
    does not show it running for ever."""
    if task_id and isinstance(result_import_task.get_backend(), DatabaseBackend):
        for task in DBTaskResult.objects.filter(pk=task_id, status="RUNNING"):
            task.set_failed(WorkerLost(JOB_INTERRUPTED))
