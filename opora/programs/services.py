"""Every write of the programs app: programs from documents, activity status, indicator values."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from opora import locking
from opora.accounts.models import User
from opora.accounts.permissions import (
    can_change_school_program_status,
    can_create_program,
    can_enter_indicator_value,
    can_issue_order,
    can_manage_municipality,
    can_update_activity,
)
from opora.assessments.models import AssessmentKind
from opora.links import clean_web_links
from opora.programs.documents import (
    INDICATOR_SHEET,
    INDICATOR_SHEET_COLUMNS,
    ROADMAP_SHEET,
    ROADMAP_SHEET_COLUMNS,
)
from opora.programs.models import (
    Activity,
    ActivityStatus,
    Goal,
    Indicator,
    IndicatorScope,
    IndicatorTarget,
    IndicatorUnit,
    IndicatorValue,
    Order,
    Program,
    ProgramKind,
    ProgramLevel,
    ProgramStatus,
    TableModel,
    Task,
)
from opora.programs.periods import parse_period, shift_date, shift_years
from opora.programs.program_templates import TEMPLATES, template_structure
from opora.programs.selectors import indicator_schools, indicator_source_label
from opora.programs.sources import SOURCES, percent, pooled
from opora.registry.models import Municipality, Region, School
from opora.registry.years import academic_year_label, current_academic_year, parse_academic_year
from opora.tabular import (
    ImportRefused,
    Problem,
    Table,
    check_columns,
    named_columns,
    read_table,
)

UNIT_NAMES = {"percent", "count", "yes_no", "text"}


@transaction.atomic
def orders_save(
    *, user: User | None, municipality: Municipality, orders: list[dict]
) -> dict[str, Order]:
    """A document's orders by their key in it; a known order (number and date) is reused.
    `user` None is the console operator (the demo), who loads any municipality's documents."""
    if user is not None and not can_issue_order(
        user, region=municipality.region, municipality=municipality
    ):
        raise PermissionDenied
    saved: dict[str, Order] = {}
    for data in orders:
        order, _ = Order.objects.update_or_create(
            region=municipality.region,
            number=data["number"],
            date=datetime.date.fromisoformat(data["date"]),
            defaults={
                "municipality": municipality,
                "issuer": data["issuer"],
                "issuer_genitive": data.get("issuer_genitive", ""),
                "place": data.get("place", ""),
                "title": data["title"],
                "signatory": data.get("signatory", ""),
                "controller": data.get("controller", ""),
                "points": data.get("points", []),
                "basis_text": data.get("basis", "") if data.get("basis") not in saved else "",
                "basis": saved.get(data.get("basis") or ""),
            },
        )
        saved[data["key"]] = order
    return saved


ORDER_FIELDS = (
    "issuer",
    "issuer_genitive",
    "place",
    "number",
    "date",
    "title",
    "basis",
    "basis_text",
    "signatory",
)


@transaction.atomic
def order_save(
    *,
    user: User,
    region: Region,
    municipality: Municipality | None,
    fields: dict,
    file=None,
    order: Order | None = None,
) -> Order:
    """Record an order (приказ) or correct one; a new file replaces the scan, None keeps it."""
    if not can_issue_order(user, region=region, municipality=municipality):
        raise PermissionDenied
    if order is not None and not can_issue_order(
        user, region=order.region, municipality=order.municipality
    ):
        raise PermissionDenied
    order = order or Order(region=region, municipality=municipality)
    if fields.get("issuer", order.issuer) != order.issuer and (
        fields.get("issuer_genitive", order.issuer_genitive) == order.issuer_genitive
    ):
        fields = {**fields, "issuer_genitive": ""}  # a new issuer: its genitive made anew
    for name in (*ORDER_FIELDS, "controller"):
        if name in fields:
            setattr(order, name, fields[name])
    if file is not None:
        order.file = file
    order.full_clean()
    order.save()
    return order


@transaction.atomic
def program_create_from_document(
    *, user: User | None, municipality: Municipality, data: dict, orders: dict[str, Order]
) -> Program:
    """A program with its goals, tasks, indicators and roadmap, as a seed document writes it."""
    school = School.objects.get(code=data["school"]) if data.get("school") else None
    if user is not None and not can_create_program(user, municipality, school):
        raise PermissionDenied
    program = Program.objects.create(
        municipality=municipality,
        school=school,
        level=data["level"],
        kind=data["kind"],
        name=data["name"],
        order=orders.get(data.get("order") or ""),
        status=data["status"],
        period=data.get("period", ""),
        start_year=data.get("start_year"),
        end_year=data.get("end_year"),
        passport={k: v for k, v in data.get("passport", {}).items() if v},
        table_model=data.get("table_model") or TableModel.GENERIC,
        is_example=data.get("is_example", False),
        flags=data.get("flags", []),
    )
    tasks = _goals_save(program, data.get("goals", []))
    _indicators_save(program, data.get("indicators", []), tasks)
    _activities_save(program, data.get("activities", []), tasks)
    return program


SCHOOL_KINDS = {ProgramKind.CONCEPT, ProgramKind.MIDTERM, ProgramKind.ANTIRISK}


@transaction.atomic
def program_create(
    *,
    user: User,
    municipality: Municipality,
    school: School | None,
    kind: str,
    name: str,
    start_year: int,
    end_year: int,
    passport: dict[str, str],
    template: str = "",
) -> Program:
    """A draft program of the municipality (or of one of its schools) from nothing, or with
    the structure of a template (opora.programs.program_templates) and none of its values."""
    if not can_create_program(user, municipality, school):
        raise PermissionDenied
    errors = {}
    if not name.strip():
        errors["name"] = "Укажите наименование программы."
    if kind not in ProgramKind.values:
        errors["kind"] = "Выберите вид программы."
    elif kind in SCHOOL_KINDS and school is None:
        errors["school"] = f"{ProgramKind(kind).label.capitalize()} пишется для школы: выберите её."
    if end_year < start_year:
        errors["end_year"] = (
            f"Год окончания ({end_year}) не может быть раньше года начала ({start_year})."
        )
    if template and template not in TEMPLATES:
        errors["template"] = f"Шаблона «{template}» нет."
    if errors:
        raise ValidationError(errors)
    structure = template_structure(template, start_year=start_year) if template else {}
    data = {
        **structure,
        "level": ProgramLevel.SCHOOL if school else ProgramLevel.MUNICIPAL,
        "school": school.code if school else None,
        "kind": kind,
        "name": name.strip(),
        "status": ProgramStatus.DRAFT,
        "period": _period_text(start_year, end_year),
        "start_year": start_year,
        "end_year": end_year,
        "passport": passport,
    }
    return program_create_from_document(user=user, municipality=municipality, data=data, orders={})


def _period_text(start_year: int, end_year: int) -> str:
    return f"{start_year} год" if start_year == end_year else f"{start_year}-{end_year} годы"


def _goals_save(program: Program, goals: list[dict]) -> dict[str, Task]:
    tasks = {}
    for position, data in enumerate(goals):
        goal = Goal.objects.create(
            program=program,
            number=data.get("number", ""),
            text=data["text"],
            risk_factor=data.get("risk_factor") or "",
            position=position,
        )
        for task_position, task in enumerate(data.get("tasks", [])):
            tasks[task["number"]] = Task.objects.create(
                goal=goal, number=task["number"], text=task["text"], position=task_position
            )
    return tasks


def _indicators_save(program: Program, indicators: list[dict], tasks: dict[str, Task]) -> None:
    for position, data in enumerate(indicators):
        baseline = data.get("baseline") or {}
        indicator = Indicator.objects.create(
            program=program,
            number=data.get("number", ""),
            name=data["name"],
            section=data.get("section", ""),
            unit=data["unit"] if data["unit"] in UNIT_NAMES else "text",
            invariant=data.get("invariant"),
            task=tasks.get(data.get("task") or ""),
            scope=data.get("scope") or "municipality",
            school=School.objects.get(code=data["school"]) if data.get("school") else None,
            baseline_year=baseline.get("year"),
            baseline=str(baseline.get("value") or ""),
            higher_is_better={"up": True, "down": False}.get(data.get("direction")),
            note=data.get("note", ""),
            position=position,
            **_source_fields(data.get("source")),
        )
        targets = {
            _target_year(key, program): str(value)
            for key, value in data.get("targets", {}).items()
            if str(value).strip()
        }
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=value)
            for year, value in targets.items()
            if year is not None
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, measured_on=_month(key), value=str(value))
            for key, value in data.get("actuals", {}).items()
            if str(value).strip()
        )


def _source_fields(source: dict | None) -> dict:
    """A document's indicator may say how it is computed: {code, filter, population}."""
    if not source:
        return {}
    if source["code"] not in SOURCES:
        raise ValidationError(f"Источника «{source['code']}» нет.")
    return {
        "source": source["code"],
        "source_filter": source.get("filter", {}),
        "source_population": source.get("population", "supported"),
    }


def _target_year(key: str, program: Program) -> int | None:
    """Seeds key targets by «2022», «2022-06», «2022-2023» (a school year: its ending year) or
    give no year at all (the target of the whole program: its last year)."""
    years = [
        int(part) for part in key.replace("/", "-").split("-") if len(part) == 4 and part.isdigit()
    ]
    if len(years) == 2 and years[1] == years[0] + 1:
        return years[1]
    if years:
        return years[0]
    return program.end_year or program.start_year


def _month(key: str) -> datetime.date:
    """«2023-01» (a value «на январь 2023 г.») as the first day of that month."""
    year, month = key.split("-")[:2]
    return datetime.date(int(year), int(month), 1)


def _period_dates(text: str, program: Program) -> dict:
    """An activity's period as the dates and kind that make it overdue or not."""
    period = parse_period(text, year=program.start_year)
    return {
        "period_kind": period.kind,
        "starts_on": period.start,
        "ends_on": period.end,
        "recurrence": period.recurrence,
    }


def _activities_save(program: Program, activities: list[dict], tasks: dict[str, Task]) -> None:
    for position, data in enumerate(activities):
        addressees = data.get("addressees") or ""
        activity = Activity.objects.create(
            program=program,
            task=tasks.get(data.get("task") or ""),
            number=data.get("number", ""),
            section=data.get("section", ""),
            text=data["text"],
            period=data.get("period", ""),
            **_period_dates(data.get("period", ""), program),
            responsible=data.get("responsible", ""),
            addressees="" if isinstance(addressees, list) else addressees,
            expected_result=data.get("expected_result", ""),
            implementation_indicator=data.get("implementation_indicator", ""),
            position=position,
        )
        # Schools by code: as the addressees themselves, or beside the addressees in words.
        codes = addressees if isinstance(addressees, list) else data.get("schools")
        if codes:
            activity.schools.set(School.objects.filter(code__in=codes))


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user: User,
    status: str,
    evidence_link: str,
    comment: str,
    evidence_file=None,
) -> Activity:
    """Mark an activity's status with its evidence; a new file replaces the old, None keeps it."""
    if not can_update_activity(user, activity):
        raise PermissionDenied
    activity.status, activity.evidence_link, activity.comment = status, evidence_link, comment
    if evidence_file is not None:
        activity.evidence_file = evidence_file
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def indicator_value_save(
    *,
    indicator: Indicator,
    user: User,
    measured_on: datetime.date,
    value: str,
    evidence_link: str,
    school: School | None = None,
    seen: int | None = None,
) -> IndicatorValue:
    """A value on a date; for an indicator «каждая школа», one value per school.

    `seen` is the form's `locking.edit_token(IndicatorValue)`: a value someone else saved after
    it is not overwritten (EditConflict). None saves without the check (documents, commands).
    """
    if indicator.scope == IndicatorScope.EACH_SCHOOL:
        if school is None or school.municipality_id != indicator.program.municipality_id:
            raise ValidationError(
                {"school": "Укажите школу: показатель считается по каждой школе."}
            )
    else:
        school = None
    if not can_enter_indicator_value(user, indicator, school):
        raise PermissionDenied
    clean_web_links(IndicatorValue, evidence_link=evidence_link)
    key = {"indicator": indicator, "school": school, "measured_on": measured_on}
    fields = {"value": value, "evidence_link": evidence_link, "entered_by": user}
    current = IndicatorValue.objects.select_for_update(of=("self",)).filter(**key).first()
    if current is None:
        try:
            with transaction.atomic():
                return IndicatorValue.objects.create(**key, **fields)
        except IntegrityError:  # someone saved a value on this date a moment ago
            current = IndicatorValue.objects.select_for_update(of=("self",)).get(**key)
            if seen is not None:
                raise locking.conflict_with(current, yours=value) from None
    if seen is not None:
        locking.ensure_unchanged(current, seen=seen, yours=value)
    _assign(current, **fields)
    return current


def indicator_source_save(
    *, indicator: Indicator, user: User, source: str, results_filter: dict, population: str
) -> Indicator:
    """Say how an indicator is computed from data (or, with an empty source, that it is typed
    in). Assessment sources need a procedure; a subject and grades narrow them."""
    if not can_manage_municipality(user, indicator.program.municipality):
        raise PermissionDenied
    if source and source not in SOURCES:
        raise ValidationError({"source": f"Источника «{source}» нет."})
    uses_filter = source and SOURCES[source].uses_results_filter
    if uses_filter and results_filter.get("kind") not in AssessmentKind.values:
        raise ValidationError({"kind": "Укажите оценочную процедуру: ВПР, ОГЭ, ЕГЭ или КДР."})
    indicator.source = source
    indicator.source_filter = results_filter if uses_filter else {}
    indicator.source_population = population
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_values_compute(
    *, indicator: Indicator, user: User, measured_on: datetime.date
) -> list[IndicatorValue]:
    """Compute an indicator's value on a date from the results (or other data) of the schools
    it counts, and record how: source, year, numerator and denominator, number of schools."""
    if not can_manage_municipality(user, indicator.program.municipality):
        raise PermissionDenied
    if indicator.source not in SOURCES:
        raise ValidationError("Показатель вносится вручную: источник данных не задан.")
    source = SOURCES[indicator.source]
    year = source.year_on(measured_on)
    schools = indicator_schools(indicator=indicator, year=current_academic_year(measured_on))
    fractions = source.fractions(
        school_ids=list(schools.values_list("pk", flat=True)),
        year=year,
        results_filter=indicator.source_filter,
    )
    described = f"{indicator_source_label(indicator)}, {academic_year_label(year)}"
    if indicator.scope == IndicatorScope.EACH_SCHOOL:
        measured = {pk: f for pk, f in fractions.items() if f[1] > 0}
    else:
        total = pooled(fractions)
        measured = {None: total} if total else {}
    if not measured:
        raise ValidationError(f"Нет данных для расчёта: {described}.")
    school_names = dict(schools.values_list("pk", "short_name"))
    saved = []
    for school_id, fraction in measured.items():
        counted = f"{fraction[0]:g} из {fraction[1]:g}"
        if school_id is None:
            counted += f"; школ с данными: {sum(1 for f in fractions.values() if f[1] > 0)}"
        saved.append(
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                school_id=school_id,
                measured_on=measured_on,
                defaults={
                    "value": f"{percent(fraction):.1f}".replace(".", ","),
                    "computed_from": f"{described}: {counted}"
                    + (f" ({school_names[school_id]})" if school_id else ""),
                    "evidence_link": "",
                    "entered_by": user,
                },
            )[0]
        )
    return saved


@transaction.atomic
def program_tables_import(
    *, program: Program, content: bytes, filename: str, user: User, dry_run: bool = False
) -> str:
    """Replace a program's indicators and roadmap with the two sheets of its XLSX export, so
    that a municipality can edit the plan in Excel; a bad sheet changes nothing, and the file
    loaded back unchanged changes nothing. `dry_run`: the same writes, rolled back — what
    loading would do, nothing written."""
    if not can_manage_municipality(user, program.municipality):
        raise PermissionDenied
    sheets = {}
    for title, columns in (
        (INDICATOR_SHEET, INDICATOR_SHEET_COLUMNS),
        (ROADMAP_SHEET, ROADMAP_SHEET_COLUMNS),
    ):
        # Its headers are Russian already: named_columns only forgives case, spaces and ё.
        names = {c.lower(): [] for c in columns}
        table = named_columns(read_table(content, filename=filename, sheet=title), names)
        table.filename = f"{filename}, лист «{title}»"
        check_columns(table, required=list(names))
        sheets[title] = table
    schools = {school.code: school for school in program.municipality.schools.all()}
    indicators, problems = _indicator_rows(sheets[INDICATOR_SHEET], schools)
    activities, more = _activity_rows(sheets[ROADMAP_SHEET], schools)
    if problems or more:
        refused = sheets[INDICATOR_SHEET] if problems else sheets[ROADMAP_SHEET]
        raise ImportRefused(refused.filename, problems or more)
    with transaction.atomic():
        _indicators_update(program, indicators, filename=sheets[INDICATOR_SHEET].filename)
        _activities_update(program, activities)
        transaction.set_rollback(dry_run)
    if dry_run:
        return (
            f"Будет загружено показателей: {len(indicators)}, мероприятий: {len(activities)}; "
            "показатели и дорожная карта программы заменятся данными файла."
        )
    return f"Загружено показателей: {len(indicators)}, мероприятий: {len(activities)}."


def _too_long(number: int, cells: dict[str, str], model, fields: dict[str, str]) -> list[Problem]:
    """Cells longer than the fields (column -> field of `model`) they are stored in."""
    problems = []
    for column, field in fields.items():
        limit = model._meta.get_field(field).max_length
        if len(cells[column.lower()]) > limit:
            problems.append(Problem(number, column, f"не длиннее {limit} знаков"))
    return problems


def _indicator_rows(table: Table, schools: dict[str, School]) -> tuple[list[dict], list[Problem]]:
    """Rows keyed by number and school code: indicators of several schools share a number."""
    units = {label.lower(): value for value, label in IndicatorUnit.choices}
    target_limit = IndicatorTarget._meta.get_field("value").max_length
    rows, problems, seen = [], [], {}
    for number, cells in table.rows:
        problems += _too_long(
            number, cells, Indicator, {"№": "number", "Базовое значение": "baseline"}
        )
        key = (cells["№"], cells["код школы"])
        if key in seen:
            same = f"тот же номер «{key[0]}»" + (f" и школа «{key[1]}»" if key[1] else "")
            problems.append(Problem(number, "№", f"повторяет строку {seen[key]}: {same}"))
        seen.setdefault(key, number)
        if key[1] and key[1] not in schools:
            problems.append(
                Problem(
                    number, "Код школы", f"школы с кодом «{key[1]}» нет в муниципалитете программы"
                )
            )
        unit = units.get(cells["единица"].lower())
        if unit is None:
            problems.append(Problem(number, "Единица", f"неизвестная единица «{cells['единица']}»"))
        targets = {}
        for part in filter(None, (p.strip() for p in cells["цели по годам"].split(";"))):
            year_text, _, value = part.partition(":")
            year, value = parse_academic_year(year_text), value.strip()
            if year is None or not value:
                problems.append(
                    Problem(number, "Цели по годам", f"ожидается «год: значение», а не «{part}»")
                )
            elif year in targets:
                problems.append(Problem(number, "Цели по годам", f"год {year} указан дважды"))
            elif len(value) > target_limit:
                problems.append(
                    Problem(
                        number,
                        "Цели по годам",
                        f"значение на {year} год длиннее {target_limit} знаков",
                    )
                )
            else:
                targets[year] = value
        baseline_year = parse_academic_year(cells["год базового"])
        if cells["год базового"] and baseline_year is None:
            problems.append(
                Problem(
                    number,
                    "Год базового",
                    f"ожидается год (четыре цифры), а не «{cells['год базового']}»",
                )
            )
        rows.append(
            {
                "number": cells["№"],
                "school": schools.get(key[1]),
                "section": cells["раздел"],
                "name": cells["показатель"],
                "unit": unit or "text",
                "baseline": cells["базовое значение"],
                "baseline_year": baseline_year,
                "targets": targets,
                "note": cells["примечание"],
            }
        )
    return rows, problems


def _activity_rows(table: Table, schools: dict[str, School]) -> tuple[list[dict], list[Problem]]:
    statuses = {label.lower(): value for value, label in ActivityStatus.choices}
    rows, problems = [], []
    for number, cells in table.rows:
        if not cells["мероприятие"]:
            problems.append(Problem(number, "Мероприятие", "пустое значение"))
        problems += _too_long(
            number,
            cells,
            Activity,
            {"№": "number", "Сроки": "period", "Адресаты": "addressees"},
        )
        status = statuses.get(cells["статус"].lower() or "запланировано")
        if status is None:
            problems.append(Problem(number, "Статус", f"неизвестный статус «{cells['статус']}»"))
        codes = [c.strip() for c in cells["коды школ"].split(",") if c.strip()]
        problems += [
            Problem(number, "Коды школ", f"школы с кодом «{code}» нет в муниципалитете программы")
            for code in codes
            if code not in schools
        ]
        rows.append(
            {
                "number": cells["№"],
                "section": cells["раздел"],
                "text": cells["мероприятие"],
                "period": cells["сроки"],
                "responsible": cells["ответственные"],
                "addressees": cells["адресаты"],
                "schools": [schools[code] for code in codes if code in schools],
                "expected_result": cells["ожидаемый результат"],
                "implementation_indicator": cells["показатель выполнения"],
                "status": status,
            }
        )
    return rows, problems


def _indicators_update(program: Program, rows: list[dict], *, filename: str) -> None:
    """Indicators keep their identity by number and school, so measured values, history and
    the schools' reports citing them stay with them."""
    current = list(program.indicators.all())
    existing = {(i.number, i.school_id): i for i in current}
    matched = [
        existing.pop((row["number"], row["school"].pk if row["school"] else None), None)
        for row in rows
    ]
    # Rows in the order the indicators already have keep their positions, ties included.
    reordered = matched != current
    kept = []
    for position, (row, indicator) in enumerate(zip(rows, matched, strict=True)):
        if indicator is None:
            indicator = Indicator(
                program=program,
                school=row["school"],
                scope=IndicatorScope.SCHOOL if row["school"] else IndicatorScope.MUNICIPALITY,
            )
        _assign_changes(
            indicator,
            number=row["number"],
            section=row["section"],
            name=row["name"],
            unit=row["unit"],
            note=row["note"],
            position=position if reordered else indicator.position,
            baseline=row["baseline"],
            baseline_year=row["baseline_year"],
        )
        if {t.year: t.value for t in indicator.targets.all()} != row["targets"]:
            indicator.targets.all().delete()
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=indicator, year=year, value=value)
                for year, value in row["targets"].items()
            )
        kept.append(indicator.pk)
    problems = []
    for stale in program.indicators.exclude(pk__in=kept).select_related("school"):
        try:
            with transaction.atomic():
                stale.delete()
        except ProtectedError:
            school = f" (школа {stale.school.code})" if stale.school else ""
            problems.append(
                Problem(
                    None,
                    None,
                    f"показатель {stale.number}{school} нельзя удалить: его значения есть в "
                    "отчётах школ (мониторинг); верните строку в файл",
                )
            )
    if problems:
        raise ImportRefused(filename, problems)


def _activities_update(program: Program, rows: list[dict]) -> None:
    """Activities keep their identity by their place in the roadmap, so status history stays."""
    existing = list(program.activities.all())
    renumbered = len(rows) != len(existing)  # else each keeps its place, ties included
    for position, row in enumerate(rows):
        activity = existing[position] if position < len(existing) else Activity(program=program)
        # An unchanged period keeps its dates: a school program dates its periods by the
        # school year, which the text alone does not say.
        same_period = activity.pk is not None and activity.period == row["period"]
        _assign_changes(
            activity,
            **{k: row[k] for k in ACTIVITY_TEXT_FIELDS},
            **({} if same_period else _period_dates(row["period"], program)),
            position=position if renumbered else activity.position,
            addressees=row["addressees"],
        )
        activity.schools.set(row["schools"])
    for stale in existing[len(rows) :]:
        stale.delete()


ACTIVITY_TEXT_FIELDS = [
    "number",
    "section",
    "text",
    "period",
    "responsible",
    "status",
    "expected_result",
    "implementation_indicator",
]


def _assign(instance, **values) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()


def _assign_changes(instance, **values) -> None:
    """Save a new row, or an existing one only when a value changed: an unchanged row of an
    import leaves no history."""
    if instance.pk is None or any(getattr(instance, k) != v for k, v in values.items()):
        _assign(instance, **values)


# черновик → на согласовании → утверждена (приказом) → реализуется → завершена; back to the
# draft from review, when the municipality returns it for changes.
TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.REVIEW},
    ProgramStatus.REVIEW: {ProgramStatus.DRAFT, ProgramStatus.APPROVED},
    ProgramStatus.APPROVED: {ProgramStatus.IN_PROGRESS},
    ProgramStatus.IN_PROGRESS: {ProgramStatus.COMPLETED},
    ProgramStatus.COMPLETED: set(),
}


@transaction.atomic
def program_status_change(
    *, program: Program, user: User, status: str, order: Order | None = None
) -> Program:
    if not can_manage_municipality(user, program.municipality):
        raise PermissionDenied
    if status not in TRANSITIONS[program.status]:
        current, wanted = ProgramStatus(program.status).label, ProgramStatus(status).label
        raise ValidationError(f"Из статуса «{current}» нельзя перейти в «{wanted}».")
    if status == ProgramStatus.APPROVED:
        if order is None:
            raise ValidationError("Утверждённая программа ссылается на приказ об утверждении.")
        program.order = order
    program.status = status
    program.save()
    return program


@transaction.atomic
def school_program_status_change(*, program: Program, user: User, status: str) -> Program:
    """A school's own program takes the same steps, moved by its own people: the school team
    sends it for review, a curator of the school (or the municipality) returns it to the draft
    or approves it — an agreement, with no municipal order — and the school implements it."""
    if not can_change_school_program_status(user, program, status):
        raise PermissionDenied
    if status not in TRANSITIONS[program.status]:
        current, wanted = ProgramStatus(program.status).label, ProgramStatus(status).label
        raise ValidationError(f"Из статуса «{current}» нельзя перейти в «{wanted}».")
    program.status = status
    program.save()
    return program


@transaction.atomic
def program_passport_save(*, program: Program, user: User, passport: dict[str, str]) -> Program:
    if not can_manage_municipality(user, program.municipality):
        raise PermissionDenied
    program.passport = {key: value for key, value in passport.items() if value}
    program.save()
    return program


@transaction.atomic
def program_copy_to_next_period(*, program: Program, user: User, keep_schools: bool) -> Program:
    """A draft for the next period: the same passport, goals, indicators and roadmap moved by
    the program's length in years (title, period, targets, every activity's dates), every
    activity planned again, no measured values; the addressee schools kept or cleared."""
    if not can_create_program(user, program.municipality, program.school):
        raise PermissionDenied
    period = next_period(program)
    first, last, shift, shifted = period.first, period.last, period.shift, period.shifted
    passport = dict(program.passport)
    if passport.get("stages"):
        passport["stages"] = shifted(passport["stages"])
    copy = Program.objects.create(
        municipality=program.municipality,
        school=program.school,
        level=program.level,
        kind=program.kind,
        name=shifted(program.name),
        status=ProgramStatus.DRAFT,
        period=shifted(program.period)
        if program.period
        else _period_text(first + shift, last + shift),
        start_year=first + shift,
        end_year=last + shift,
        passport=passport,
        table_model=program.table_model,
        is_example=program.is_example,
    )
    tasks = {}
    for goal in program.goals.prefetch_related("tasks"):
        new_goal = Goal.objects.create(
            program=copy,
            number=goal.number,
            text=goal.text,
            risk_factor=goal.risk_factor,
            position=goal.position,
        )
        for task in goal.tasks.all():
            tasks[task.pk] = Task.objects.create(
                goal=new_goal, number=task.number, text=task.text, position=task.position
            )
    for indicator in program.indicators.prefetch_related("targets"):
        targets = list(indicator.targets.all())
        indicator.pk, indicator.program, indicator.task = None, copy, tasks.get(indicator.task_id)
        indicator.save()
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=t.year + shift, value=t.value)
            for t in targets
        )
    # No prefetch here: set() below must see the copy's own schools, not the original's cache.
    for activity in program.activities.all():
        schools = list(activity.schools.all()) if keep_schools else []
        activity.pk, activity.program, activity.task = None, copy, tasks.get(activity.task_id)
        activity.status, activity.comment = ActivityStatus.PLANNED, ""
        activity.evidence_link, activity.evidence_file = "", ""
        activity.period = shifted(activity.period)
        activity.starts_on = shift_date(activity.starts_on, by=shift)
        activity.ends_on = shift_date(activity.ends_on, by=shift)
        activity.save()
        activity.schools.set(schools)
    return copy


@dataclass(frozen=True)
class NextPeriod:
    """Where a copy of a program goes: its years moved by the program's length (a program of
    2022-2024 is followed by one of 2025-2027)."""

    first: int
    last: int
    shift: int

    def shifted(self, text: str) -> str:
        return shift_years(text, first=self.first, last=self.last, by=self.shift)


def next_period(program: Program) -> NextPeriod:
    """The program's next period; a program with no years is dated from this year."""
    first = program.start_year or program.end_year or timezone.localdate().year
    last = program.end_year or first
    return NextPeriod(first=first, last=last, shift=last - first + 1)
