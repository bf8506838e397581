"""The school's risk profile: the questionnaire and its answers, the levels computed from them,
the priority factors, and the curator's verification of the profile."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from opora.accounts.models import User
from opora.accounts.permissions import can_fill_risk_profile, can_review_school
from opora.registry.models import School
from opora.registry.years import academic_year_label
from opora.risks import levels
from opora.risks.autofill import auto_answer
from opora.risks.models import (
    MAX_PRIORITY_FACTORS,
    Answer,
    ProfileFactor,
    ProfileStatus,
    Question,
    RiskFactor,
    RiskLevel,
    RiskProfile,
)
from opora.risks.notifications import notify, school_curators, school_team


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
