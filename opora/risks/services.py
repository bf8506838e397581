"""Every write of the risks app: questionnaires and levels, priorities, the school's programs
made from its profile, the curator's review, visits, partnerships and notifications."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from opora.accounts.models import Role, User
from opora.accounts.permissions import (
    can_assign_curators,
    can_edit_partnership,
    can_edit_school_program,
    can_fill_risk_profile,
    can_manage_municipality,
    can_review_school,
    can_view_school,
    curates_schools,
)
from opora.programs.models import (
    Activity,
    ActivityStatus,
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
from opora.programs.services import school_program_status_change
from opora.registry.models import School
from opora.registry.years import academic_year_label
from opora.risks import levels
from opora.risks.autofill import auto_answer
from opora.risks.models import (
    MAX_PRIORITY_FACTORS,
    Answer,
    CuratorAssignment,
    JointPlanItem,
    Notification,
    Partnership,
    ProfileFactor,
    ProfileStatus,
    ProgramTemplate,
    Question,
    ReviewComment,
    ReviewDecision,
    RiskFactor,
    RiskLevel,
    RiskProfile,
    SchoolProgram,
    Visit,
)

# ---------------------------------------------------------------------------- notifications


def notify(*, users, text: str, link: str = "", key: str = "") -> int:
    """A notification in the application for each user, and a copy by e-mail when a mail server
    is configured. With a key, a user gets one notification per event however often called."""
    created = 0
    for user in {u.pk: u for u in users}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        Notification.objects.create(user=user, text=text, link=link, key=key)
        created += 1
        if settings.EMAIL_HOST and user.email:
            send_mail(
                subject=f"Опора: {text[:80]}",
                message=f"{text}\n\n{link}",
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,  # a mail outage must not undo the review it reports
            )
    return created


def school_team(school: School):
    return User.objects.filter(role=Role.SCHOOL, school=school, is_active=True)


def school_curators(school: School):
    return User.objects.filter(role=Role.CURATOR, curated_schools=school, is_active=True)


@transaction.atomic
def notification_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications as read: the listed ones, or all."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=datetime.datetime.now(datetime.UTC))


# ---------------------------------------------------------------------------- profiles


def _factors_of(year: int) -> list[RiskFactor]:
    return [f for f in RiskFactor.objects.prefetch_related("questions") if f.is_valid_in(year)]


@transaction.atomic
def profile_open(*, school: School, year: int, user: User) -> RiskProfile:
    """The school's profile for the year, created with every question Opora can answer."""
    if not can_fill_risk_profile(user, school):
        raise PermissionDenied
    profile, created = RiskProfile.objects.get_or_create(school=school, year=year)
    if created:
        _refresh_auto_answers(profile)
        _recompute_levels(profile)
    return profile


def _refresh_auto_answers(profile: RiskProfile) -> None:
    for factor in _factors_of(profile.year):
        for question in factor.questions.all():
            if not question.auto_source:
                continue
            found = auto_answer(question.auto_source, school=profile.school, year=profile.year)
            if found.value is None:
                # No data in Opora: the school answers it; an earlier automatic value goes.
                Answer.objects.filter(profile=profile, question=question, is_auto=True).delete()
                continue
            Answer.objects.update_or_create(
                profile=profile,
                question=question,
                defaults={"number": found.value, "is_auto": True, "note": found.note},
            )


def _recompute_levels(profile: RiskProfile) -> None:
    answers = {a.question_id: a.number for a in profile.answers.all()}
    for factor in _factors_of(profile.year):
        points = [
            levels.question_points(q.threshold(), answers.get(q.pk)) for q in factor.questions.all()
        ]
        level, score = levels.factor_level(
            points, medium_from=factor.medium_from, high_from=factor.high_from
        )
        row, _ = ProfileFactor.objects.get_or_create(profile=profile, factor=factor)
        if (row.level, row.score) != (level, score):
            row.level, row.score = level, score
            # A factor that fell to «низкий» cannot stay a priority.
            row.is_priority = row.is_priority and level in (RiskLevel.HIGH, RiskLevel.MEDIUM)
            row.save()


def _editable(profile: RiskProfile, user: User) -> None:
    if not can_fill_risk_profile(user, profile.school):
        raise PermissionDenied
    if profile.status != ProfileStatus.DRAFT:
        raise ValidationError(
            "Профиль отправлен куратору: изменить его можно, когда куратор вернёт его."
        )


@transaction.atomic
def profile_answers_save(
    *, profile: RiskProfile, user: User, answers: dict[str, Decimal | None]
) -> RiskProfile:
    """The school's answers by question code (None clears an answer); questions Opora answers
    from its data are refreshed from it instead, then every level is computed again."""
    _editable(profile, user)
    _refresh_auto_answers(profile)
    automatic = set(profile.answers.filter(is_auto=True).values_list("question__code", flat=True))
    questions = {q.code: q for q in Question.objects.filter(code__in=answers)}
    for code, value in answers.items():
        question = questions.get(code)
        if question is None or code in automatic:
            continue
        _check_answer(question, value)
        if value is None:
            Answer.objects.filter(profile=profile, question=question).delete()
        else:
            Answer.objects.update_or_create(
                profile=profile,
                question=question,
                defaults={"number": value, "is_auto": False, "note": ""},
            )
    _recompute_levels(profile)
    return profile


def _check_answer(question: Question, value: Decimal | None) -> None:
    if value is None:
        return
    limits = {"share": (0, 100), "scale": (1, 5), "yes_no": (0, 1), "number": (0, None)}
    low, high = limits[question.answer_type]
    if value < low or (high is not None and value > high):
        bound = f"от {low} до {high}" if high is not None else f"не меньше {low}"
        raise ValidationError({question.code: f"«{question.text}»: ожидается значение {bound}."})


@transaction.atomic
def profile_priorities_save(
    *, profile: RiskProfile, user: User, factor_codes: list[str]
) -> RiskProfile:
    """The school's priority factors: at most three, each of a high or medium level."""
    _editable(profile, user)
    codes = set(factor_codes)
    if len(codes) > MAX_PRIORITY_FACTORS:
        raise ValidationError(
            f"Приоритетных факторов может быть не больше {MAX_PRIORITY_FACTORS}: выбрано "
            f"{len(codes)}."
        )
    rows = {row.factor.code: row for row in profile.factors.select_related("factor")}
    for code in codes:
        row = rows.get(code)
        if row is None or row.level not in (RiskLevel.HIGH, RiskLevel.MEDIUM):
            title = row.factor.title if row else code
            raise ValidationError(
                f"«{title}»: приоритетным выбирают фактор с высоким или средним уровнем риска."
            )
    for code, row in rows.items():
        if row.is_priority != (code in codes):
            row.is_priority = code in codes
            row.save()
    return profile


@transaction.atomic
def profile_submit(*, profile: RiskProfile, user: User) -> RiskProfile:
    _editable(profile, user)
    if not profile.factors.filter(is_priority=True).exists():
        raise ValidationError("Выберите приоритетные факторы, затем отправьте профиль куратору.")
    profile.status = ProfileStatus.SUBMITTED
    profile.save()
    notify(
        users=school_curators(profile.school),
        text=f"{profile.school.short_name}: рисковый профиль {academic_year_label(profile.year)} "
        "отправлен на верификацию.",
        link=_profile_link(profile),
    )
    return profile


@transaction.atomic
def profile_review(
    *, profile: RiskProfile, user: User, verified: bool, note: str = "", today: datetime.date
) -> RiskProfile:
    """The curator verifies the profile (seed 001: «верификация РПШ») or returns it."""
    if not can_review_school(user, profile.school):
        raise PermissionDenied
    if profile.status != ProfileStatus.SUBMITTED:
        raise ValidationError("Куратор проверяет профиль, отправленный школой.")
    if verified:
        profile.status, profile.verified_by, profile.verified_on = (
            ProfileStatus.VERIFIED,
            user,
            today,
        )
        text = "верифицирован куратором"
    else:
        profile.status = ProfileStatus.DRAFT
        text = "возвращён на доработку"
    profile.save()
    notify(
        users=school_team(profile.school),
        text=f"Рисковый профиль {academic_year_label(profile.year)} {text}."
        + (f" Замечание: {note}" if note else ""),
        link=_profile_link(profile),
    )
    return profile


def _profile_link(profile: RiskProfile) -> str:
    return reverse("risks:profile", args=[profile.school.code, profile.year])


# ---------------------------------------------------------------------------- programs


@transaction.atomic
def school_programs_create(*, profile: RiskProfile, user: User) -> list[Program]:
    """From the profile to the school's documents: a концепция развития and a среднесрочная
    программа развития, and one антирисковая программа per priority factor, each started from
    the factor's template. Documents already made from this profile are kept as they are."""
    if not can_fill_risk_profile(user, profile.school):
        raise PermissionDenied
    priorities = [
        row.factor
        for row in profile.factors.filter(is_priority=True).select_related("factor__template")
    ]
    if not priorities:
        raise ValidationError("Сначала выберите приоритетные факторы риска (не больше трёх).")
    links = profile.programs.select_related("program")
    made = {(link.program.kind, link.factor_id) for link in links}
    created = []
    for kind in (ProgramKind.CONCEPT, ProgramKind.MIDTERM):
        if (kind, None) not in made:
            created.append(_overall_program(profile, kind, priorities))
    for factor in priorities:
        if (ProgramKind.ANTIRISK, factor.pk) not in made:
            created.append(_antirisk_program(profile, factor))
    return created


def _new_program(profile: RiskProfile, *, kind: str, name: str, years: int, factor=None):
    start = profile.year - 1  # the calendar year the school year starts in
    end = start + years
    program = Program.objects.create(
        municipality=profile.school.municipality,
        school=profile.school,
        level=ProgramLevel.SCHOOL,
        kind=kind,
        name=name,
        status=ProgramStatus.DRAFT,
        period=f"{start}–{end} гг."
        if years > 1
        else f"{academic_year_label(profile.year)} учебный год",
        start_year=start,
        end_year=end,
        passport={
            "developer": f"Управленческая команда {profile.school.name}",
            "executors": profile.school.name,
        },
    )
    SchoolProgram.objects.create(program=program, profile=profile, factor=factor)
    return program


def _overall_program(profile: RiskProfile, kind: str, priorities: list[RiskFactor]) -> Program:
    school = profile.school
    if kind == ProgramKind.CONCEPT:
        name = f"Концепция развития {school.short_name}"
        years = 3
    else:
        name = f"Среднесрочная программа развития {school.short_name}"
        years = 3
    program = _new_program(profile, kind=kind, name=name, years=years)
    risks = "; ".join(f.title for f in priorities)
    program.passport |= {
        "basis": f"Рисковый профиль школы за {academic_year_label(profile.year)} учебный год; "
        f"приоритетные факторы риска: {risks}.",
        "goal": "Перевод школы в эффективный режим работы через преодоление приоритетных рисков "
        "снижения образовательных результатов.",
        "tasks": "\n".join(_template(f).goal for f in priorities),
    }
    program.save()
    for position, factor in enumerate(priorities):
        template = _template(factor)
        goal = Goal.objects.create(
            program=program,
            number=str(position + 1),
            text=template.goal,
            risk_factor=factor.title,
            position=position,
        )
        if kind == ProgramKind.MIDTERM:
            _tasks_set(goal, template.tasks)
            _indicators_from_template(program, template, first_number=program.indicators.count())
    return program


def _template(factor: RiskFactor) -> ProgramTemplate:
    try:
        return factor.template
    except ProgramTemplate.DoesNotExist:
        # A factor added in the admin without a template still gets a program to fill in.
        return ProgramTemplate(factor=factor, goal=f"Преодолеть риск: {factor.title}.")


def _antirisk_program(profile: RiskProfile, factor: RiskFactor) -> Program:
    template = _template(factor)
    program = _new_program(
        profile,
        kind=ProgramKind.ANTIRISK,
        name=f"Антирисковая программа «{factor.title}» — {profile.school.short_name}",
        years=1,
        factor=factor,
    )
    program.passport |= {
        "goal": template.goal,
        "tasks": "\n".join(template.tasks),
        "basis": f"Рисковый профиль школы за {academic_year_label(profile.year)} учебный год: "
        f"уровень риска «{profile.factors.get(factor=factor).get_level_display()}».",
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
        activity.schools.set([profile.school])
    _indicators_from_template(program, template, first_number=0)
    return program


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


def _indicators_from_template(program: Program, template: ProgramTemplate, *, first_number: int):
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


def _program_link(program: Program) -> str:
    return reverse("risks:program_work", args=[program.pk])


@transaction.atomic
def school_program_submit(*, program: Program, user: User) -> Program:
    if not program.activities.exists() and program.kind == ProgramKind.ANTIRISK:
        raise ValidationError("В антирисковой программе нет ни одного мероприятия.")
    school_program_status_change(program=program, user=user, status=ProgramStatus.REVIEW)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.SUBMITTED, user=user
    )
    notify(
        users=school_curators(program.school),
        text=f"{program.school.short_name} направила на согласование: {program.name}.",
        link=_program_link(program),
    )
    return program


@transaction.atomic
def school_program_return(*, program: Program, user: User, note: str) -> Program:
    """Back to the draft with the curator's reasons (the field and activity comments stay)."""
    if not note.strip() and not program.review_comments.filter(resolved=False).exists():
        raise ValidationError("Напишите, что доработать: замечание к программе или к её разделу.")
    school_program_status_change(program=program, user=user, status=ProgramStatus.DRAFT)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.RETURNED, user=user, note=note
    )
    notify(
        users=school_team(program.school),
        text=f"Возвращена на доработку: {program.name}." + (f" {note}" if note else ""),
        link=_program_link(program),
    )
    return program


@transaction.atomic
def school_program_approve(*, program: Program, user: User, note: str = "") -> Program:
    school_program_status_change(program=program, user=user, status=ProgramStatus.APPROVED)
    ReviewDecision.objects.create(
        program=program, action=ReviewDecision.Action.APPROVED, user=user, note=note
    )
    program.review_comments.filter(resolved=False).update(resolved=True)
    notify(
        users=school_team(program.school),
        text=f"Согласована и утверждена: {program.name}.",
        link=_program_link(program),
    )
    return program


@transaction.atomic
def review_comment_add(
    *, program: Program, user: User, text: str, field: str = "", activity: Activity | None = None
) -> ReviewComment:
    """A curator's remark on a field of the program or on one of its activities."""
    if program.school_id is None or not can_review_school(user, program.school):
        raise PermissionDenied
    if activity is not None and activity.program_id != program.pk:
        raise ValidationError("Мероприятие из другой программы.")
    comment = ReviewComment(program=program, text=text, field=field, activity=activity, author=user)
    comment.full_clean()
    comment.save()
    return comment


# ---------------------------------------------------------------------------- deadlines


def deadline_notifications(*, today: datetime.date) -> int:
    """Reminders on the activities of approved school programs: one when the end date is seven
    days away or closer, one when it has passed. Idempotent: each is sent once per end date."""
    soon = today + datetime.timedelta(days=7)
    activities = (
        Activity.objects.filter(
            program__school__isnull=False,
            program__status__in=[ProgramStatus.APPROVED, ProgramStatus.IN_PROGRESS],
            ends_on__isnull=False,
            ends_on__lte=soon,
        )
        .exclude(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])
        .select_related("program__school")
    )
    created = 0
    for activity in activities:
        school = activity.program.school
        people = [*school_team(school), *school_curators(school)]
        when = f"{activity.ends_on:%d.%m.%Y}"
        if activity.ends_on < today:
            key, text = f"overdue:{activity.pk}:{activity.ends_on}", "Просрочено"
        else:
            key, text = f"deadline:{activity.pk}:{activity.ends_on}", "Срок через 7 дней и меньше"
        created += notify(
            users=people,
            text=f"{text} (до {when}): {school.short_name}, мероприятие {activity.number} "
            f"«{activity.text[:120]}».",
            link=reverse("programs:activity_detail", args=[activity.pk]),
            key=key,
        )
    return created


# ---------------------------------------------------------------------------- curators


@transaction.atomic
def curator_assign(
    *, school: School, curator: User, kind: str, user: User, today: datetime.date
) -> CuratorAssignment:
    """The municipality assigns a curator, tutor or mentor; the school enters the curator's
    scope (`curated_schools`)."""
    if not can_assign_curators(user, school.municipality):
        raise PermissionDenied
    if not curates_schools(curator):
        raise ValidationError("Закрепить можно только пользователя с ролью «Куратор / наставник».")
    try:
        with transaction.atomic():
            assignment = CuratorAssignment.objects.create(
                curator=curator, school=school, kind=kind, assigned_on=today, assigned_by=user
            )
    except IntegrityError:
        raise ValidationError(f"{curator} уже закреплён за {school.short_name}.") from None
    curator.curated_schools.add(school)
    notify(
        users=[curator],
        text=f"Вы закреплены за школой {school.short_name} ({assignment.get_kind_display()}).",
        link=reverse("risks:school", args=[school.code]),
    )
    return assignment


@transaction.atomic
def curator_unassign(
    *, assignment: CuratorAssignment, user: User, today: datetime.date
) -> CuratorAssignment:
    if not can_assign_curators(user, assignment.school.municipality):
        raise PermissionDenied
    assignment.ended_on = today
    assignment.save()
    assignment.curator.curated_schools.remove(assignment.school)
    return assignment


@transaction.atomic
def visit_save(
    *,
    school: School,
    user: User,
    kind: str,
    date: datetime.date,
    purpose: str,
    findings: str,
    agreed_actions: str,
) -> Visit:
    if not can_review_school(user, school):
        raise PermissionDenied
    visit = Visit(
        school=school,
        curator=user,
        kind=kind,
        date=date,
        purpose=purpose,
        findings=findings,
        agreed_actions=agreed_actions,
    )
    visit.full_clean()
    visit.save()
    return visit


# ---------------------------------------------------------------------------- partnerships


@transaction.atomic
def partnership_create(
    *, leader: School, partner: School, year: int, agreement: str, support: str, user: User
) -> Partnership:
    """A leader school supports a partner school (seed 001: «школы-наставники»; seed 002,
    п. 7.1); set up by the partner's municipality."""
    if not can_manage_municipality(user, partner.municipality) or not can_view_school(user, leader):
        raise PermissionDenied
    partnership = Partnership(
        leader=leader, partner=partner, year=year, agreement=agreement, support=support
    )
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def joint_plan_item_add(
    *, partnership: Partnership, user: User, text: str, period: str, responsible: str
) -> JointPlanItem:
    if not can_edit_partnership(user, partnership):
        raise PermissionDenied
    return JointPlanItem.objects.create(
        partnership=partnership,
        text=text,
        period=period,
        responsible=responsible,
        position=partnership.plan.count(),
    )


@transaction.atomic
def joint_plan_item_done(*, item: JointPlanItem, user: User, done: bool) -> JointPlanItem:
    if not can_edit_partnership(user, item.partnership):
        raise PermissionDenied
    item.done = done
    item.save()
    return item
