"""Reads of self-assessments within the user's scope: the criteria offered, one municipality's
assessment of a year step by step with its evidence and gaps, and the region's table of
municipalities × steps with each score's change from the year before."""

import math
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import sees_whole_municipality, visible_municipalities
from opora.registry.models import Municipality, Region
from opora.selfassessment import evidence as ev
from opora.selfassessment.models import (
    Answer,
    CriteriaSet,
    Criterion,
    Scoring,
    SelfAssessment,
    Step,
)

# Score levels: the share of the step's points confirmed. The colour only helps; the cell says
# the level in words and the points.
LEVELS = [(80, "good", "подтверждено"), (50, "part", "частично"), (1, "weak", "слабо")]
NONE_LEVEL = ("none", "не подтверждено")


def level_of(percent: int | None) -> tuple[str, str]:
    if percent is None:
        return ("empty", "нет самооценки")
    for threshold, css, label in LEVELS:
        if percent >= threshold:
            return css, label
    return NONE_LEVEL


# --- Criteria ------------------------------------------------------------------------------------


def criteria_sets(*, user: User) -> QuerySet[CriteriaSet]:
    """The built-in sets and the versions of the regions the user works in."""
    return (
        CriteriaSet.objects.filter(
            Q(region__isnull=True)
            | Q(region__in=Region.objects.filter(municipalities__in=visible_municipalities(user)))
        )
        .distinct()
        .select_related("region", "derived_from")
    )


def criteria_set_get(*, user: User, pk: int) -> CriteriaSet:
    return get_object_or_404(criteria_sets(user=user), pk=pk)


def criteria_set_for(*, region: Region) -> CriteriaSet:
    """The criteria a new self-assessment of the region uses: the region's latest version, else
    the latest built-in one."""
    own = CriteriaSet.objects.filter(region=region).order_by("-version", "-pk").first()
    return (
        own or CriteriaSet.objects.filter(region__isnull=True).order_by("-version", "-pk").first()
    )


# --- One municipality's self-assessment ----------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: Criterion
    answer: Answer | None
    proposals: list[ev.Evidence]  # what Opora finds now (a draft) — empty once submitted
    accepted: list[dict]  # the evidence counted: {key, url, summary, share}
    points: int

    @property
    def accepted_keys(self) -> set[str]:
        return {item["key"] for item in self.accepted}

    @property
    def is_gap(self) -> bool:
        return self.points == 0

    @property
    def closes(self) -> str:
        kind = ev.KINDS.get(self.criterion.evidence)
        return kind.closes if kind else ""

    @property
    def evidence_label(self) -> str:
        kind = ev.KINDS.get(self.criterion.evidence)
        return kind.label if kind else self.criterion.evidence


@dataclass
class StepRow:
    step: str
    label: str
    number: int
    criteria: list[CriterionRow] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(row.points for row in self.criteria)

    @property
    def max_points(self) -> int:
        return sum(row.criterion.max_points for row in self.criteria)

    @property
    def percent(self) -> int | None:
        return round(100 * self.points / self.max_points) if self.max_points else None

    @property
    def level(self) -> tuple[str, str]:
        return level_of(self.percent)


@dataclass
class AssessmentView:
    municipality: Municipality
    year: int
    assessment: SelfAssessment | None
    criteria_set: CriteriaSet
    steps: list[StepRow]

    @property
    def points(self) -> int:
        return sum(step.points for step in self.steps)

    @property
    def max_points(self) -> int:
        return sum(step.max_points for step in self.steps)

    @property
    def percent(self) -> int | None:
        return round(100 * self.points / self.max_points) if self.max_points else None

    @property
    def gaps(self) -> list[CriterionRow]:
        return [row for step in self.steps for row in step.criteria if row.is_gap]


def criterion_points(criterion: Criterion, accepted: list[dict], has_file: bool) -> int:
    """Yes/no: the full mark with any evidence. Points: the mark in proportion to the best
    evidence («12 из 14 выполнены» gives 12/14 of it), at least one point for any; a file of
    the coordinator's own counts as full evidence (the region checks it on review)."""
    shares = [float(item.get("share", 1.0)) for item in accepted] + ([1.0] if has_file else [])
    shares = [share for share in shares if share > 0]
    if not shares:
        return 0
    if criterion.scoring == Scoring.YES_NO:
        return criterion.max_points
    return max(1, min(criterion.max_points, math.floor(criterion.max_points * max(shares) + 0.5)))


def municipality_get(*, user: User, code: str) -> Municipality:
    """A municipality whose self-assessment the user reads: its own people, its region; not a
    school team or a curator, who see only some of its schools."""
    municipality = get_object_or_404(
        visible_municipalities(user).select_related("region"), code=code
    )
    if not sees_whole_municipality(user, municipality):
        raise Http404
    return municipality


def assessment_view(*, municipality: Municipality, year: int, find: bool = True) -> AssessmentView:
    """The self-assessment of the year step by step. While the coordinator still edits it (or
    before it is opened), the evidence is what Opora finds now, and an accepted piece that is no
    longer found no longer counts; once submitted, what was accepted is kept as it was.
    `find` False reads only what was saved (the region's table: no search per municipality)."""
    assessment = (
        SelfAssessment.objects.filter(municipality=municipality, year=year)
        .select_related("criteria_set", "submitted_by", "reviewed_by")
        .first()
    )
    criteria_set = (
        assessment.criteria_set if assessment else criteria_set_for(region=municipality.region)
    )
    answers = (
        {a.criterion_id: a for a in assessment.answers.all()} if assessment is not None else {}
    )
    live = find and (assessment is None or assessment.is_editable)
    found: dict[str, list[ev.Evidence]] = {}
    steps = {
        value: StepRow(value, label, number)
        for number, (value, label) in enumerate(Step.choices, start=1)
    }
    for criterion in criteria_set.criteria.order_by("position", "pk"):
        answer = answers.get(criterion.pk)
        if live:
            if criterion.evidence not in found:
                found[criterion.evidence] = (
                    ev.find(criterion.evidence, municipality, year)
                    if criterion.evidence in ev.KINDS
                    else []
                )
            proposals = found[criterion.evidence]
            if answer is None:
                accepted = []
            else:
                kept = {item["key"] for item in answer.accepted}
                accepted = [p.stored() for p in proposals if p.key in kept]
        else:
            proposals, accepted = [], list(answer.accepted) if answer else []
        has_file = bool(answer and answer.file)
        steps[criterion.step].criteria.append(
            CriterionRow(
                criterion,
                answer,
                proposals,
                accepted,
                criterion_points(criterion, accepted, has_file),
            )
        )
    return AssessmentView(
        municipality, year, assessment, criteria_set, [s for s in steps.values() if s.criteria]
    )


def answer_get(*, user: User, pk: int) -> Answer:
    answer = get_object_or_404(
        Answer.objects.select_related("assessment__municipality"),
        pk=pk,
        assessment__municipality__in=visible_municipalities(user),
    )
    if not sees_whole_municipality(user, answer.assessment.municipality):
        raise Http404
    return answer


# --- The region's table --------------------------------------------------------------------------


@dataclass
class TableRow:
    municipality: Municipality
    view: AssessmentView | None
    previous_percent: int | None

    @property
    def change(self) -> int | None:
        if self.view is None or self.view.percent is None or self.previous_percent is None:
            return None
        return self.view.percent - self.previous_percent


def table_municipalities(*, user: User) -> list[Municipality]:
    """The municipalities whose self-assessment the user reads, whole."""
    return [
        m
        for m in visible_municipalities(user).select_related("region").order_by("name")
        if sees_whole_municipality(user, m)
    ]


def assessment_years(*, municipalities: list[Municipality]) -> list[int]:
    return sorted(
        set(
            SelfAssessment.objects.filter(municipality__in=municipalities).values_list(
                "year", flat=True
            )
        ),
        reverse=True,
    )


def region_table(*, user: User, year: int) -> list[TableRow]:
    """Each municipality the user reads × the steps of the cycle, for the self-assessments
    opened for `year` as saved, with the change of the total from the year before."""
    municipalities = table_municipalities(user=user)
    opened = {
        (a.municipality_id, a.year)
        for a in SelfAssessment.objects.filter(
            municipality__in=municipalities, year__in=(year, year - 1)
        )
    }
    rows = []
    for municipality in municipalities:
        view = (
            assessment_view(municipality=municipality, year=year, find=False)
            if (municipality.pk, year) in opened
            else None
        )
        previous = (
            assessment_view(municipality=municipality, year=year - 1, find=False).percent
            if (municipality.pk, year - 1) in opened
            else None
        )
        rows.append(TableRow(municipality, view, previous))
    return rows
