"""Identification: apply a rule set to the data of a territory, keep the run, approve the list."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from opora.accounts.models import User
from opora.accounts.permissions import (
    can_approve_identification,
    can_run_identification,
    can_save_rule_variant,
    can_see_rule_set,
)
from opora.assessments.models import Assessment
from opora.assessments.selectors import results_frame, subject_labels
from opora.columnar import read_frame
from opora.identification import early_warning, selectors
from opora.identification.engine import AssessmentSelector
from opora.identification.models import (
    IdentificationRun,
    RuleSet,
    RunStatus,
    Verdict,
    WarningEntry,
    WarningRun,
)
from opora.identification.rules import (
    EARLY_WARNING,
    LOW_RESULTS,
    apply_rule,
    result_counts,
    results_read,
    rule_from_params,
    variant_title,
)
from opora.programs.models import Order
from opora.registry.models import Municipality, Region, School
from opora.registry.years import academic_year_label


@dataclass
class Outcome:
    """A computed list, not yet saved: what a run would record."""

    rule_set: RuleSet
    params: dict[str, Any]
    year: int
    region: Region
    municipality: Municipality | None
    verdicts: pl.DataFrame  # school_code, flagged, reasons
    inputs: dict[str, Any]

    @property
    def flagged_codes(self) -> set[str]:
        return set(self.verdicts.filter("flagged")["school_code"])


def identification_compute(
    *,
    user: User | None,
    rule_set: RuleSet,
    year: int,
    region: Region,
    municipality: Municipality | None = None,
    params: dict[str, Any] | None = None,
) -> Outcome:
    """Apply `rule_set` (or the same rule with other `params`) to every school of the territory."""
    return identification_compute_many(
        user=user, rule_set=rule_set, year=year, territories=[(region, municipality)], params=params
    )[0]


def identification_compute_many(
    *,
    user: User | None,
    rule_set: RuleSet,
    year: int,
    territories: list[tuple[Region, Municipality | None]],
    params: dict[str, Any] | None = None,
) -> list[Outcome]:
    """identification_compute for each territory (a region, or a municipality of it), the data of
    all of them read at once: a country's 85 regions cost the queries of one."""
    if user is not None and not (
        can_see_rule_set(user, rule_set)
        and all(
            can_run_identification(user, region=region, municipality=municipality)
            for region, municipality in territories
        )
    ):
        raise PermissionDenied
    params = rule_set.params if params is None else params
    rule_from_params(rule_set.kind, params)  # refuses wrong parameters before any data is read
    whole = [region for region, municipality in territories if municipality is None]
    parts = [municipality for _, municipality in territories if municipality is not None]
    schools = School.objects.filter(Q(municipality__region__in=whole) | Q(municipality__in=parts))
    places = read_frame(
        schools.values_list("code", "municipality__region_id", "municipality_id", "parent__code"),
        {
            "school_code": pl.String,
            "region_id": pl.Int64,
            "municipality_id": pl.Int64,
            "parent_code": pl.String,
        },
    )
    years, counted = results_read(rule_set.kind, params, year=year)
    results = results_frame(
        schools=schools,
        years=years,
        counts=result_counts(rule_set.kind, params),
        assessments=None if counted is None else _assessments(counted),
    )
    context = selectors.context_frame(schools=schools, before_year=year)
    # Every rule judges a school by its own results (a branch by its head school's): one
    # application to all the territories' schools gives each territory its list. A country's
    # 85 regions applied one by one took longer than reading their data.
    where = places.select("school_code", "region_id", "municipality_id")
    verdicts = apply_rule(
        rule_set.kind,
        params,
        year=year,
        schools=places["school_code"].to_list(),
        results=results,
        context=context,
        subject_labels=subject_labels(),
        indicator_labels=selectors.indicator_labels(),
        parents=dict(places.drop_nulls("parent_code").select("school_code", "parent_code").rows()),
    ).join(where, on="school_code", how="left", maintain_order="left")
    territory = ["region_id", "municipality_id"]
    results_per_territory = results.join(where, on="school_code").group_by(*territory, "year").len()
    context_per_territory = context.join(where, on="school_code").group_by(territory).len()
    outcomes = []
    for region, municipality in territories:
        own = pl.col("region_id") == region.pk
        if municipality is not None:
            own &= pl.col("municipality_id") == municipality.pk
        own_results = results_per_territory.filter(own)
        inputs = {
            "schools": places.filter(own).height,
            "results": int(own_results["len"].sum()),
            "result_years": [academic_year_label(y) for y in sorted(own_results["year"].unique())],
            "context_values": int(context_per_territory.filter(own)["len"].sum()),
        }
        own_verdicts = verdicts.filter(own).drop(territory)
        outcomes.append(Outcome(rule_set, params, year, region, municipality, own_verdicts, inputs))
    return outcomes


def _assessments(selectors: Iterable[AssessmentSelector]) -> QuerySet[Assessment]:
    """The assessments a rule's selectors name (a selector without subject or grade names all)."""
    named = Q(pk__in=[])
    for selector in selectors:
        one = Q(kind=selector.kind)
        if selector.subject is not None:
            one &= Q(subject__code=selector.subject)
        if selector.grade is not None:
            one &= Q(grade=selector.grade)
        named |= one
    return Assessment.objects.filter(named)


@transaction.atomic
def identification_save(*, user: User | None, outcome: Outcome) -> IdentificationRun:
    """Record a computed list. Parameters other than the rule set's are saved as a variant of
    the saver's territory (see rule_variant_save); the rule set itself never changes."""
    if user is not None and not can_run_identification(
        user, region=outcome.region, municipality=outcome.municipality
    ):
        raise PermissionDenied
    rule_set = outcome.rule_set
    if outcome.params != rule_set.params:
        rule_set = rule_variant_save(
            user=user,
            rule_set=rule_set,
            params=outcome.params,
            region=outcome.region,
            municipality=outcome.municipality,
        )
    run = IdentificationRun.objects.create(
        rule_set=rule_set,
        year=outcome.year,
        region=outcome.region,
        municipality=outcome.municipality,
        params=outcome.params,
        inputs=outcome.inputs,
        schools_count=outcome.verdicts.height,
        flagged_count=len(outcome.flagged_codes),
        created_by=user,
    )
    school_ids = dict(
        School.objects.filter(code__in=outcome.verdicts["school_code"].to_list()).values_list(
            "code", "pk"
        )
    )
    Verdict.objects.bulk_create(
        Verdict(
            run=run,
            school_id=school_ids[row["school_code"]],
            flagged=row["flagged"],
            category=row["category"] or (rule_set.category if row["flagged"] else ""),
            reasons=list(row["reasons"]),
        )
        for row in outcome.verdicts.iter_rows(named=True)
    )
    return run


@transaction.atomic
def rule_variant_save(
    *,
    user: User | None,
    rule_set: RuleSet,
    params: dict[str, Any],
    region: Region,
    municipality: Municipality | None,
) -> RuleSet:
    """The variant of `rule_set` with `params`, owned by the saver's own territory: a
    coordinator's municipality, a region operator's region (for a command or an administrator,
    the territory of the list). Named after its thresholds; the same thresholds saved again by the
    same territory give the same variant. Built-in rules are never changed or versioned."""
    if user is not None and not (
        can_see_rule_set(user, rule_set)
        and can_save_rule_variant(user, region=region, municipality=municipality)
    ):
        raise PermissionDenied
    try:
        rule_from_params(rule_set.kind, params)
        title = variant_title(rule_set.kind, rule_set.category, params)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if user is not None and user.region_id:
        owner = {"region_id": user.region_id, "municipality_id": None}
    elif user is not None and user.municipality_id:
        owner = {"region_id": None, "municipality_id": user.municipality_id}
    elif municipality is not None:
        owner = {"region_id": None, "municipality_id": municipality.pk}
    else:
        owner = {"region_id": region.pk, "municipality_id": None}
    base = rule_set.derived_from or rule_set
    for variant in base.variants.filter(**owner, kind=rule_set.kind):
        if variant.params == params:
            return variant
    number = base.variants.count() + 1
    while RuleSet.objects.filter(code=f"{base.code}-{number}").exists():
        number += 1
    variant = RuleSet(
        code=f"{base.code}-{number}",
        title=title,
        kind=rule_set.kind,
        category=rule_set.category,
        params=params,
        derived_from=base,
        created_by=user,
        **owner,
    )
    variant.source = (
        f"вариант «{variant.owner_name}»: пороги правила «{base.title}» "
        f"(версия {base.version}) изменены"
    )
    variant.save()
    return variant


@transaction.atomic
def identification_approve(
    *, user: User, run: IdentificationRun, order: Order
) -> IdentificationRun:
    """Make a run the official list, citing the order (приказ) that approved it: an order of
    the run's region, issued by the region or by the run's municipality."""
    if not can_approve_identification(user, run):
        raise PermissionDenied
    if run.status == RunStatus.APPROVED:
        raise ValidationError("Этот список уже утверждён.")
    if order.region_id != run.region_id or order.municipality_id not in (
        None,
        run.municipality_id,
    ):
        raise ValidationError({"order": "Приказ издан для другой территории."})
    run.status = RunStatus.APPROVED
    run.order = order
    run.approved_by, run.approved_at = user, timezone.now()
    run.full_clean()
    run.save()
    return run


# --- The risk group for next year --------------------------------------------------------------


@transaction.atomic
def warning_run_create(
    *,
    user: User | None,
    rule_set: RuleSet,
    year: int,
    region: Region,
    municipality: Municipality | None = None,
) -> WarningRun:
    """Draw up «Группа риска на следующий год» for the territory: which schools not in the list
    of `rule_set` for `year` may be in it for `year` + 1, and keep the run with its parameters."""
    if user is not None and not (
        can_run_identification(user, region=region, municipality=municipality)
        and can_see_rule_set(user, rule_set)
    ):
        raise PermissionDenied
    if rule_set.kind != LOW_RESULTS:
        raise ValidationError(
            {"rule_set": "Группа риска строится по правилу о низких результатах."}
        )
    warning_rule = selectors.analysis_rule(kind=EARLY_WARNING, region=region)
    rule = rule_from_params(LOW_RESULTS, rule_set.params)
    warning = rule_from_params(EARLY_WARNING, warning_rule.params)
    schools = School.objects.filter(municipality__region=region)
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    codes = list(schools.values_list("code", flat=True))
    results = results_frame(
        schools=schools, years=[year - 3, year - 2, year - 1], counts=["participants", "mark_2"]
    )
    frame = early_warning.early_warning(
        results,
        rule=rule,
        warning=warning,
        year=year,
        schools=codes,
        subject_labels=subject_labels(),
    )
    open_schools = frame.filter(~pl.col("listed"))
    run = WarningRun.objects.create(
        rule_set=rule_set,
        warning_rule=warning_rule,
        year=year,
        region=region,
        municipality=municipality,
        params={"rule": rule_set.params, "warning": warning_rule.params},
        inputs={
            "schools": len(codes),
            "listed": frame.height - open_schools.height,
            "results": results.height,
            "result_years": [academic_year_label(y) for y in sorted(results["year"].unique())],
        },
        schools_count=len(codes),
        warned_count=int(open_schools["warned"].sum()),
        created_by=user,
    )
    school_ids = dict(schools.values_list("code", "pk"))
    WarningEntry.objects.bulk_create(
        WarningEntry(
            run=run,
            school_id=school_ids[row["school_code"]],
            probability=row["probability"],
            warned=row["warned"],
            rank=row["rank"],
            reasons=list(row["reasons"]),
        )
        for row in open_schools.iter_rows(named=True)
    )
    return run
