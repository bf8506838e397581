"""Every write of the programs app: programs from documents, activity status, indicator values."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from opora.accounts.models import User
from opora.accounts.permissions import can_manage_municipality, can_update_activity
from opora.programs.models import (
    Activity,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Order,
    Program,
    Task,
)
from opora.programs.periods import parse_period
from opora.registry.models import Municipality, School

UNIT_NAMES = {"percent", "count", "yes_no", "text"}


@transaction.atomic
def orders_save(*, municipality: Municipality, orders: list[dict]) -> dict[str, Order]:
    """A document's orders by their key in it; a known order (number and date) is reused."""
    saved: dict[str, Order] = {}
    for data in orders:
        order, _ = Order.objects.update_or_create(
            region=municipality.region,
            number=data["number"],
            date=datetime.date.fromisoformat(data["date"]),
            defaults={
                "municipality": municipality,
                "issuer": data["issuer"],
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


@transaction.atomic
def program_create_from_document(
    *, municipality: Municipality, data: dict, orders: dict[str, Order]
) -> Program:
    """A program with its goals, tasks, indicators and roadmap, as a seed document writes it."""
    school = School.objects.get(code=data["school"]) if data.get("school") else None
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
        flags=data.get("flags", []),
    )
    tasks = _goals_save(program, data.get("goals", []))
    _indicators_save(program, data.get("indicators", []), tasks)
    _activities_save(program, data.get("activities", []), tasks)
    return program


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


def _activities_save(program: Program, activities: list[dict], tasks: dict[str, Task]) -> None:
    for position, data in enumerate(activities):
        period = parse_period(data.get("period", ""), year=program.start_year)
        addressees = data.get("addressees") or ""
        activity = Activity.objects.create(
            program=program,
            task=tasks.get(data.get("task") or ""),
            number=data.get("number", ""),
            section=data.get("section", ""),
            text=data["text"],
            period=data.get("period", ""),
            period_kind=period.kind,
            starts_on=period.start,
            ends_on=period.end,
            recurrence=period.recurrence,
            responsible=data.get("responsible", ""),
            addressees="" if isinstance(addressees, list) else addressees,
            expected_result=data.get("expected_result", ""),
            implementation_indicator=data.get("implementation_indicator", ""),
            position=position,
        )
        if isinstance(addressees, list):
            activity.schools.set(School.objects.filter(code__in=addressees))


@transaction.atomic
def activity_update(
    *, activity: Activity, user: User, status: str, evidence_link: str, comment: str
) -> Activity:
    if not can_update_activity(user, activity):
        raise PermissionDenied
    activity.status, activity.evidence_link, activity.comment = status, evidence_link, comment
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def indicator_value_save(
    *, indicator: Indicator, user: User, measured_on: datetime.date, value: str, evidence_link: str
) -> IndicatorValue:
    if not can_manage_municipality(user, indicator.program.municipality):
        raise PermissionDenied
    saved, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        measured_on=measured_on,
        defaults={"value": value, "evidence_link": evidence_link, "entered_by": user},
    )
    return saved
