"""Reads for identification: the frames the engine works on, runs and their comparison."""

from dataclasses import dataclass

import polars as pl
from django.db.models import Max, QuerySet

from opora.accounts.models import User
from opora.accounts.permissions import visible_municipalities, visible_schools
from opora.assessments.models import SchoolResult
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.registry.models import ContextIndicator, ContextValue, School


def context_frame(*, schools: QuerySet[School], before_year: int) -> pl.DataFrame:
    """The latest value of each context figure of each school from years before `before_year`."""
    rows = (
        ContextValue.objects.filter(school__in=schools, year__lt=before_year, number__isnull=False)
        .order_by("school__code", "indicator__code", "-year")
        .values_list("school__code", "indicator__code", "number")
    )
    frame = pl.DataFrame(
        [(s, i, float(v)) for s, i, v in rows],
        schema={"school_code": pl.String, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )
    return frame.unique(subset=["school_code", "indicator"], keep="first", maintain_order=True)


def indicator_labels() -> dict[str, str]:
    return dict(ContextIndicator.objects.values_list("code", "name"))


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
    entered: bool
    reasons: list[str]  # why the school is in the list now, or was in it before


def run_changes(
    *, user: User, run: IdentificationRun, before: IdentificationRun
) -> list[ListChange]:
    """Who entered the list and who left it, compared with an earlier run, with the reasons."""
    now = {v.school_id: v for v in run_verdicts(user=user, run=run)}
    then = {v.school_id: v for v in run_verdicts(user=user, run=before)}
    changes = []
    for school_id, verdict in now.items():
        earlier = then.get(school_id)
        if verdict.flagged and not (earlier and earlier.flagged):
            changes.append(ListChange(school=verdict.school, entered=True, reasons=verdict.reasons))
        elif not verdict.flagged and earlier and earlier.flagged:
            reasons = [f"раньше: {r}" for r in earlier.reasons] + [
                f"теперь: {r}" for r in verdict.reasons
            ]
            changes.append(ListChange(school=verdict.school, entered=False, reasons=reasons))
    return sorted(changes, key=lambda c: (not c.entered, c.school.short_name))


def next_identification_year(*, user: User) -> int | None:
    """The year a list would be drawn up for next: the one after the latest results in scope."""
    latest = SchoolResult.objects.filter(school__in=visible_schools(user)).aggregate(y=Max("year"))[
        "y"
    ]
    return latest + 1 if latest else None
