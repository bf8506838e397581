"""The operations of API v1, one router per area. Each reads through the area's selectors or
the permission module and writes through its services, exactly as the pages do."""

import datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from opora.accounts.permissions import visible_schools
from opora.assessments import services as assessments
from opora.assessments.models import ResultImportJob, SchoolResult
from opora.identification import selectors as run_selectors
from opora.meetings import selectors as meeting_selectors
from opora.meetings import services as meeting_services
from opora.meetings.models import DecisionStatus
from opora.programs import selectors as program_selectors
from opora.programs import services as program_services
from opora.programs.models import Activity, ActivityStatus, Indicator, IndicatorValue

# Bounds keep generated or mistyped numbers from reaching the database as overflows.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]
# A code or status to filter by: PostgreSQL refuses a NUL character in a query with an error.
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


class Pages(LimitOffsetPagination):
    """Pages of 100 rows by default, at most 1,000 a request."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]


def answers(ok, *, status: int = 200) -> dict:
    """The success schema and the errors every operation may give, all documented."""
    return {status: ok, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


schools = Router()
results = Router()
identification = Router()
programs = Router()
indicators = Router()
activities = Router()
decisions = Router()


# ── Schools ──────────────────────────────────────────────────────────────────────────────


class SchoolOut(Schema):
    code: str
    name: str
    short_name: str
    school_type: str
    municipality: str = Field(alias="municipality.code")
    parent: str | None = Field(None, alias="parent.code")
    settlement: str
    is_rural: bool | None
    is_small: bool


@schools.get("", response=answers(list[SchoolOut]), summary="Школы")
@paginate(Pages)
def school_list(request, municipality: Text = None, school_type: Text = None):
    """Школы в вашей области работы; фильтры — код муниципалитета и тип (СОШ, ООШ, филиал…)."""
    found = visible_schools(request.user).select_related("municipality", "parent")
    if municipality:
        found = found.filter(municipality__code=municipality)
    if school_type:
        found = found.filter(school_type=school_type)
    return found.order_by("code")


@schools.get("/{code}", response=answers(SchoolOut), summary="Школа")
def school_detail(request, code: str):
    return get_object_or_404(
        visible_schools(request.user).select_related("municipality"), code=code
    )


# ── Results ──────────────────────────────────────────────────────────────────────────────


class ResultOut(Schema):
    school: str = Field(alias="school.code")
    year: int
    kind: str = Field(alias="assessment.kind")
    subject: str = Field(alias="assessment.subject.code")
    grade: int = Field(alias="assessment.grade")
    participants: int
    mark_2: int
    mark_3: int
    mark_4: int
    mark_5: int


class ImportAcceptedOut(Schema):
    id: int
    status: str
    url: str


class ImportCountsOut(Schema):
    file_format: str
    rows_read: int
    created: int
    updated: int
    unchanged: int


class ChangeOut(Schema):
    school: str
    assessment: str
    year: int
    old: list[int | None]
    new: list[int | None]


class ImportPreviewOut(ImportCountsOut):
    schools: int
    source_format: str
    changes: list[ChangeOut]
    skipped: list[str]


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    status_label: str
    stage: str
    progress: int
    summary: str | None
    counts: ImportCountsOut | None
    problems: list[str]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(job: ResultImportJob) -> str:
        return job.get_status_display()

    @staticmethod
    def resolve_summary(job: ResultImportJob) -> str | None:
        return job.summary if job.is_finished else None


@results.get("", response=answers(list[ResultOut]), summary="Результаты оценочных процедур")
@paginate(Pages)
def result_list(
    request,
    school: Text = None,
    year: Year = None,
    kind: Text = None,
    subject: Text = None,
):
    """Результаты школ вашей области: год — по окончанию учебного года (2023 = 2022/23)."""
    found = SchoolResult.objects.filter(school__in=visible_schools(request.user))
    filters = {
        "school__code": school,
        "year": year,
        "assessment__kind": kind,
        "assessment__subject__code": subject,
    }
    found = found.filter(**{k: v for k, v in filters.items() if v is not None})
    return found.select_related("school", "assessment__subject").order_by("pk")


@results.post(
    "/import",
    response={**answers(ImportAcceptedOut, status=202), 200: ImportPreviewOut},
    summary="Загрузить файл результатов",
)
def result_upload(request, file: File[UploadedFile], dry_run: Query[bool] = False):
    """CSV или XLSX в формате docs/formats.md (по школам, по обучающимся или отчёт ФИС ОКО, как
    скачан), как на странице загрузки: те же права, те же ограничения размера и вида файла.
    Файл загружается в фоне; ответ 202 даёт номер задания и адрес, по которому спрашивать, чем
    оно кончилось.

    С `dry_run=true` ничего не записывается: ответ 200 — предпросмотр (сколько результатов
    добавится, заменится, останется без изменений, самые большие изменения), файл не хранится."""
    if dry_run:
        return Status(200, assessments.result_import_preview(upload=file, imported_by=request.user))
    job = assessments.result_import_enqueue(upload=file, imported_by=request.user, confirmed=True)
    url = reverse("api:result_import_job", kwargs={"job_id": job.pk})
    return Status(202, {"id": job.pk, "status": job.status, "url": url})


@results.get(
    "/import/{job_id}",
    response=answers(ImportJobOut),
    summary="Ход загрузки файла результатов",
    url_name="result_import_job",
)
def result_import_job(request, job_id: Id):
    """Состояние (queued, running, done, refused), готовность в процентах; по окончании — итог,
    а если файл не загружен — ошибки с номерами строк и столбцов. Видно только тому, кто
    загрузил файл."""
    return get_object_or_404(ResultImportJob, pk=job_id, created_by=request.user)


# ── Identification ───────────────────────────────────────────────────────────────────────


class OrderOut(Schema):
    number: str
    date: datetime.date
    issuer: str


class RunOut(Schema):
    id: int
    rule: str = Field(alias="rule_set.code")
    rule_version: int = Field(alias="rule_set.version")
    category: str = Field(alias="rule_set.category")
    year: int
    municipality: str | None = Field(None, alias="municipality.code")
    status: str
    order: OrderOut | None
    schools_count: int
    flagged_count: int


class VerdictOut(Schema):
    school: str = Field(alias="school.code")
    flagged: bool
    category: str
    reasons: list[str]


@identification.get("/runs", response=answers(list[RunOut]), summary="Запуски выявления")
@paginate(Pages)
def run_list(request, year: Year = None, status: Text = None):
    """Запуски и утверждённые списки; status=approved — только официальные списки."""
    runs = run_selectors.run_list(user=request.user).select_related("order")
    if year is not None:
        runs = runs.filter(year=year)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-year", "pk")


@identification.get(
    "/runs/{run_id}/verdicts", response=answers(list[VerdictOut]), summary="Решения по школам"
)
@paginate(Pages)
def run_verdicts(request, run_id: Id, flagged: bool | None = None):
    """Для каждой школы: отобрана ли, категория и обоснование словами."""
    run = get_object_or_404(run_selectors.run_list(user=request.user), pk=run_id)
    verdicts = run_selectors.run_verdicts(user=request.user, run=run)
    return verdicts if flagged is None else verdicts.filter(flagged=flagged)


# ── Programs, indicators, activities ────────────────────────────────────────────────────


class ProgramOut(Schema):
    id: int
    name: str
    municipality: str = Field(alias="municipality.code")
    school: str | None = Field(None, alias="school.code")
    level: str
    kind: str
    status: str
    period: str
    order: OrderOut | None


class IndicatorOut(Schema):
    id: int
    number: str
    name: str
    section: str
    unit: str
    scope: str
    school: str | None = Field(None, alias="school.code")
    baseline: str
    baseline_year: int | None
    targets: dict[int, str]
    status: str


class ValueOut(Schema):
    measured_on: datetime.date
    school: str | None
    value: str
    evidence_link: str
    computed_from: str

    @staticmethod
    def resolve_school(value: IndicatorValue) -> str | None:
        """A value of an indicator «одна школа» is stored without a school: it is the
        indicator's school's."""
        school = value.school or value.indicator.school
        return school.code if school else None


class ValueIn(Schema):
    measured_on: datetime.date
    value: str = Field(min_length=1, max_length=100)
    evidence_link: str = ""
    school: str | None = None


class ActivityOut(Schema):
    id: int
    number: str
    text: str
    period: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    responsible: str
    status: str
    evidence_link: str
    comment: str


class ActivityIn(Schema):
    status: ActivityStatus
    evidence_link: str = ""
    comment: str = ""


@programs.get("", response=answers(list[ProgramOut]), summary="Программы и дорожные карты")
@paginate(Pages)
def program_list(request, municipality: Text = None, status: Text = None):
    found = program_selectors.program_list(user=request.user)
    if municipality:
        found = found.filter(municipality__code=municipality)
    if status:
        found = found.filter(status=status)
    return found.order_by("pk")


@programs.get("/{program_id}", response=answers(ProgramOut), summary="Программа")
def program_detail(request, program_id: Id):
    return program_selectors.program_get(user=request.user, pk=program_id)


@programs.get(
    "/{program_id}/indicators", response=answers(list[IndicatorOut]), summary="Показатели"
)
@paginate(Pages)
def program_indicators(request, program_id: Id):
    """Целевые показатели с целями по годам и итогом: achieved, not_achieved, no_data."""
    program = program_selectors.program_get(user=request.user, pk=program_id)
    return [
        {**_indicator_fields(row.indicator), "targets": row.targets, "status": row.status}
        for row in program_selectors.indicator_rows(program=program)
    ]


@programs.get(
    "/{program_id}/activities", response=answers(list[ActivityOut]), summary="Дорожная карта"
)
@paginate(Pages)
def program_activities(request, program_id: Id, status: ActivityStatus | None = None):
    program = program_selectors.program_get(user=request.user, pk=program_id)
    found = program.activities.all()
    return found if status is None else found.filter(status=status)


def _indicator_fields(indicator: Indicator) -> dict:
    fields = ("id", "number", "name", "section", "unit", "scope", "baseline", "baseline_year")
    values = {name: getattr(indicator, name) for name in fields}
    return {**values, "school": indicator.school.code if indicator.school_id else None}


def _indicator(request, indicator_id: Id) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("program"), pk=indicator_id)
    program_selectors.program_get(user=request.user, pk=indicator.program_id)
    return indicator


@indicators.get("/{indicator_id}/values", response=answers(list[ValueOut]), summary="Значения")
@paginate(Pages)
def indicator_values(request, indicator_id: Id):
    return _indicator(request, indicator_id).values.select_related("school", "indicator__school")


@indicators.post("/{indicator_id}/values", response=answers(ValueOut), summary="Внести значение")
def indicator_value_enter(request, indicator_id: Id, payload: ValueIn):
    """Значение на дату; для показателя «каждая школа» укажите код школы."""
    indicator = _indicator(request, indicator_id)
    school = (
        get_object_or_404(visible_schools(request.user), code=payload.school)
        if payload.school
        else None
    )
    return program_services.indicator_value_save(
        indicator=indicator,
        user=request.user,
        measured_on=payload.measured_on,
        value=payload.value,
        evidence_link=payload.evidence_link,
        school=school,
    )


@activities.patch("/{activity_id}", response=answers(ActivityOut), summary="Отметить выполнение")
def activity_mark(request, activity_id: Id, payload: ActivityIn):
    activity = get_object_or_404(Activity, pk=activity_id)
    program_selectors.program_get(user=request.user, pk=activity.program_id)
    return program_services.activity_update(
        activity=activity,
        user=request.user,
        status=payload.status,
        evidence_link=payload.evidence_link,
        comment=payload.comment,
    )


# ── Decisions of working groups ──────────────────────────────────────────────────────────


class DecisionOut(Schema):
    id: int
    municipality: str = Field(alias="item.meeting.group.municipality.code")
    meeting_number: int = Field(alias="item.meeting.number")
    meeting_date: datetime.date = Field(alias="item.meeting.date")
    number: int
    text: str
    owner: str = Field(alias="owner_label")
    deadline: str = Field(alias="deadline_text")
    due_on: datetime.date | None
    status: str
    evidence_link: str
    evidence_note: str


class DecisionIn(Schema):
    status: DecisionStatus
    evidence_link: str = ""
    evidence_note: str = ""


@decisions.get("", response=answers(list[DecisionOut]), summary="Решения рабочих групп")
@paginate(Pages)
def decision_list(request, state: Literal["open", "overdue", "all"] = "open"):
    """Решения протоколов: open — на исполнении, overdue — просроченные, all — все."""
    today = timezone.localdate()
    return meeting_selectors.decision_list(user=request.user, state=state, today=today)


@decisions.patch("/{decision_id}", response=answers(DecisionOut), summary="Отметить исполнение")
def decision_mark(request, decision_id: Id, payload: DecisionIn):
    decision = meeting_selectors.decision_get(user=request.user, pk=decision_id)
    return meeting_services.decision_status_update(
        user=request.user,
        decision=decision,
        status=payload.status,
        evidence_link=payload.evidence_link,
        evidence_note=payload.evidence_note,
    )
