"""Writes of a school's own programs (концепция развития, среднесрочная программа развития,
антирисковая программа): made from templates of measures, then adapted by the school while they
are drafts. The risks app decides which programs a risk profile calls for and passes the
templates; a template is anything with `factor.title`, `goal`, `tasks`, `measures` and
`indicators` (the risks app's ProgramTemplate), so this app needs nothing from risks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from opora.accounts.models import User
from opora.accounts.permissions import can_edit_school_program, can_fill_risk_profile
from opora.programs.models import (
    Activity,
    Goal,
    Indicator,
    IndicatorScope,
    IndicatorTarget,
    Program,
    ProgramKind,
    ProgramLevel,
    ProgramStatus,
    Task,
)
from opora.programs.periods import parse_period
from opora.registry.models import School
from opora.registry.years import academic_year_label

OVERALL_NAMES = {
    ProgramKind.CONCEPT: "Концепция развития",
    ProgramKind.MIDTERM: "Среднесрочная программа развития",
}


@transaction.atomic
def overall_program_create(
    *, school: School, year: int, kind: str, templates: list, basis: str, user: User
) -> Program:
    """A three-year концепция развития or среднесрочная программа развития with one goal per
    template (per priority risk factor); the среднесрочная also takes the templates' tasks and
    indicators."""
    if not can_fill_risk_profile(user, school):
        raise PermissionDenied
    program = _new_program(
        school=school, year=year, kind=kind, name=f"{OVERALL_NAMES[kind]} {school.short_name}"
    )
    program.passport |= {
        "basis": basis,
        "goal": "Перевод школы в эффективный режим работы через преодоление приоритетных рисков "
        "снижения образовательных результатов.",
        "tasks": "\n".join(template.goal for template in templates),
    }
    program.save()
    for position, template in enumerate(templates):
        goal = Goal.objects.create(
            program=program,
            number=str(position + 1),
            text=template.goal,
            risk_factor=template.factor.title,
            position=position,
        )
        if kind == ProgramKind.MIDTERM:
            _tasks_set(goal, template.tasks)
            _indicators_from_template(program, template, first_number=program.indicators.count())
    return program


@transaction.atomic
def antirisk_program_create(
    *, school: School, year: int, template, basis: str, user: User
) -> Program:
    """A one-year антирисковая программа for one risk factor: the template's goal, tasks,
    measures (dated within the school year) and indicators."""
    if not can_fill_risk_profile(user, school):
        raise PermissionDenied
    factor = template.factor
    program = _new_program(
        school=school,
        year=year,
        kind=ProgramKind.ANTIRISK,
        name=f"Антирисковая программа «{factor.title}» — {school.short_name}",
        years=1,
    )
    program.passport |= {
        "goal": template.goal,
        "tasks": "\n".join(template.tasks),
        "basis": basis,
    }
    program.save()
    goal = Goal.objects.create(
        program=program, number="1", text=template.goal, risk_factor=factor.title
    )
    tasks = _tasks_set(goal, template.tasks)
    for position, measure in enumerate(template.measures):
        activity = Activity.objects.create(
            program=program,
            task=tasks[measure["task"] - 1] if 0 < measure.get("task", 0) <= len(tasks) else None,
            number=str(position + 1),
            text=measure["text"],
            period=measure.get("period", ""),
            **_school_year_dates(measure.get("period", ""), program.start_year),
            responsible=measure.get("responsible", ""),
            implementation_indicator=measure.get("indicator", ""),
            position=position,
        )
        activity.schools.set([school])
    _indicators_from_template(program, template, first_number=0)
    return program


def _new_program(*, school: School, year: int, kind: str, name: str, years: int = 3) -> Program:
    start = year - 1  # the calendar year the school year starts in
    end = start + years
    return Program.objects.create(
        municipality=school.municipality,
        school=school,
        level=ProgramLevel.SCHOOL,
        kind=kind,
        name=name,
        status=ProgramStatus.DRAFT,
        period=f"{start}–{end} гг." if years > 1 else f"{academic_year_label(year)} учебный год",
        start_year=start,
        end_year=end,
        passport={
            "developer": f"Управленческая команда {school.name}",
            "executors": school.name,
        },
    )


def _tasks_set(goal: Goal, texts: list[str]) -> list[Task]:
    """The goal's tasks as the list says, by position, so edits keep the tasks' identity."""
    existing = list(goal.tasks.all())
    tasks = []
    for position, text in enumerate(texts):
        task = existing[position] if position < len(existing) else Task(goal=goal)
        task.number, task.text, task.position = f"{goal.number}.{position + 1}", text, position
        task.save()
        tasks.append(task)
    for stale in existing[len(texts) :]:
        stale.delete()
    return tasks


def _indicators_from_template(program: Program, template, *, first_number: int) -> None:
    for offset, data in enumerate(template.indicators):
        indicator = Indicator.objects.create(
            program=program,
            number=str(first_number + offset + 1),
            name=data["name"],
            unit=data["unit"],
            scope=IndicatorScope.SCHOOL,
            school=program.school,
            position=first_number + offset,
        )
        if data.get("target"):
            IndicatorTarget.objects.create(
                indicator=indicator, year=program.end_year, value=str(data["target"])
            )


def _school_year_dates(text: str, start_year: int) -> dict:
    """A template's period has no year: September to December fall in the year the school year
    starts, January to August in the next."""
    period = parse_period(text, year=start_year)
    if period.start and period.start.month < 9:
        period = parse_period(text, year=start_year + 1)
    return {
        "period_kind": period.kind,
        "starts_on": period.start,
        "ends_on": period.end,
        "recurrence": period.recurrence,
    }


@transaction.atomic
def school_program_save(
    *,
    program: Program,
    user: User,
    goal: str,
    tasks: list[str],
    executors: str,
    activities: list[dict],
    indicators: list[dict],
) -> Program:
    """The school adapts its program while it is a draft: goal, tasks, measures (text, period,
    responsible, indicator of implementation) and target indicators with the final target.
    A row with `delete` goes; a row without `id` is added."""
    if not can_edit_school_program(user, program):
        raise PermissionDenied
    if program.status != ProgramStatus.DRAFT:
        raise ValidationError(
            "Программа на согласовании или утверждена: изменить её можно после возврата куратором."
        )
    program.passport = program.passport | {"goal": goal, "tasks": "\n".join(tasks)}
    program.passport["executors"] = executors
    program.passport = {k: v for k, v in program.passport.items() if v}
    program.save()
    first_goal = program.goals.first() or Goal(program=program, number="1")
    first_goal.text = goal
    first_goal.save()
    task_rows = _tasks_set(first_goal, tasks)
    _activities_save(program, activities, task_rows)
    _indicators_save(program, indicators)
    return program


def _activities_save(program: Program, rows: list[dict], tasks: list[Task]) -> None:
    existing = {a.pk: a for a in program.activities.all()}
    kept = [row for row in rows if not row.get("delete") and row.get("text")]
    for row in rows:
        if row.get("delete") and row.get("id") in existing:
            existing.pop(row["id"]).delete()
    for position, row in enumerate(kept):
        activity = existing.get(row.get("id")) or Activity(program=program)
        activity.number, activity.position = str(position + 1), position
        activity.text, activity.period = row["text"], row.get("period", "")
        activity.responsible = row.get("responsible", "")
        activity.implementation_indicator = row.get("implementation_indicator", "")
        for name, value in _school_year_dates(activity.period, program.start_year).items():
            setattr(activity, name, value)
        if activity.task_id is None and tasks:
            activity.task = tasks[0]
        activity.full_clean(exclude=["task"])
        activity.save()
        activity.schools.set([program.school])


def _indicators_save(program: Program, rows: list[dict]) -> None:
    existing = {i.pk: i for i in program.indicators.all()}
    position = 0
    for row in rows:
        indicator = existing.get(row.get("id"))
        if row.get("delete"):
            if indicator:
                indicator.delete()
            continue
        if not row.get("name"):
            continue
        indicator = indicator or Indicator(
            program=program, scope=IndicatorScope.SCHOOL, school=program.school
        )
        indicator.number, indicator.position = str(position + 1), position
        indicator.name, indicator.unit = row["name"], row["unit"]
        indicator.baseline = row.get("baseline", "")
        indicator.save()
        indicator.targets.all().delete()
        if row.get("target"):
            IndicatorTarget.objects.create(
                indicator=indicator, year=program.end_year, value=row["target"]
            )
        position += 1
