"""Every write of the staff app: the imports of teachers and of diagnostics, the staffing
figures they give a school, and the edits of teachers, ИОМ, courses, mentoring, events and
at-risk figures.

Each write checks its `user` (`imported_by` for an import) itself; None is the console operator
(see opora.accounts.permissions)."""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_review_route,
    edits_staff,
    edits_staff_somewhere,
    records_diagnostics,
    records_diagnostics_somewhere,
    runs_methodical_work,
)
from opora.assessments.models import Subject
from opora.assessments.selectors import subject_lookup
from opora.registry.models import ContextIndicator, ContextValue, School
from opora.registry.services import FALSE_WORDS, TRUE_WORDS
from opora.registry.years import current_academic_year
from opora.staff.models import (
    AgeBand,
    AtRiskFigure,
    Category,
    Course,
    CourseCompletion,
    Deficit,
    Diagnostic,
    DiagnosticKind,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    Route,
    RouteActivity,
    RouteReview,
    RouteTemplate,
    Teacher,
    Vacancy,
)
from opora.tabular import (
    ImportRefused,
    Problem,
    Table,
    check_columns,
    header_key,
    named_columns,
    read_table,
)

TEACHERS_REQUIRED = ["school_code", "full_name", "position"]
TEACHERS_OPTIONAL = [
    "personnel_number",
    "subjects",
    "category",
    "age_band",
    "workload",
    "young_specialist",
]
DIAGNOSTICS_REQUIRED = ["school_code", "date", "instrument"]
DIAGNOSTICS_OPTIONAL = ["personnel_number", "full_name", "kind", "subject", "score", "deficits"]
# Each column's Russian names (the first is the one templates and docs/formats.md write).
TEACHERS_NAMES = {
    "school_code": ["Код ОО", "Код школы"],
    "personnel_number": ["Табельный номер"],
    "full_name": ["ФИО", "Фамилия, имя, отчество"],
    "position": ["Должность"],
    "subjects": ["Предметы"],
    "category": ["Категория", "Квалификационная категория"],
    "age_band": ["Возраст"],
    "workload": ["Нагрузка, ставок", "Нагрузка"],
    "young_specialist": ["Молодой специалист"],
}
DIAGNOSTICS_NAMES = {
    **{c: TEACHERS_NAMES[c] for c in ["school_code", "personnel_number", "full_name"]},
    "date": ["Дата"],
    "instrument": ["Инструмент"],
    "kind": ["Вид"],
    "subject": ["Предмет"],
    "score": ["Результат, %", "Результат"],
    "deficits": ["Дефициты"],
}

CATEGORY_WORDS = {
    "": Category.NONE,
    "без категории": Category.NONE,
    "нет": Category.NONE,
    "соответствие": Category.CONFORMITY,
    "соответствие занимаемой должности": Category.CONFORMITY,
    "сзд": Category.CONFORMITY,
    "первая": Category.FIRST,
    "1": Category.FIRST,
    "высшая": Category.HIGHEST,
}
AGE_WORDS = {
    "": "",
    "до 30": AgeBand.UNDER_30,
    "до 30 лет": AgeBand.UNDER_30,
    "30-49": AgeBand.FROM_30,
    "30-49 лет": AgeBand.FROM_30,
    "50-64": AgeBand.FROM_50,
    "50-64 года": AgeBand.FROM_50,
    "65+": AgeBand.OVER_65,
    "65 и старше": AgeBand.OVER_65,
    "65 лет и старше": AgeBand.OVER_65,
}
KIND_WORDS = {
    "": DiagnosticKind.DIAGNOSTIC,
    "диагностика": DiagnosticKind.DIAGNOSTIC,
    "самодиагностика": DiagnosticKind.SELF,
    "самооценка": DiagnosticKind.SELF,
}
# Shown in the history of a context value written from the teachers list.
STAFF_LIST_REASON = "рассчитано по списку педагогов"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False  # a preview: counted by writing and rolling back

    def describe(self, noun: str) -> str:
        created, updated = (
            ("Будет создано", "будет обновлено")
            if self.dry_run
            else (
                "Создано",
                "обновлено",
            )
        )
        return (
            f"{created} {noun}: {self.created}, {updated}: {self.updated}, "
            f"без изменений: {self.unchanged}."
        )


def _rehearsed(store, *args, dry_run: bool) -> ImportResult:
    """The store's own writes; for a preview they are rolled back, so the preview counts exactly
    what loading does."""
    with transaction.atomic():
        result = store(*args)
        result.dry_run = dry_run
        transaction.set_rollback(dry_run)
    return result


def _words(text: str) -> str:
    """Lower case, one kind of dash and single spaces: «65 лет  и старше», «30–49» match."""
    return re.sub(r"\s+", " ", text.lower().replace("–", "-").replace("—", "-")).strip()


def _decimal(text: str) -> Decimal | None | bool:
    """A number written the Russian or the English way; None when empty, False when not one."""
    if not text:
        return None
    try:
        return Decimal(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return False


def _date(text: str) -> datetime.date | None:
    """ДД.ММ.ГГГГ as people type it, or ГГГГ-ММ-ДД as XLSX date cells arrive."""
    for pattern, length in (("%d.%m.%Y", None), ("%Y-%m-%d", 10)):
        try:
            return datetime.datetime.strptime(text[:length] if length else text, pattern).date()
        except ValueError:
            continue
    return None


def _split(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def _deficit_lookup() -> dict[str, Deficit]:
    deficits = {}
    for deficit in Deficit.objects.all():
        deficits[deficit.code.lower()] = deficit
        deficits[_words(deficit.name)] = deficit
    return deficits


def _scoped_schools(table: Table, user: User | None) -> tuple[dict[str, School], list[Problem]]:
    """Schools the file names, and a problem for each row naming an unknown or foreign one."""
    codes = {cells["school_code"] for _, cells in table.rows}
    schools = {
        s.code: s for s in School.objects.filter(code__in=codes).select_related("municipality")
    }
    problems = []
    for number, cells in table.rows:
        school = schools.get(cells["school_code"])
        if not cells["school_code"]:
            continue  # reported as an empty value
        if school is None:
            problems.append(
                Problem(number, "school_code", f"школа {cells['school_code']} не найдена")
            )
        elif user is not None and not _may_write(user, school, table):
            problems.append(Problem(number, "school_code", "школа вне вашей области работы"))
    return schools, problems


def _may_write(user: User, school: School, table: Table) -> bool:
    if "instrument" in table.header:  # a diagnostics file
        return records_diagnostics(user, school)
    return edits_staff(user, school)


# --- Teachers -------------------------------------------------------------------------------


@dataclass
class TeacherRow:
    number: int
    school_code: str
    personnel_number: str
    full_name: str
    position: str
    subjects: list[Subject] | None  # None: the file has no such column, keep what is stored
    values: dict


def teachers_import(
    *, content: bytes, filename: str, imported_by: User | None, dry_run: bool = False
) -> ImportResult:
    """Create or update the teachers of schools from a file; a file with any error changes
    nothing. `imported_by` None is the command line, which works with the whole database.
    `dry_run`: what loading would do, nothing written."""
    if imported_by is not None and not edits_staff_somewhere(imported_by):
        raise PermissionDenied
    table = named_columns(read_table(content, filename=filename), TEACHERS_NAMES)
    check_columns(
        table, required=TEACHERS_REQUIRED, optional=TEACHERS_OPTIONAL, names=TEACHERS_NAMES
    )
    schools, problems = _scoped_schools(table, imported_by)
    rows, row_problems = _parse_teacher_rows(table)
    problems += row_problems
    if problems:
        raise table.refused(sorted(problems, key=lambda p: p.row or 0))
    return _rehearsed(_store_teachers, rows, schools, dry_run=dry_run)


def _parse_teacher_rows(table: Table) -> tuple[list[TeacherRow], list[Problem]]:
    subjects = subject_lookup()
    rows, problems, first_row = [], [], {}
    for number, cells in table.rows:
        key = (cells["school_code"], cells.get("personnel_number") or cells["full_name"].lower())
        earlier = first_row.setdefault(key, number)
        problems += [
            Problem(number, column, message)
            for column, message in _teacher_row_problems(
                cells, subjects, repeats=earlier if earlier != number else None
            )
        ]
        rows.append(_teacher_row(number, cells, subjects))
    return rows, problems


def _teacher_row_problems(
    cells: dict[str, str], subjects: dict[str, Subject], *, repeats: int | None
) -> Iterator[tuple[str, str]]:
    for column in TEACHERS_REQUIRED:
        if not cells[column]:
            yield column, "пустое значение"
    if repeats:
        column = "personnel_number" if cells.get("personnel_number") else "full_name"
        yield column, f"этот педагог школы уже встречался в строке {repeats}"
    unknown = [s for s in _split(cells.get("subjects", ""), ",;") if header_key(s) not in subjects]
    if unknown:
        yield "subjects", f"неизвестные предметы: {', '.join(unknown)} (см. docs/formats.md)"
    if _words(cells.get("category", "")) not in CATEGORY_WORDS:
        yield (
            "category",
            (
                f"неизвестная категория «{cells['category']}»; допустимы: без категории, "
                "соответствие, первая, высшая"
            ),
        )
    if _words(cells.get("age_band", "")) not in AGE_WORDS:
        yield (
            "age_band",
            (f"неизвестный возраст «{cells['age_band']}»; допустимы: до 30, 30–49, 50–64, 65+"),
        )
    workload = _decimal(cells.get("workload", ""))
    if workload is False or (workload is not None and not 0 <= workload <= 4):
        yield "workload", f"ожидается число ставок от 0 до 4, а не «{cells['workload']}»"
    if cells.get("young_specialist", "").lower() not in TRUE_WORDS | FALSE_WORDS:
        yield "young_specialist", f"ожидается «да» или «нет», а не «{cells['young_specialist']}»"


def _teacher_row(number: int, cells: dict[str, str], subjects: dict[str, Subject]) -> TeacherRow:
    values = {"position": cells["position"]}
    if "category" in cells:
        values["category"] = CATEGORY_WORDS.get(_words(cells["category"]), Category.NONE)
    if "age_band" in cells:
        values["age_band"] = AGE_WORDS.get(_words(cells["age_band"]), "")
    workload = _decimal(cells.get("workload", ""))
    if "workload" in cells and workload not in (None, False):
        values["workload"] = workload
    if "young_specialist" in cells:
        values["is_young_specialist"] = cells["young_specialist"].lower() in TRUE_WORDS
    codes = _split(cells.get("subjects", ""), ",;")
    return TeacherRow(
        number=number,
        school_code=cells["school_code"],
        personnel_number=cells.get("personnel_number", ""),
        full_name=cells["full_name"],
        position=cells["position"],
        subjects=[subjects[header_key(c)] for c in codes if header_key(c) in subjects]
        if "subjects" in cells
        else None,
        values=values,
    )


@transaction.atomic
def _store_teachers(rows: list[TeacherRow], schools: dict[str, School]) -> ImportResult:
    result = ImportResult()
    touched = set()
    for row in rows:
        school = schools[row.school_code]
        teacher = _find_teacher(school, row.personnel_number, row.full_name)
        values = {**row.values, "full_name": row.full_name}
        if row.personnel_number:
            values["personnel_number"] = row.personnel_number
        if teacher is None:
            teacher = Teacher(school=school, **values)
            teacher.full_clean()
            teacher.save()
            if row.subjects:
                teacher.subjects.set(row.subjects)
            result.created += 1
            touched.add(school)
            continue
        changed = {k: v for k, v in values.items() if getattr(teacher, k) != v}
        subjects_changed = row.subjects is not None and set(row.subjects) != set(
            teacher.subjects.all()
        )
        if changed:
            for name, value in changed.items():
                setattr(teacher, name, value)
            teacher.full_clean()
            teacher.save()
        if subjects_changed:
            teacher.subjects.set(row.subjects)
        if changed or subjects_changed:
            result.updated += 1
            touched.add(school)
        else:
            result.unchanged += 1
    year = current_academic_year(timezone.localdate())
    for school in touched:
        staffing_context_compute(school=school, year=year)
    return result


def _find_teacher(school: School, personnel_number: str, full_name: str) -> Teacher | None:
    """By the personnel number; a teacher stored without one is found by the full name and
    receives the number, so that adding numbers to a list does not duplicate anybody."""
    teachers = Teacher.objects.filter(school=school)
    if personnel_number:
        found = teachers.filter(personnel_number=personnel_number).first()
        if found:
            return found
    return teachers.filter(personnel_number="", full_name__iexact=full_name).first()


# --- Diagnostics ----------------------------------------------------------------------------


@dataclass
class DiagnosticRow:
    number: int
    teacher: Teacher | None
    taken_on: datetime.date | None
    subject: Subject | None
    instrument: str
    kind: str
    score: Decimal | None
    deficits: list[Deficit]


def diagnostics_import(
    *, content: bytes, filename: str, imported_by: User | None, dry_run: bool = False
) -> ImportResult:
    """Results of diagnostics and self-assessments of teachers already in the list; a file with
    any error changes nothing. A result is known by teacher, date, subject and instrument.
    `dry_run`: what loading would do, nothing written."""
    if imported_by is not None and not records_diagnostics_somewhere(imported_by):
        raise PermissionDenied
    table = named_columns(read_table(content, filename=filename), DIAGNOSTICS_NAMES)
    check_columns(
        table,
        required=DIAGNOSTICS_REQUIRED,
        optional=DIAGNOSTICS_OPTIONAL,
        names=DIAGNOSTICS_NAMES,
    )
    if "personnel_number" not in table.header and "full_name" not in table.header:
        raise ImportRefused(
            table.filename,
            [Problem(1, "full_name", "нужен столбец personnel_number или full_name")],
        )
    schools, problems = _scoped_schools(table, imported_by)
    rows = []
    subjects, deficits = subject_lookup(), _deficit_lookup()
    seen = {}
    for number, cells in table.rows:
        row, row_problems = _diagnostic_row(number, cells, schools, subjects, deficits)
        key = (row.teacher and row.teacher.pk, row.taken_on, row.subject, row.instrument.lower())
        if row.teacher and key in seen:
            row_problems.append(
                Problem(number, "date", f"этот результат уже встречался в строке {seen[key]}")
            )
        seen.setdefault(key, number)
        problems += row_problems
        rows.append(row)
    if problems:
        raise table.refused(sorted(problems, key=lambda p: p.row or 0))
    return _rehearsed(_store_diagnostics, rows, dry_run=dry_run)


def _diagnostic_row(number, cells, schools, subjects, deficits) -> tuple[DiagnosticRow, list]:
    problems = []
    for column in DIAGNOSTICS_REQUIRED:
        if not cells[column]:
            problems.append(Problem(number, column, "пустое значение"))
    teacher = None
    school = schools.get(cells["school_code"])
    personnel_number, full_name = cells.get("personnel_number", ""), cells.get("full_name", "")
    if not personnel_number and not full_name:
        problems.append(Problem(number, "full_name", "не указан ни табельный номер, ни ФИО"))
    elif school is not None:
        teacher = _find_teacher(school, personnel_number, full_name)
        if teacher is None:
            column = "personnel_number" if personnel_number else "full_name"
            problems.append(
                Problem(number, column, "педагог не найден в списке педагогов этой школы")
            )
    taken_on = _date(cells["date"])
    if cells["date"] and taken_on is None:
        problems.append(
            Problem(number, "date", f"ожидается дата ДД.ММ.ГГГГ, а не «{cells['date']}»")
        )
    subject = subjects.get(header_key(cells.get("subject", "")))
    if cells.get("subject") and subject is None:
        problems.append(Problem(number, "subject", f"неизвестный предмет «{cells['subject']}»"))
    kind = KIND_WORDS.get(_words(cells.get("kind", "")))
    if kind is None:
        problems.append(Problem(number, "kind", "ожидается «диагностика» или «самодиагностика»"))
    score = _decimal(cells.get("score", ""))
    if score is False or (score is not None and not 0 <= score <= 100):
        problems.append(
            Problem(number, "score", f"ожидается процент от 0 до 100, а не «{cells['score']}»")
        )
    names = _split(cells.get("deficits", ""), ";")
    unknown = [n for n in names if _words(n) not in deficits]
    if unknown:
        problems.append(
            Problem(
                number,
                "deficits",
                f"неизвестные дефициты: {'; '.join(unknown)} (см. docs/formats.md)",
            )
        )
    row = DiagnosticRow(
        number=number,
        teacher=teacher,
        taken_on=taken_on,
        subject=subject,
        instrument=cells["instrument"],
        kind=kind or DiagnosticKind.DIAGNOSTIC,
        score=score if score is not False else None,
        deficits=[deficits[_words(n)] for n in names if _words(n) in deficits],
    )
    return row, problems


@transaction.atomic
def _store_diagnostics(rows: list[DiagnosticRow]) -> ImportResult:
    result = ImportResult()
    for row in rows:
        diagnostic = Diagnostic.objects.filter(
            teacher=row.teacher,
            taken_on=row.taken_on,
            subject=row.subject,
            instrument__iexact=row.instrument,
        ).first()
        if diagnostic is None:
            diagnostic = Diagnostic.objects.create(
                teacher=row.teacher,
                taken_on=row.taken_on,
                subject=row.subject,
                instrument=row.instrument,
                kind=row.kind,
                score=row.score,
            )
            diagnostic.deficits.set(row.deficits)
            result.created += 1
            continue
        changed = (diagnostic.kind, diagnostic.score) != (row.kind, row.score)
        deficits_changed = set(diagnostic.deficits.all()) != set(row.deficits)
        if changed:
            diagnostic.kind, diagnostic.score = row.kind, row.score
            diagnostic.save()
        if deficits_changed:
            diagnostic.deficits.set(row.deficits)
        if changed or deficits_changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result


@transaction.atomic
def diagnostic_save(
    *, user: User | None, teacher: Teacher, values: dict, deficits: list[Deficit]
) -> Diagnostic:
    if user is not None and not records_diagnostics(user, teacher.school):
        raise PermissionDenied
    diagnostic = Diagnostic(teacher=teacher, **values)
    diagnostic.full_clean()
    diagnostic.save()
    diagnostic.deficits.set(deficits)
    return diagnostic


# --- Staffing figures of a school -----------------------------------------------------------


@transaction.atomic
def staffing_context_compute(*, school: School, year: int) -> dict[str, object]:
    """The school's staffing context for `year` from its teachers and vacancies (seed 000's
    «кадровые дефициты»: 65+, нагрузка ≥ 2 ставок, вакансии). Nothing is written for a school
    without teachers, so figures typed into the context form stay as they are.

    It takes no user: it only restates what is stored, and runs after the writes that checked
    theirs."""
    teachers = list(school.teachers.all())
    if not teachers:
        return {}
    vacancies = list(school.vacancies.all())
    total = len(teachers)

    def share(count: int) -> Decimal:
        return (Decimal(100) * count / total).quantize(Decimal("0.1"))

    values = {
        "teachers_total": Decimal(total),
        "teachers_65plus": share(sum(t.age_band == AgeBand.OVER_65 for t in teachers)),
        "teachers_two_rates": share(sum(t.workload >= 2 for t in teachers)),
        "young_specialists": Decimal(sum(t.is_young_specialist for t in teachers)),
        "vacancies": sum((v.rates for v in vacancies), Decimal(0)),
        "vacancies_note": "; ".join(str(v) for v in vacancies),
    }
    indicators = ContextIndicator.objects.in_bulk(values.keys(), field_name="code")
    for code, value in values.items():
        _write_context_value(school=school, year=year, indicator=indicators[code], value=value)
    return values


def _write_context_value(*, school, year, indicator, value) -> None:
    current = ContextValue.objects.filter(school=school, year=year, indicator=indicator).first()
    if isinstance(value, str):
        number, text = None, value
    else:
        number, text = value, ""
    if number is None and not text:
        if current is not None:
            current._change_reason = STAFF_LIST_REASON
            current.delete()
        return
    if current is None:
        current = ContextValue(school=school, year=year, indicator=indicator)
    elif (current.number, current.text) == (number, text):
        return
    current.number, current.text = number, text
    current._change_reason = STAFF_LIST_REASON
    current.save()


# --- Teachers and vacancies, one by one -----------------------------------------------------


@transaction.atomic
def teacher_save(
    *, user: User | None, school: School, teacher: Teacher | None, values: dict, subjects: list
) -> Teacher:
    _check_edits_staff(user, school)
    if teacher is not None:
        _check_edits_staff(user, teacher.school)
    teacher = teacher or Teacher(school=school)
    for name, value in values.items():
        setattr(teacher, name, value)
    teacher.full_clean()
    teacher.save()
    teacher.subjects.set(subjects)
    staffing_context_compute(school=school, year=current_academic_year(timezone.localdate()))
    return teacher


@transaction.atomic
def teacher_delete(*, user: User | None, teacher: Teacher) -> None:
    """A teacher who left: their records go with them; the staffing figures follow."""
    school = teacher.school
    _check_edits_staff(user, school)
    teacher.delete()
    staffing_context_compute(school=school, year=current_academic_year(timezone.localdate()))


@transaction.atomic
def vacancy_add(*, user: User | None, school: School, position: str, rates: Decimal) -> Vacancy:
    _check_edits_staff(user, school)
    vacancy = Vacancy(school=school, position=position, rates=rates)
    vacancy.full_clean()
    vacancy.save()
    staffing_context_compute(school=school, year=current_academic_year(timezone.localdate()))
    return vacancy


@transaction.atomic
def vacancy_delete(*, user: User | None, vacancy: Vacancy) -> None:
    school = vacancy.school
    _check_edits_staff(user, school)
    vacancy.delete()
    staffing_context_compute(school=school, year=current_academic_year(timezone.localdate()))


def _check_edits_staff(user: User | None, school: School) -> None:
    if user is not None and not edits_staff(user, school):
        raise PermissionDenied


def _check_methodical_work(user: User | None, municipality) -> None:
    if user is not None and not runs_methodical_work(user, municipality):
        raise PermissionDenied


# --- ИОМ ------------------------------------------------------------------------------------


@transaction.atomic
def route_create(
    *,
    user: User | None,
    teacher: Teacher,
    year: int,
    deficits: list[Deficit],
    template: RouteTemplate | None,
) -> Route:
    """A teacher's ИОМ for a year; from a template, its deficits and activities are copied."""
    _check_edits_staff(user, teacher.school)
    route = Route(teacher=teacher, year=year, template=template)
    route.full_clean()
    route.save()
    chosen = set(deficits) | (set(template.deficits.all()) if template else set())
    route.deficits.set(chosen)
    for item in template.activities if template else []:
        RouteActivity.objects.create(route=route, kind=item["kind"], title=item["title"])
    return route


@transaction.atomic
def route_update(*, user: User | None, route: Route, status: str, deficits: list[Deficit]) -> Route:
    _check_edits_staff(user, route.teacher.school)
    route.status = status
    route.full_clean()
    route.save()
    route.deficits.set(deficits)
    return route


@transaction.atomic
def route_activity_save(
    *, user: User | None, route: Route, activity: RouteActivity | None, values: dict
) -> RouteActivity:
    _check_edits_staff(user, route.teacher.school)
    if activity is not None:
        _check_edits_staff(user, activity.route.teacher.school)
    activity = activity or RouteActivity(route=route)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def route_review_add(
    *, user: User, route: Route, role: str, verdict: str, comment: str
) -> RouteReview:
    """A review is signed by its user, so even the console names one."""
    if not can_review_route(user, route, role):
        raise PermissionDenied
    review = RouteReview(route=route, role=role, verdict=verdict, comment=comment, reviewed_by=user)
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def route_template_save(
    *, user: User | None, municipality, title: str, deficits: list[Deficit], activities: list[dict]
) -> RouteTemplate:
    _check_methodical_work(user, municipality)
    template = RouteTemplate(municipality=municipality, title=title, activities=activities)
    template.full_clean()
    template.save()
    template.deficits.set(deficits)
    return template


# --- Courses, mentoring, events -------------------------------------------------------------


@transaction.atomic
def course_save(
    *, user: User | None, municipality, values: dict, deficits: list[Deficit]
) -> Course:
    _check_methodical_work(user, municipality)
    course = Course(municipality=municipality, **values)
    course.full_clean()
    course.save()
    course.deficits.set(deficits)
    return course


@transaction.atomic
def course_completion_save(
    *,
    user: User | None,
    course: Course,
    teacher: Teacher,
    completed_on: datetime.date,
    certificate: str,
) -> CourseCompletion:
    """Recorded for a teacher by whoever records the teacher's diagnostics."""
    if user is not None and not records_diagnostics(user, teacher.school):
        raise PermissionDenied
    completion, _ = CourseCompletion.objects.update_or_create(
        course=course,
        teacher=teacher,
        defaults={"completed_on": completed_on, "certificate": certificate},
    )
    return completion


@transaction.atomic
def mentoring_pair_save(*, user: User | None, values: dict) -> MentoringPair:
    """A pair is recorded by whoever records the diagnostics of both teachers."""
    teachers = [values[k] for k in ("mentor", "mentee") if values.get(k) is not None]
    if user is not None and not all(records_diagnostics(user, t.school) for t in teachers):
        raise PermissionDenied
    pair = MentoringPair(**values)
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def association_save(
    *, user: User | None, association: MethodicalAssociation | None, values: dict
) -> MethodicalAssociation:
    """A new methodical association (РМО / ММО) or the changes of one; moving it to another
    municipality needs the methodical work of both."""
    if association is not None and association.pk:
        # A model form has already put its data on the instance: check the stored municipality.
        stored = MethodicalAssociation.objects.select_related("municipality").get(pk=association.pk)
        _check_methodical_work(user, stored.municipality)
    if "municipality" in values:
        _check_methodical_work(user, values["municipality"])
    association = association or MethodicalAssociation()
    for name, value in values.items():
        setattr(association, name, value)
    association.full_clean()
    association.save()
    return association


@transaction.atomic
def event_save(*, user: User | None, municipality, values: dict) -> MethodicalEvent:
    _check_methodical_work(user, municipality)
    event = MethodicalEvent(municipality=municipality, **values)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_attendance_save(
    *, user: User | None, event: MethodicalEvent, teachers: list[Teacher]
) -> None:
    _check_methodical_work(user, event.municipality)
    event.participants.set(teachers)


# --- Students at risk -----------------------------------------------------------------------


@transaction.atomic
def at_risk_save(*, user: User | None, school: School, values: dict) -> AtRiskFigure:
    """One figure per school, year, period, grade and subject: a second entry replaces it."""
    _check_edits_staff(user, school)
    key = {k: values[k] for k in ("year", "period", "grade", "subject")}
    figure = AtRiskFigure.objects.filter(school=school, **key).first() or AtRiskFigure(
        school=school
    )
    for name, value in values.items():
        setattr(figure, name, value)
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def at_risk_delete(*, user: User | None, figure: AtRiskFigure) -> None:
    _check_edits_staff(user, figure.school)
    figure.delete()
