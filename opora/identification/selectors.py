"""Reads for identification: the frames the engine works on, runs and their comparison."""

from collections import Counter
from dataclasses import dataclass

import polars as pl
from django.db.models import Max, Q, QuerySet

from opora.accounts.models import User
from opora.accounts.permissions import visible_municipalities, visible_schools
from opora.assessments.models import SchoolResult
from opora.identification.models import IdentificationRun, RuleSet, RunStatus, Verdict
from opora.registry.models import ContextIndicator, ContextValue, School


def context_frame(*, schools: QuerySet[School], before_year: int) -> pl.DataFrame:
    """The latest value of each context figure of each school from years before `before_year`."""
    rows = (
        ContextValue.objects.filter(school__in=schools, year__lt=before_year, number__isnull=False)
        .order_by("school__code", "indicator__code", "-year")
        .values_list("school__code", "indicator__code", "number")
    )
    values = [(s, i, float(v)) for s, i, v in rows]
    # Registry facts that rules read like context figures (seed 003: «малочисленная школа»).
    values += [
        (code, "is_small", float(small)) for code, small in schools.values_list("code", "is_small")
    ]
    frame = pl.DataFrame(
        values,
        schema={"school_code": pl.String, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )
    return frame.unique(subset=["school_code", "indicator"], keep="first", maintain_order=True)


def indicator_labels() -> dict[str, str]:
    return {
        "is_small": "малокомплектная школа",
        **dict(ContextIndicator.objects.values_list("code", "name")),
    }


def rule_set_list(*, user: User) -> QuerySet[RuleSet]:
    """The latest version of each rule set the user's region may use."""
    regions = {m.region_id for m in visible_municipalities(user)}
    rule_sets = RuleSet.objects.filter(region__isnull=True) | RuleSet.objects.filter(
        region__in=regions
    )
    latest = {}
    for rule_set in rule_sets.order_by("code", "-version"):
        latest.setdefault(rule_set.code, rule_set)
    return RuleSet.objects.filter(pk__in=[r.pk for r in latest.values()]).order_by("code")


def run_list(*, user: User) -> QuerySet[IdentificationRun]:
    municipalities = visible_municipalities(user)
    regions = municipalities.values("region")
    runs = IdentificationRun.objects.filter(municipality__in=municipalities)
    if user.is_superuser or user.region_id:
        runs = runs | IdentificationRun.objects.filter(
            municipality__isnull=True, region__in=regions
        )
    return runs.select_related("rule_set", "region", "municipality", "created_by")


def run_verdicts(*, user: User, run: IdentificationRun) -> QuerySet[Verdict]:
    """The run's verdicts for the schools the user may see, flagged first."""
    return (
        run.verdicts.filter(school__in=visible_schools(user))
        .select_related("school__municipality")
        .order_by("-flagged", "school__municipality__name", "school__short_name")
    )


def previous_run(*, run: IdentificationRun) -> IdentificationRun | None:
    """The latest earlier run of the same rule (any version) over the same territory."""
    return (
        IdentificationRun.objects.filter(
            rule_set__code=run.rule_set.code,
            region=run.region,
            municipality=run.municipality,
            created_at__lt=run.created_at,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass
class ListChange:
    school: School
    before: str  # the category, or «в списке» / «не в списке» for a plain rule
    after: str
    reasons: list[str]  # why the school is where it is now, then why it was where it was

    @property
    def entered(self) -> bool:
        return self.after != NOT_LISTED and self.before == NOT_LISTED


NOT_LISTED = "не в списке"


def _placement(verdict: Verdict) -> str:
    if verdict.category:
        return verdict.category
    return "в списке" if verdict.flagged else NOT_LISTED


def run_changes(
    *, user: User, run: IdentificationRun, before: IdentificationRun
) -> list[ListChange]:
    """Schools whose place changed since an earlier run (entered, left, moved between
    categories), with the reasons now and then."""
    then = {v.school_id: v for v in run_verdicts(user=user, run=before)}
    changes = []
    for verdict in run_verdicts(user=user, run=run):
        earlier = then.get(verdict.school_id)
        was = _placement(earlier) if earlier else NOT_LISTED
        now = _placement(verdict)
        if was != now:
            reasons = [f"теперь: {r}" for r in verdict.reasons]
            reasons += [f"раньше: {r}" for r in earlier.reasons] if earlier else []
            changes.append(
                ListChange(school=verdict.school, before=was, after=now, reasons=reasons)
            )
    return sorted(changes, key=lambda c: (not c.entered, c.school.short_name))


def category_counts(*, user: User, run: IdentificationRun) -> list[tuple[str, int]]:
    """How many schools fell in each category of a clustering, in the clustering's order."""
    order = [c["name"] for c in run.params.get("categories", [])]
    counts = Counter(v.category for v in run_verdicts(user=user, run=run))
    return [(name, counts[name]) for name in order] + (
        [("без категории", counts[""])] if counts[""] else []
    )


def next_identification_year(*, user: User) -> int | None:
    """The year a list would be drawn up for next: the one after the latest results in scope."""
    latest = SchoolResult.objects.filter(school__in=visible_schools(user)).aggregate(y=Max("year"))[
        "y"
    ]
    return latest + 1 if latest else None


def supported_schools(*, municipality, year: int) -> QuerySet[School]:
    """The municipality's schools on its approved list for `year`: the latest approved run
    (municipal or regional) of that year or, when the year has none yet, of the last year that
    has one. Clusterings count only their flagged schools."""
    runs = IdentificationRun.objects.filter(
        status=RunStatus.APPROVED, year__lte=year, region_id=municipality.region_id
    ).filter(Q(municipality=municipality) | Q(municipality__isnull=True))
    latest = runs.order_by("-year", "-approved_at").first()
    if latest is None:
        return School.objects.none()
    return School.objects.filter(
        municipality=municipality, verdicts__run=latest, verdicts__flagged=True
    )
