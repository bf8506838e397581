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
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from opora import bulk
from opora.accounts.models import User
from opora.accounts.permissions import can_import_files, visible_schools
from opora.assessments import fisoko, validation
from opora.assessments.aggregation import aggregate_student_results
from opora.assessments.models import (
    Assessment,
    ImportBatch,
    ImportStatus,
    ReferenceResult,
    ResultImportJob,
    SchoolResult,
    Subject,
    TerritoryLevel,
)
from opora.assessments.selectors import subject_lookup
from opora.assessments.tasks import result_import_task
from opora.columnar import read_sql
from opora.registry.models import School
from opora.registry.years import academic_year_label
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


SHOWN_CHANGES = 10  # the biggest changes a preview lists


@dataclass
class ResultImportSummary:
    """What an import did — or, for a preview, what it would do: the plan is the same."""

    file_format: str  # "school" | "student" | fisoko.MARKS | fisoko.JOURNAL
    rows_read: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # A report's rows not loaded, each «(login) name — why»; a regional file holds every school.
    skipped: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)  # a report's rows kept for comparison
    schools: int = 0  # schools of the file matched in the registry
    source_format: str = ""
    # The biggest changes of replaced values: school, assessment, year, old and new counts.
    changes: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def describe(self) -> str:
        verbs = ("будет добавлено", "будет заменено") if self.dry_run else ("добавлено", "заменено")
        text = (
            f"Строк {FORMAT_WORDS[self.file_format]}: {self.rows_read}. Результатов {verbs[0]}: "
            f"{self.created}, {verbs[1]}: {self.updated}, без изменений: {self.unchanged}."
        )
        if self.territories:
            kept = "будут сохранены" if self.dry_run else "сохранены"
            text += f" Для сравнения {kept}: " + ", ".join(self.territories) + "."
        if self.skipped:
            text += f" Пропущено строк школ: {len(self.skipped)} — " + "; ".join(self.skipped) + "."
        return text

    def describe_changes(self) -> list[str]:
        """The biggest changes in words, for the command line."""
        return [
            f"{c['school']} · {c['assessment']} · {c['year_label']}: "
            f"{_marks_text(c['old'])} → {_marks_text(c['new'])}"
            for c in self.changes
        ]


def _marks_text(counts: list[int]) -> str:
    participants, *marks = counts
    return f"участников {participants}, «2»–«5»: {'/'.join(str(m) for m in marks)}"


def result_import(
    *,
    content: bytes,
    filename: str,
    imported_by: User | None,
    progress: Progress = _quiet,
    dry_run: bool = False,
    source_format: str | None = None,
    expected: dict | None = None,
    on_written: Callable[["ResultImportSummary"], None] | None = None,
) -> ResultImportSummary:
    """Load a file of school- or student-level results; a file with any error changes nothing.

    `imported_by` None is the command line, which may load results of every school. With
    `dry_run` nothing is written: the summary is the preview of what loading would do.
    `on_written` runs inside the import's transaction once the results are written, so what it
    records (a job's «загружен») commits together with them or not at all.
    """
    options = {
        "dry_run": dry_run,
        "source_format": source_format,
        "expected": expected,
        "on_written": on_written,
    }
    _check_may_import(imported_by)  # before reading: a refused user's file costs nothing
    progress(5, "чтение файла")
    if Path(filename).suffix.lower() != ".xlsx":
        table = read_table(content, filename=filename)
        return result_import_table(
            table=table, imported_by=imported_by, progress=progress, **options
        )
    lines = xlsx_lines(content, filename=filename)
    if not fisoko.is_report(lines):
        table = sheet_table(lines, filename=filename)
        return result_import_table(
            table=table, imported_by=imported_by, progress=progress, **options
        )
    report = fisoko.read_report(lines, filename=filename)
    table, summary, territories = _report_table(report, filename=filename, user=imported_by)
    return result_import_table(
        table=table,
        imported_by=imported_by,
        progress=progress,
        summary=summary,
        territories=territories,
        **options,
    )


def result_import_table(
    *,
    table: Table,
    imported_by: User | None,
    progress: Progress = _quiet,
    summary: ResultImportSummary | None = None,
    territories: list[ReferenceResult] = (),
    dry_run: bool = False,
    source_format: str | None = None,
    expected: dict | None = None,
    skipped: list[str] | None = None,
    on_written: Callable[[ResultImportSummary], None] | None = None,
) -> ResultImportSummary:
    """Check and store a table of results. A report of ФИС ОКО comes here as a school-level
    table with its `summary` begun (the rows it skipped) and its `territories` to keep.

    With `dry_run` nothing is written: the summary is the preview. `expected` is the preview's
    summary (asdict) the user confirmed: a different plan now refuses the file. `skipped`: rows
    a reader left out, each with its reason. `source_format` names the file's format for the
    values' provenance; by default it is told from the file."""
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
        if "journal_mark" not in table.frame.columns:  # no journal: keep the stored comparison
            rows = rows.drop(validation.JOURNAL)
    summary = summary or ResultImportSummary(file_format=file_format, rows_read=table.frame.height)
    summary.source_format = source_format or _detected_format(summary.file_format, table.filename)
    summary.dry_run = dry_run
    summary.skipped += skipped or []
    progress(60, f"сравнение {rows.height} результатов с уже загруженными")
    try:
        with transaction.atomic():
            plan = _plan(rows, school_ids=school_ids, summary=summary, create=not dry_run)
            if expected is not None and not _same_plan(summary, expected):
                raise table.refused([Problem(None, None, PLAN_CHANGED)])
            if not dry_run:
                progress(75, f"запись {summary.created + summary.updated} результатов")
                _apply(plan, summary=summary, filename=table.filename, imported_by=imported_by)
                _store_territories(territories)
                if on_written:
                    on_written(summary)
    except IntegrityError:
        # The plan's new results are inserted as new: another import that stored one of them
        # after the plan was read makes the unique key refuse it, and this file changes nothing.
        raise table.refused([Problem(None, None, PLAN_CHANGED)]) from None
    progress(100, "готово")
    return summary


def _same_plan(summary: ResultImportSummary, expected: dict) -> bool:
    fields = ("created", "updated", "unchanged", "changes")
    return all(getattr(summary, f) == expected.get(f) for f in fields)


def _detected_format(file_format: str, filename: str) -> str:
    """The format's name in words when the caller does not name it, e.g. «Opora CSV по школам»
    or «ФИС ОКО: Статистика по отметкам»."""
    if file_format in fisoko.TITLES:
        return f"ФИС ОКО: {fisoko.TITLES[file_format]}"
    extension = "XLSX" if filename.lower().endswith(".xlsx") else "CSV"
    kind = "по школам" if file_format == "school" else "по обучающимся"
    return f"Opora {extension} {kind}"


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


RESULT_KEY = ["school_id", "assessment_id", "year"]
SHOWN_COUNTS = ["participants", "mark_2", "mark_3", "mark_4", "mark_5"]


def _plan(
    rows: pl.DataFrame, *, school_ids: dict[str, int], summary: ResultImportSummary, create: bool
) -> pl.DataFrame:
    """The file's results with a history_type each: new "+", changed "~" or unchanged "=".

    The one diff behind both the preview and the write: existing values are read set-wise for
    the file's keys and joined in polars. Fills the summary's counts and biggest changes.
    """
    ids = pl.DataFrame(
        {"school_code": list(school_ids), "school_id": list(school_ids.values())},
        schema={"school_code": pl.String, "school_id": pl.Int64},
    )
    assessments = pl.DataFrame(
        [(*key, pk) for key, pk in _assessments(rows, create=create).items()],
        schema={
            "kind": pl.String,
            "subject": pl.String,
            "grade": pl.Int64,
            "assessment_id": pl.Int64,
        },
        orient="row",
    )
    counts = [c for c in COUNT_FIELDS if c in rows.columns]
    incoming = (
        rows.with_columns(pl.col("grade", "year").cast(pl.Int64))
        .join(ids, on="school_code")
        .join(assessments, on=["kind", "subject", "grade"])
        .select(*RESULT_KEY, *(pl.col(c).cast(pl.Int64) for c in counts))
    )
    existing = _existing_results(incoming.select(RESULT_KEY))
    joined = _keep_absent_journal(
        incoming.join(existing, on=RESULT_KEY, how="left", suffix="_old"), given=counts
    )
    plan = bulk.classify(joined, fields=COUNT_FIELDS)
    tally = plan[bulk.HISTORY_TYPE].value_counts()
    by_type = dict(zip(tally[bulk.HISTORY_TYPE], tally["count"], strict=True))
    summary.created = by_type.get(bulk.CREATED, 0)
    summary.updated = by_type.get(bulk.CHANGED, 0)
    summary.unchanged = by_type.get(bulk.UNCHANGED, 0)
    summary.schools = incoming["school_id"].n_unique()
    summary.changes = _biggest_changes(plan.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CHANGED))
    return plan.filter(pl.col(bulk.HISTORY_TYPE) != bulk.UNCHANGED).select(
        *RESULT_KEY, *COUNT_FIELDS, bulk.HISTORY_TYPE
    )


def _keep_absent_journal(joined: pl.DataFrame, *, given: list[str]) -> pl.DataFrame:
    """A file without the journal columns keeps the stored comparison (an empty cell of a present
    column clears it) while it still fits the participants the file now gives."""
    if all(c in given for c in validation.JOURNAL):
        return joined
    kept = pl.sum_horizontal(f"{c}_old" for c in validation.JOURNAL) <= pl.col("participants")
    return joined.with_columns(
        pl.when(kept).then(pl.col(f"{c}_old")).alias(c) for c in validation.JOURNAL
    ).select(*RESULT_KEY, *COUNT_FIELDS, *(f"{c}_old" for c in COUNT_FIELDS), "exists")


def _existing_results(keys: pl.DataFrame) -> pl.DataFrame:
    schema = {
        **{c: pl.Int64 for c in RESULT_KEY},
        **{f"{c}_old": pl.Int64 for c in COUNT_FIELDS},
        "exists": pl.Int64,
    }
    # A first load of a year's results (the bulk of the rows ever loaded) finds nothing: one
    # indexed probe spares staging every key.
    if not SchoolResult.objects.filter(
        assessment_id__in=keys["assessment_id"].unique().to_list(),
        year__in=keys["year"].unique().to_list(),
    ).exists():
        return pl.DataFrame(schema=schema)
    with bulk.staged(keys, name="result_keys") as source:
        fields = ", ".join(f"r.{c}" for c in [*RESULT_KEY, *COUNT_FIELDS])
        joined = " AND ".join(f"r.{c} = s.{c}" for c in RESULT_KEY)
        return read_sql(
            f"SELECT {fields}, 1 FROM {SchoolResult._meta.db_table} r JOIN {source} s ON {joined}",
            [],
            schema=schema,
        )


def _biggest_changes(changed: pl.DataFrame) -> list[dict]:
    """The replaced values that move the share of «2» or the quality the most, largest first."""
    if changed.is_empty():
        return []

    def share(columns: list[str], suffix: str = "") -> pl.Expr:
        total = pl.col(f"participants{suffix}")
        return pl.sum_horizontal(pl.col(f"{c}{suffix}") for c in columns) * 100 / total

    moved = changed.with_columns(
        pl.max_horizontal(
            (share(["mark_2"]) - share(["mark_2"], "_old")).abs(),
            (share(["mark_4", "mark_5"]) - share(["mark_4", "mark_5"], "_old")).abs(),
            (pl.col("participants") - pl.col("participants_old")).abs(),
        )
        .fill_nan(None)
        .fill_null(0)
        .alias("moved")
    ).top_k(SHOWN_CHANGES, by="moved")
    schools = dict(
        School.objects.filter(pk__in=moved["school_id"].to_list()).values_list("pk", "short_name")
    )
    assessments = Assessment.objects.select_related("subject").in_bulk(
        moved["assessment_id"].to_list()
    )
    return [
        {
            "school": schools[row["school_id"]],
            "assessment": str(assessments[row["assessment_id"]]),
            "year": row["year"],
            "year_label": academic_year_label(row["year"]),
            "old": [row[f"{c}_old"] for c in SHOWN_COUNTS],
            "new": [row[c] for c in SHOWN_COUNTS],
        }
        for row in moved.sort("moved", descending=True).iter_rows(named=True)
    ]


def _apply(
    plan: pl.DataFrame,
    *,
    summary: ResultImportSummary,
    filename: str,
    imported_by: User | None,
) -> ImportBatch:
    """Write the plan set-wise: the new results straight into the table (`COPY` /
    `executemany`), the changed ones by one UPDATE … FROM a temporary table, the history of each
    by one INSERT … SELECT; every written value points at the batch it came from. Runs in the
    caller's transaction."""
    batch = ImportBatch.objects.create(
        filename=filename,
        source_format=summary.source_format,
        created_by=imported_by,
        rows_read=summary.rows_read,
        created=summary.created,
        updated=summary.updated,
    )
    if plan.is_empty():
        return batch
    written = plan.with_columns(pl.lit(batch.pk, pl.Int64).alias("import_batch_id"))
    history = {
        "user_id": imported_by.pk if imported_by else None,
        "reason": f"Загрузка файла {filename}"[:100],
    }
    new = written.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CREATED)
    if not new.is_empty():
        # In the order of the unique index: each insert lands next to the one before. Before the
        # update below: the batch's rows are only the new ones yet.
        rows = new.drop(bulk.HISTORY_TYPE).sort(RESULT_KEY)
        bulk.insert_new(model=SchoolResult, frame=rows, batch="import_batch_id", **history)
    changed = written.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CHANGED)
    if not changed.is_empty():
        with bulk.staged(changed, name="results") as source:
            columns = [*COUNT_FIELDS, "import_batch_id"]
            bulk.update(model=SchoolResult, source=source, key=RESULT_KEY, columns=columns)
            bulk.write_history(model=SchoolResult, source=source, key=RESULT_KEY, **history)
    return batch


def _assessments(rows: pl.DataFrame, *, create: bool) -> dict[tuple[str, str, int], int]:
    """Each (kind, subject, grade) of the file and its assessment's id. An assessment not yet
    known is created only for a write: a preview gives it a stand-in id (negative), under which
    no result exists, so all its results are new."""
    subjects = dict(Subject.objects.values_list("code", "pk"))
    known = {
        (kind, subject, grade): pk
        for pk, kind, subject, grade in Assessment.objects.values_list(
            "pk", "kind", "subject__code", "grade"
        )
    }
    ids = {}
    for kind, subject, grade in rows.select("kind", "subject", "grade").unique().iter_rows():
        key = (kind, subject, grade)
        if key in known:
            ids[key] = known[key]
        elif create:
            ids[key] = Assessment.objects.create(
                kind=kind, subject_id=subjects[subject], grade=grade
            ).pk
        else:
            ids[key] = -1 - len(ids)
    return ids


def result_import_enqueue(*, upload, imported_by: User, confirmed: bool = False) -> ResultImportJob:
    """Keep the upload until a worker loads it; the job's page (or the API) shows the progress.

    Unless `confirmed`, the worker only previews the file (what it would add and replace) and
    keeps it until its uploader confirms (result_import_confirm) or PREVIEW_KEEP passes. The same
    rule and the same file limits for the page and the API: refused here, the file is never stored.
    """
    _check_may_import(imported_by)
    try:
        upload_validator(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    job = ResultImportJob.objects.create(
        created_by=imported_by, filename=upload.name, upload=upload, confirmed=confirmed
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def result_import_preview(*, upload, imported_by: User) -> ResultImportSummary:
    """What loading an uploaded file would do, at once and without keeping the file (the API's
    dry run); the same checks and limits as a load."""
    _check_may_import(imported_by)
    try:
        upload_validator(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    return result_import(
        content=upload.read(), filename=upload.name, imported_by=imported_by, dry_run=True
    )


PREVIEW_KEEP = datetime.timedelta(hours=24)
PREVIEW_EXPIRED = (
    "предпросмотр не подтверждён за сутки, файл удалён. Загрузите файл ещё раз, если он нужен"
)
PLAN_CHANGED = (
    "с момента предпросмотра результаты в Opora изменились (загружен другой файл), поэтому "
    "загрузка не выполнена. Загрузите файл ещё раз и проверьте новый предпросмотр"
)


@transaction.atomic
def result_import_confirm(*, job: ResultImportJob, user: User) -> bool:
    """Load a previewed file as previewed; False when there is nothing to confirm (confirmed
    already, expired, refused). Only its uploader confirms: the caller finds the job by user."""
    _check_may_import(user)
    if job.created_by_id != user.pk:
        raise PermissionDenied
    # The preview's task and worker are done with it: kept, the recovery took the confirmed job
    # for lost (its task finished, or its worker dead since) before a worker took it up again.
    confirmed = ResultImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.PREVIEW, expires_at__gt=timezone.now()
    ).update(
        status=ImportStatus.QUEUED, confirmed=True, progress=0, stage="", worker="", task_id=""
    )
    if confirmed:
        job.refresh_from_db()
        transaction.on_commit(lambda: _enqueue(job))
    return bool(confirmed)


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
        # The load re-checks the file and applies the plan its uploader saw, or nothing.
        summary = result_import(
            content=content,
            filename=job.filename,
            imported_by=job.created_by,
            progress=progress,
            dry_run=not job.confirmed,
            expected=job.counts if job.confirmed else None,
            on_written=lambda written: _record_loaded(job, written),
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
        _finish(job)
        raise
    else:
        if not job.confirmed:  # the file waits for its uploader's «Загрузить»
            job.summary, job.progress, job.counts = summary.describe(), 100, asdict(summary)
            job.status, job.expires_at = ImportStatus.PREVIEW, timezone.now() + PREVIEW_KEEP
            fields = ["status", "summary", "counts", "progress", "expires_at"]
            job.save(update_fields=fields)
            return
    _finish(job)


def _record_loaded(job: ResultImportJob, summary: ResultImportSummary) -> None:
    """«Загружен», saved in the import's own transaction: a worker killed right after the commit
    leaves a job that says what happened (the recovery then only deletes its file)."""
    job.summary, job.progress, job.counts = summary.describe(), 100, asdict(summary)
    job.status = ImportStatus.DONE
    job.save(update_fields=["status", "summary", "counts", "progress"])


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
    _expire_previews()
    lost = []
    for job in _unfinished_jobs():
        if not _is_lost(job):
            continue
        if job.status == ImportStatus.DONE:  # loaded; the worker died before deleting the file
            _finish(job)
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


def _expire_previews() -> None:
    """Delete the files of previews nobody confirmed in time: they may hold personal data."""
    for job in ResultImportJob.objects.filter(
        status=ImportStatus.PREVIEW, expires_at__lte=timezone.now()
    ):
        _refuse(job, [PREVIEW_EXPIRED])
        _finish(job)


def _unfinished_jobs():
    return ResultImportJob.objects.filter(
        Q(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        | Q(status=ImportStatus.DONE, finished_at__isnull=True)
    ).exclude(worker=_this_worker())  # the job this very process is running is alive


def _is_lost(job: ResultImportJob) -> bool:
    task = _task(job.task_id)
    if task is False:  # the task is gone (pruned)
        return True
    if task is not None and task.is_finished:
        return True
    claimed = job.status in (ImportStatus.RUNNING, ImportStatus.DONE) or (
        task is not None and task.status == "RUNNING"
    )
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
