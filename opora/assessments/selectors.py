"""Reads of results, always within the user's scope."""

from dataclasses import dataclass

import polars as pl
from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.accounts.models import User
from opora.accounts.permissions import visible_schools
from opora.assessments.metrics import HIGHER_IS_WORSE, MARK_COUNTS, with_change, with_metrics
from opora.assessments.models import (
    Assessment,
    AssessmentKind,
    ImportBatch,
    ReferenceResult,
    SchoolResult,
    Subject,
    TerritoryLevel,
)
from opora.columnar import read_frame
from opora.paging import LazyRows
from opora.registry.models import School
from opora.tabular import header_key

COUNTS = [*MARK_COUNTS, "journal_lowered", "journal_confirmed", "journal_raised"]


def subject_lookup() -> dict[str, Subject]:
    """Every subject by its code and by each of its names, compared as `header_key` compares:
    files write «Математика», «математика», «MATH». Reference data, the same for every user."""
    subjects = {}
    for subject in Subject.objects.all():
        for name in (subject.code, *subject.names):
            subjects.setdefault(header_key(name), subject)
    return subjects


def results_frame(
    *,
    schools: QuerySet[School],
    years: list[int] | None = None,
    counts: list[str] = COUNTS,
    assessments: QuerySet[Assessment] | None = None,
) -> pl.DataFrame:
    """Every result of these schools (in these years, of these assessments): school_code, year,
    kind, subject, grade and the `counts`, one row per school × assessment × year."""
    results = SchoolResult.objects.filter(school__in=schools)
    if years is not None:
        results = results.filter(year__in=years)
    if assessments is not None:
        results = results.filter(assessment__in=assessments)
    # Whole numbers only, columnar: at a country's two million results, joining the codes in
    # the database or building the frame row by row took most of a run.
    columns = ["school_id", "assessment_id", "year", *counts]
    frame = read_frame(results.values_list(*columns), {c: pl.Int64 for c in columns})
    codes = read_frame(
        schools.values_list("pk", "code"), {"school_id": pl.Int64, "school_code": pl.String}
    )
    assessments = read_frame(
        Assessment.objects.values_list("pk", "kind", "subject__code", "grade"),
        {"assessment_id": pl.Int64, "kind": pl.String, "subject": pl.String, "grade": pl.Int64},
    )
    return (
        frame.join(codes, on="school_id")
        .join(assessments, on="assessment_id")
        .select("school_code", "year", "kind", "subject", "grade", *counts)
    )


def subject_labels() -> dict[str, str]:
    return dict(Subject.objects.values_list("code", "name"))


KIND_LABELS = dict(AssessmentKind.choices)
KIND_ORDER = {kind: i for i, kind in enumerate(KIND_LABELS)}


@dataclass(frozen=True)
class AssessmentColumn:
    kind: str
    subject: str
    grade: int
    label: str

    @property
    def key(self) -> str:
        """The column's name in a sort parameter, e.g. «VPR-math-5»."""
        return f"{self.kind}-{self.subject}-{self.grade}"


@dataclass
class MetricCell:
    value: float | None
    change: float | None
    participants: int
    direction: str  # "better" | "worse" | ""


@dataclass
class MatrixRow:
    school: School
    cells: list[MetricCell | None]


def result_years(*, user: User) -> QuerySet:
    """The years with results in the user's scope: a year source (registry/years.py), which
    pages read through `years_of`, newest first."""
    years = SchoolResult.objects.filter(school__in=visible_schools(user)).values_list(
        "year", flat=True
    )
    return years.order_by().distinct()


def assessment_label(kind: str, subject: str, grade: int, labels: dict[str, str]) -> str:
    return f"{KIND_LABELS.get(kind, kind)} {labels.get(subject, subject)} {grade} кл."


def results_matrix(
    *,
    user: User,
    year: int,
    metric: str,
    municipality: str = "",
    kind: str = "",
    sort: str = "school",
) -> tuple[list[AssessmentColumn], LazyRows]:
    """Schools × assessments of `year`: the metric and its change from the year before. Rows go
    by school name, or by one column's figure (`sort` is a column key, «-» before it for the
    largest first) with the schools lacking that figure last. The order is decided for every
    school from one column at most; results are read only for the rows of the page shown."""
    schools = visible_schools(user)
    if municipality:
        schools = schools.filter(municipality__code=municipality)
    assessments = Assessment.objects.all()
    measured = SchoolResult.objects.filter(school__in=schools, year=year)
    if kind:
        assessments = assessments.filter(kind=kind)
        measured = measured.filter(assessment__kind=kind)
    # DISTINCT makes PostgreSQL collect the year's assessments once, by the (school, year)
    # index; a plain IN probed each assessment's results of every year (35 → 6 ms, 1,000 schools).
    in_year = measured.order_by().values("assessment_id").distinct()
    columns = _matrix_columns(assessments.filter(pk__in=in_year))
    # EXISTS looks up each school's own results by index; IN would gather the region's first.
    with_results = schools.filter(Exists(measured.filter(school=OuterRef("pk"))))
    column = next((c for c in columns if c.key == sort.lstrip("-")), None)
    if column is None:
        by_name = ["-short_name", "-code"] if sort == "-school" else ["short_name", "code"]
        # A list, not a queryset: counting the rows and slicing the page would read them twice.
        order = list(with_results.order_by(*by_name).values_list("code", flat=True))
    else:
        order = _matrix_order(with_results, column, year=year, metric=metric, sort=sort)
    return columns, LazyRows(
        order,
        lambda codes: _matrix_rows(codes, schools, assessments, columns, year=year, metric=metric),
    )


def _matrix_columns(assessments: QuerySet[Assessment]) -> list[AssessmentColumn]:
    labels = subject_labels()
    keys = list(assessments.values_list("kind", "subject__code", "grade"))
    keys.sort(key=lambda k: (KIND_ORDER.get(k[0], 9), k[2], k[1]))
    return [AssessmentColumn(k, s, g, assessment_label(k, s, g, labels)) for k, s, g in keys]


def _changes(
    schools: QuerySet[School], assessments: QuerySet[Assessment], *, year: int, metric: str
) -> pl.DataFrame:
    frame = results_frame(
        schools=schools, years=[year - 1, year], counts=MARK_COUNTS, assessments=assessments
    )
    return with_change(frame, year=year).select(
        "school_code", "kind", "subject", "grade", metric, f"{metric}_change", "participants"
    )


def _matrix_order(
    with_results: QuerySet[School], column: AssessmentColumn, *, year: int, metric: str, sort: str
) -> list[str]:
    """Codes of the schools with results by one column's figure, those lacking it last."""
    assessment = Assessment.objects.filter(
        kind=column.kind, subject__code=column.subject, grade=column.grade
    )
    changes = _changes(with_results, assessment, year=year, metric=metric)
    figures = dict(changes.select("school_code", metric).drop_nulls().iter_rows())
    by_name = list(with_results.order_by("short_name", "code").values_list("code", flat=True))
    # sort() is stable: schools with equal figures stay in the order of their names.
    ranked = sorted(
        (code for code in by_name if code in figures),
        key=figures.__getitem__,
        reverse=sort.startswith("-"),
    )
    return ranked + [code for code in by_name if code not in figures]


def _matrix_rows(
    codes: list[str],
    schools: QuerySet[School],
    assessments: QuerySet[Assessment],
    columns: list[AssessmentColumn],
    *,
    year: int,
    metric: str,
) -> list[MatrixRow]:
    shown_schools = schools.filter(code__in=codes)
    changes = _changes(shown_schools, assessments, year=year, metric=metric)
    position = {(c.kind, c.subject, c.grade): i for i, c in enumerate(columns)}
    cells = {code: [None] * len(columns) for code in codes}
    for code, row_kind, subject, grade, value, change, participants in changes.iter_rows():
        cells[code][position[(row_kind, subject, grade)]] = _cell(
            value, change, participants, metric
        )
    found = {
        school.code: school
        for school in shown_schools.select_related("municipality").only(
            "code", "short_name", "municipality__name"
        )
    }
    return [MatrixRow(school=found[code], cells=cells[code]) for code in codes]


def _cell(value, change, participants: int, metric: str) -> MetricCell:
    direction = ""
    if change:
        direction = "worse" if (change > 0) == HIGHER_IS_WORSE[metric] else "better"
    return MetricCell(value, change, participants, direction)


@dataclass
class SchoolAssessmentRow:
    label: str
    key: tuple[str, str, int]
    by_year: dict[int, dict]  # year -> participants, marks and metrics


def school_results(*, school: School) -> tuple[list[int], list[SchoolAssessmentRow]]:
    """A school's results by assessment (rows) and year (columns, latest first), every metric."""
    frame = with_metrics(results_frame(schools=School.objects.filter(pk=school.pk)))
    years = sorted(frame["year"].unique().to_list(), reverse=True)
    labels = subject_labels()
    rows: dict[tuple, SchoolAssessmentRow] = {}
    for row in frame.sort("kind", "grade", "subject").iter_rows(named=True):
        key = (row["kind"], row["subject"], row["grade"])
        entry = rows.setdefault(key, SchoolAssessmentRow(assessment_label(*key, labels), key, {}))
        entry.by_year[row["year"]] = row
    ordered = sorted(rows.values(), key=lambda r: (KIND_ORDER.get(r.key[0], 9), r.key[2], r.key[1]))
    return years, ordered


@dataclass
class ResultSource:
    """Where one result of a school came from: the file, its format, when and who loaded it."""

    label: str  # the assessment in words
    year: int
    batch: ImportBatch | None  # None: loaded before files were recorded


def school_result_sources(*, school: School) -> list[ResultSource]:
    """Each result of the school with the file it came from, in the order of its results table;
    the caller has checked that the user sees the school."""
    labels = subject_labels()
    results = (
        SchoolResult.objects.filter(school=school)
        .select_related("assessment__subject", "import_batch__created_by")
        .order_by("-year")
    )
    sources = [
        (
            (KIND_ORDER.get(r.assessment.kind, 9), r.assessment.grade, r.assessment.subject.code),
            ResultSource(
                assessment_label(
                    r.assessment.kind, r.assessment.subject.code, r.assessment.grade, labels
                ),
                r.year,
                r.import_batch,
            ),
        )
        for r in results
    ]
    return [source for _, source in sorted(sources, key=lambda s: s[0])]


@dataclass
class ReferenceRow:
    """A school's result in one assessment beside the shares of its municipality, its region and
    the whole country (from reports of ФИС ОКО), each a ReferenceResult or None."""

    label: str
    school: dict  # participants, marks and metrics, as in SchoolAssessmentRow.by_year
    municipality: ReferenceResult | None
    region: ReferenceResult | None
    country: ReferenceResult | None


def school_reference_rows(
    *, school: School, rows: list[SchoolAssessmentRow], year: int
) -> list[ReferenceRow]:
    """The school's results of `year` that have shares of a territory to compare with."""
    found = ReferenceResult.objects.filter(year=year).filter(
        Q(level=TerritoryLevel.COUNTRY)
        | Q(level=TerritoryLevel.REGION, region_id=school.municipality.region_id)
        | Q(level=TerritoryLevel.MUNICIPALITY, municipality_id=school.municipality_id)
    )
    shares: dict[tuple, dict[str, ReferenceResult]] = {}
    for reference in found.select_related("assessment__subject"):
        a = reference.assessment
        shares.setdefault((a.kind, a.subject.code, a.grade), {})[reference.level] = reference
    return [
        ReferenceRow(
            label=row.label,
            school=row.by_year[year],
            **{level: shares[row.key].get(level) for level in TerritoryLevel.values},
        )
        for row in rows
        if row.key in shares and year in row.by_year
    ]
