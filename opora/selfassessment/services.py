"""Writes of the self-assessment: the coordinator answers and submits, the region returns or
accepts (as monitoring submissions are reviewed); the region adapts the criteria in a version of
its own. Every write checks its user with a predicate of opora/accounts/permissions.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_adapt_criteria,
    can_edit_self_assessment,
    can_review_self_assessment,
)
from opora.registry.models import Municipality, Region
from opora.selfassessment import evidence as ev
from opora.selfassessment.models import (
    Answer,
    CriteriaSet,
    Criterion,
    Scoring,
    SelfAssessment,
    Status,
)
from opora.selfassessment.selectors import criteria_set_for
from opora.uploads import document_validator


@transaction.atomic
def self_assessment_open(
    *, user: User | None, municipality: Municipality, year: int
) -> SelfAssessment:
    """The municipality's self-assessment of the year, opened with the region's criteria."""
    if user is not None and not can_edit_self_assessment(user, municipality):
        raise PermissionDenied
    assessment, _ = SelfAssessment.objects.get_or_create(
        municipality=municipality,
        year=year,
        defaults={"criteria_set": criteria_set_for(region=municipality.region)},
    )
    return assessment


@transaction.atomic
def answers_save(
    *, user: User | None, assessment: SelfAssessment, answers: dict[int, dict]
) -> SelfAssessment:
    """Save the coordinator's answers: criterion id → {"accepted": keys of Opora's proposals
    accepted, "comment": text, "file": an upload or None, "remove_file": bool}. Only what Opora
    proposes now can be accepted; it is kept as shown (link and summary)."""
    if user is not None and not can_edit_self_assessment(user, assessment.municipality):
        raise PermissionDenied
    if not assessment.is_editable:
        raise ValidationError("Самооценка отправлена в регион: изменить её можно после возврата.")
    criteria = {c.pk: c for c in assessment.criteria_set.criteria.all()}
    found: dict[str, list[ev.Evidence]] = {}
    for criterion_id, given in answers.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError("Такого критерия нет в этой самооценке.")
        upload = given.get("file")
        if upload:
            try:
                document_validator(upload)
            except ValidationError as error:
                raise ValidationError(
                    {f"file-{criterion.pk}": f"Критерий {criterion.number}: {error.messages[0]}"}
                ) from error
        if criterion.evidence not in found:
            found[criterion.evidence] = ev.find(
                criterion.evidence, assessment.municipality, assessment.year
            )
        wanted = set(given.get("accepted", []))
        answer, _ = Answer.objects.get_or_create(assessment=assessment, criterion=criterion)
        answer.accepted = [p.stored() for p in found[criterion.evidence] if p.key in wanted]
        answer.comment = given.get("comment", "").strip()
        if given.get("remove_file") and answer.file:
            answer.file.delete(save=False)
        if upload:
            answer.file = upload
        answer.save()
    if assessment.status == Status.DRAFT:
        assessment.save()  # a history row: who changed the assessment and when
    return assessment


@transaction.atomic
def self_assessment_submit(*, user: User, assessment: SelfAssessment) -> SelfAssessment:
    if not can_edit_self_assessment(user, assessment.municipality):
        raise PermissionDenied
    if not assessment.is_editable:
        raise ValidationError("Самооценка уже отправлена.")
    if not assessment.answers.exists():
        raise ValidationError("Сначала просмотрите предложенные подтверждения и сохраните ответы.")
    assessment.status = Status.SUBMITTED
    assessment.submitted_at, assessment.submitted_by = timezone.now(), user
    assessment.save()
    return assessment


@transaction.atomic
def self_assessment_review(
    *, user: User, assessment: SelfAssessment, accept: bool, comment: str
) -> SelfAssessment:
    """The region accepts the self-assessment or returns it with a comment saying what to fix."""
    if not can_review_self_assessment(user, assessment.municipality):
        raise PermissionDenied
    if assessment.status != Status.SUBMITTED:
        raise ValidationError("Проверить можно только отправленную самооценку.")
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": "Возвращая самооценку, напишите, что исправить."})
    assessment.status = Status.ACCEPTED if accept else Status.RETURNED
    assessment.review_comment = comment
    assessment.reviewed_at, assessment.reviewed_by = timezone.now(), user
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def criteria_version_create(*, user: User | None, base: CriteriaSet, region: Region) -> CriteriaSet:
    """A version of the criteria owned by `region`, copied from `base`: the region then adapts
    its wording and scoring. The built-in set stays as published."""
    if user is not None and not can_adapt_criteria(user, region):
        raise PermissionDenied
    version = (
        CriteriaSet.objects.filter(code=base.code).aggregate(Max("version"))["version__max"] or 0
    ) + 1
    created = CriteriaSet.objects.create(
        code=base.code,
        version=version,
        title=base.title,
        region=region,
        derived_from=base,
        source=f"версия региона «{region.name}» на основе «{base.title}» (версия {base.version})",
        created_by=user,
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=created,
            number=c.number,
            step=c.step,
            text=c.text,
            scoring=c.scoring,
            max_points=c.max_points,
            evidence=c.evidence,
            position=c.position,
        )
        for c in base.criteria.all()
    )
    return created


@transaction.atomic
def criterion_update(
    *, user: User | None, criterion: Criterion, text: str, scoring: str, max_points: int
) -> Criterion:
    """Change a criterion of the region's own version, while no submitted self-assessment
    cites that version (what was assessed stays as it was assessed)."""
    criteria_set = criterion.criteria_set
    if criteria_set.is_built_in:
        raise ValidationError("Встроенные критерии не меняются: создайте версию региона.")
    if user is not None and not can_adapt_criteria(user, criteria_set.region):
        raise PermissionDenied
    if criteria_set.assessments.exclude(status=Status.DRAFT).exists():
        raise ValidationError(
            "По этой версии уже отправлены самооценки: создайте новую версию и меняйте её."
        )
    if not text.strip():
        raise ValidationError({"text": "Напишите формулировку критерия."})
    if scoring not in Scoring.values:
        raise ValidationError({"scoring": "Выберите способ оценки: «да / нет» или баллы."})
    criterion.text = text.strip()
    criterion.scoring = scoring
    criterion.max_points = 1 if scoring == Scoring.YES_NO else max_points
    criterion.full_clean()
    criterion.save()
    return criterion
