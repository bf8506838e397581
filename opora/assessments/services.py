"""Importing assessment results: one pipeline for the command, the upload page and the demo."""

import datetime
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
from opora.assessments import fisoko, validation
from opora.assessments.aggregation import aggregate_student_results
from opora.assessments.models import (
    Assessment,
    ImportStatus,
    ReferenceResult,
    ResultImportJob,
    SchoolResult,
    Subject,
    TerritoryLevel,
)
from opora.assessments.selectors import subject_lookup
from opora.assessments.tasks import result_import_task
from opora.registry.models import School
from opora.tabular import (
    ImportRefused,
    Problem,
    Table,
    check_columns,
    header_key,
    named_columns,
    read_table,
    sheet_table,
    xlsx_lines,
)
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


FORMAT_WORDS = {
    "school": "по школам",
    "student": "по обучающимся (сведены по школам)",
    fisoko.MARKS: f"отчёта ФИС ОКО «{fisoko.TITLES[fisoko.MARKS]}»",
    fisoko.JOURNAL: f"отчёта ФИС ОКО «{fisoko.TITLES[fisoko.JOURNAL]}» (групп)",
}


@dataclass
class ResultImportSummary:
    file_format: str  # "school" | "student" | fisoko.MARKS | fisoko.JOURNAL
    rows_read: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # A report's rows not loaded, each «(login) name — why»; a regional file holds every school.
    skipped: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)  # a report's rows kept for comparison

    def describe(self) -> str:
        text = (
            f"Строк {FORMAT_WORDS[self.file_format]}: {self.rows_read}. Результатов добавлено: "
            f"{self.created}, заменено: {self.updated}, без изменений: {self.unchanged}."
        )
        if self.territories:
            text += " Для сравнения сохранены: " + ", ".join(self.territories) + "."
        if self.skipped:
            text += f" Пропущено строк школ: {len(self.skipped)} — " + "; ".join(self.skipped) + "."
        return text


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
    if Path(filename).suffix.lower() != ".xlsx":
        table = read_table(content, filename=filename)
        return result_import_table(table=table, imported_by=imported_by, progress=progress)
    lines = xlsx_lines(content, filename=filename)
    if not fisoko.is_report(lines):
        table = sheet_table(lines, filename=filename)
        return result_import_table(table=table, imported_by=imported_by, progress=progress)
    report = fisoko.read_report(lines, filename=filename)
    table, summary, territories = _report_table(report, filename=filename, user=imported_by)
    return result_import_table(
        table=table,
        imported_by=imported_by,
        progress=progress,
        summary=summary,
        territories=territories,
    )


def result_import_table(
    *,
    table: Table,
    imported_by: User | None,
    progress: Progress = _quiet,
    summary: ResultImportSummary | None = None,
    territories: list[ReferenceResult] = (),
) -> ResultImportSummary:
    """Check and store a table of results. A report of ФИС ОКО comes here as a school-level
    table with its `summary` begun (the rows it skipped) and its `territories` to keep."""
    _check_may_import(imported_by)
    progress(30, f"проверка строк: {table.frame.height}")
    table = named_columns(table, validation.NAMES)
    file_format = validation.detect_format(table.header)
    if file_format is None:
        raise table.refused([Problem(1, None, _UNKNOWN_FORMAT)])
    schools = School.objects.all() if imported_by is None else visible_schools(imported_by)
    school_ids = dict(schools.values_list("code", "pk"))
    subjects = subject_lookup()
    # A subject by its code or by its name, Russian as in the reference.
    named = {
        text: subjects[header_key(text)].code
        for text in table.frame["subject"].unique().drop_nulls()
        if header_key(text) in subjects
    }
    frame = table.frame.with_columns(pl.col("subject").replace(named))
    subject_codes = {s.code for s in subjects.values()}
    if file_format == "school":
        check_columns(
            table,
            required=validation.SCHOOL_LEVEL,
            optional=validation.SCHOOL_OPTIONAL,
            names=validation.NAMES,
        )
        rows, problems = validation.check_school_rows(
            frame.drop(validation.NAME_COLUMN, strict=False),
            school_codes=school_ids.keys(),
            subject_codes=subject_codes,
        )
    else:
        check_columns(
            table,
            required=validation.STUDENT_LEVEL,
            optional=[validation.NAME_COLUMN, *validation.STUDENT_OPTIONAL],
            names=validation.NAMES,
        )
        rows, problems = validation.check_student_rows(
            frame.drop(validation.NAME_COLUMN, strict=False),
            school_codes=school_ids.keys(),
            subject_codes=subject_codes,
        )
    if problems:
        raise table.refused(problems)
    if file_format == "student":
        progress(55, "сведение результатов обучающихся по школам")
        rows = aggregate_student_results(rows)
    progress(70, f"запись {rows.height} результатов")
    summary = summary or ResultImportSummary(file_format=file_format, rows_read=table.frame.height)
    with transaction.atomic():
        _store(rows, school_ids=school_ids, summary=summary)
        _store_territories(territories)
    progress(100, "готово")
    return summary


def _check_may_import(user: User | None) -> None:
    """The upload page, the API and a queued job all answer to the same rule."""
    if user is not None and not can_import_files(user):
        raise PermissionDenied


_UNKNOWN_FORMAT = (
    "не распознан формат: нужны столбцы результатов по школам (school_code, year, assessment, "
    "subject, grade, participants, mark_2…mark_5 или по-русски: Код ОО, Учебный год, Процедура, "
    "Предмет, Класс, Участников, Отметка «2»…«5»), или по обучающимся (school_code, year, "
    "assessment, subject, grade, student_id, primary_score, mark), или отчёт ФИС ОКО "
    "«Статистика по отметкам» либо «Сравнение отметок с отметками по журналу» в XLSX, как он "
    "скачан"
)

_REPORT_COLUMNS = [*validation.SCHOOL_LEVEL, *validation.JOURNAL]


def _report_table(
    report: fisoko.Report, *, filename: str, user: User | None
) -> tuple[Table, ResultImportSummary, list[ReferenceResult]]:
    """A report of ФИС ОКО as the school-level rows of the schools it names that the user may
    load, the rows of the others listed in the summary, and its territories' shares. Of the
    stored result of a school, what the report does not give (the marks for the journal report,
    the journal comparison for the marks report) stays."""
    subjects = subject_lookup()
    subject = subjects.get(header_key(report.subject))
    if subject is None:
        known = ", ".join(s.name for s in Subject.objects.all())
        raise ImportRefused(
            filename,
            [
                Problem(
                    report.subject_row,
                    "Предмет",
                    f"неизвестный предмет «{report.subject}»; известны: {known}. Другое название "
                    "предмета администратор добавляет в справочник «Предметы»",
                )
            ],
        )
    summary = ResultImportSummary(file_format=report.kind, rows_read=len(report.groups))
    logins = {g.login for g in report.schools()}
    found = {
        s.fisoko_login: s
        for s in School.objects.filter(fisoko_login__in=logins).select_related("municipality")
    }
    scope = None if user is None else set(visible_schools(user).values_list("pk", flat=True))
    assessment = Assessment.objects.filter(
        kind=report.assessment, subject=subject, grade=report.grade
    ).first()
    stored = {
        r.school_id: r
        for r in SchoolResult.objects.filter(
            assessment=assessment, year=report.year, school__in=found.values()
        )
    }
    rows, numbers, loaded = [], [], []
    for group in report.schools():
        school = found.get(group.login)
        why = None
        if school is None:
            why = "нет в реестре (логин ФИС ОКО не указан ни у одной школы)"
        elif scope is not None and school.pk not in scope:
            why = "вне вашей области работы"
        elif report.kind == fisoko.JOURNAL and school.pk not in stored:
            why = "нет её результатов «Статистики по отметкам» — загрузите сначала их"
        if why:
            summary.skipped.append(f"({group.login}) {group.name} — {why}")
            continue
        counts = _report_counts(report, group, stored.get(school.pk))
        rows.append(
            [school.code, str(report.year), report.assessment, subject.code, str(report.grade)]
            + [
                "" if counts[c] is None else str(counts[c])
                for c in _REPORT_COLUMNS[len(validation.KEYS) :]
            ]
        )
        numbers.append(group.number)
        loaded.append(school)
    territories = _report_territories(report, subject=subject, loaded=loaded)
    summary.territories = [t.name for t in territories]
    table = Table.from_rows(filename=filename, header=_REPORT_COLUMNS, rows=rows, numbers=numbers)
    return table, summary, territories


def _report_counts(
    report: fisoko.Report, group: fisoko.Group, stored: SchoolResult | None
) -> dict[str, int | None]:
    if report.kind == fisoko.JOURNAL:
        counts = {f: getattr(stored, f) for f in ["participants", *validation.MARKS]}
        return {**counts, **group.counts}
    counts = {"participants": group.participants, **group.counts}
    journal = {f: getattr(stored, f, None) for f in validation.JOURNAL}
    # The comparison kept from before must still fit the participants the report now gives.
    if None in journal.values() or sum(journal.values()) > group.participants:
        journal = dict.fromkeys(validation.JOURNAL)
    return {**counts, **journal}


def _report_territories(
    report: fisoko.Report, *, subject: Subject, loaded: list[School]
) -> list[ReferenceResult]:
    """The report's rows of «Вся выборка», the region and the municipalities as unsaved
    ReferenceResult. A territory is told by the schools below it, not by its name (the report
    writes «Саратовская обл.», the registry «Саратовская область»): the region of the loaded
    schools, the municipality of the loaded schools listed under its row."""
    by_login = {s.fisoko_login: s for s in loaded}
    region_ids = {s.municipality.region_id for s in loaded}
    kept, current = [], None
    below: dict[int, set[int]] = {}
    for group in report.groups:
        if group.login:
            if current is not None and group.login in by_login:
                below.setdefault(id(current), set()).add(by_login[group.login].municipality_id)
        else:
            current = group
    for level, group in report.territories():
        place = {}
        if level == TerritoryLevel.REGION:
            if len(region_ids) != 1:
                continue
            place = {"region_id": next(iter(region_ids))}
        elif level == TerritoryLevel.MUNICIPALITY:
            municipalities = below.get(id(group), set())
            if len(municipalities) != 1:
                continue  # none of its schools loaded: whose shares these are is not known
            place = {"municipality_id": next(iter(municipalities))}
        kept.append(
            ReferenceResult(
                level=level,
                name=group.label,
                participants=group.participants if report.kind == fisoko.MARKS else None,
                year=report.year,
                assessment=Assessment(kind=report.assessment, subject=subject, grade=report.grade),
                **place,
                **{f.replace("mark_", "share_"): v for f, v in group.shares.items()},
            )
        )
    return kept


def _store_territories(territories: list[ReferenceResult]) -> None:
    """Keep a report's shares of its territories, replacing those of the same report before."""
    for territory in territories:
        assessment, _ = Assessment.objects.get_or_create(
            kind=territory.assessment.kind,
            subject=territory.assessment.subject,
            grade=territory.assessment.grade,
        )
        place = {
            "level": territory.level,
            "region_id": territory.region_id,
            "municipality_id": territory.municipality_id,
        }
        given = {f: getattr(territory, f) for f in _TERRITORY_FIGURES}
        ReferenceResult.objects.update_or_create(
            assessment=assessment,
            year=territory.year,
            **place,
            defaults={"name": territory.name, **{f: v for f, v in given.items() if v is not None}},
        )


# What a report gives of a territory; the journal report's participants are only those with a
# journal mark, so a territory's participants come from «Статистика по отметкам».
_TERRITORY_FIGURES = [
    "participants",
    "share_2",
    "share_3",
    "share_4",
    "share_5",
    *validation.JOURNAL,
]


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
