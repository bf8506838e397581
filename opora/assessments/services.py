"""Importing assessment results: one pipeline for the command, the upload page and the demo."""

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from opora.accounts.models import User
from opora.accounts.permissions import visible_schools
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
    progress(5, "чтение файла")
    table = read_table(content, filename=filename)
    return result_import_table(table=table, imported_by=imported_by, progress=progress)


def result_import_table(
    *, table: Table, imported_by: User | None, progress: Progress = _quiet
) -> ResultImportSummary:
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
    """Keep the upload until a worker loads it; the job's page shows the progress."""
    job = ResultImportJob.objects.create(
        created_by=imported_by, filename=upload.name, upload=upload
    )
    transaction.on_commit(lambda: result_import_task.enqueue(job.pk))
    return job


JOB_FAILED = (
    "сбой на сервере во время загрузки (записан в журнал). Загрузите файл ещё раз; если сбой "
    "повторится, сообщите администратору"
)


def result_import_job_run(*, job_id: int) -> None:
    """Load a queued file, recording progress on the job; the file is deleted in every case."""
    job = ResultImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        ResultImportJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage)

    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        with job.upload.open("rb") as stream:
            content = stream.read()
        summary = result_import(
            content=content, filename=job.filename, imported_by=job.created_by, progress=progress
        )
    except ImportRefused as refused:
        job.status, job.problems = ImportStatus.REFUSED, [str(p) for p in refused.problems]
        job.summary = "Файл не загружен, данные не изменены."
    except Exception:
        # The import is one transaction, so a failure halfway changed nothing; the person
        # waiting learns that instead of a progress bar that never ends, and the worker
        # records the traceback for the administrator.
        job.status, job.problems = ImportStatus.REFUSED, [JOB_FAILED]
        job.summary = "Файл не загружен, данные не изменены."
        raise
    else:
        job.status, job.summary, job.progress = ImportStatus.DONE, summary.describe(), 100
    finally:
        job.upload.delete(save=False)
        job.finished_at = timezone.now()
        job.save(
            update_fields=["status", "summary", "problems", "progress", "upload", "finished_at"]
        )
