"""Reads of the registry, always within the user's scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.shortcuts import get_object_or_404

from opora.accounts.models import User
from opora.accounts.permissions import visible_municipalities, visible_schools
from opora.paging import LazyRows
from opora.registry.models import (
    ContextGroup,
    ContextIndicator,
    ContextUnit,
    ContextValue,
    Contingent,
    Municipality,
    School,
)

SCHOOL_SORTS = {
    "name": ["short_name"],
    "-name": ["-short_name"],
    "code": ["code"],
    "-code": ["-code"],
    "type": ["school_type", "short_name"],
    "-type": ["-school_type", "short_name"],
    "municipality": ["municipality__name", "short_name"],
    "-municipality": ["-municipality__name", "short_name"],
    # Schools without the figure go last either way, on every database.
    "students": [F("students").asc(nulls_last=True), "short_name"],
    "-students": [F("students").desc(nulls_last=True), "short_name"],
    "distance": [F("distance_km").asc(nulls_last=True), "short_name"],
    "-distance": [F("distance_km").desc(nulls_last=True), "short_name"],
}


@dataclass(frozen=True)
class SchoolFilter:
    query: str = ""
    municipality: str = ""  # municipality code
    school_type: str = ""
    locality: str = ""  # "rural" | "urban" | ""
    small_only: bool = False
    sort: str = "name"


def school_list(*, user: User, filters: SchoolFilter) -> QuerySet[School]:
    latest_total = (
        Contingent.objects.filter(school=OuterRef("pk")).order_by("-year").values("total")[:1]
    )
    schools = (
        visible_schools(user)
        .select_related("municipality", "parent")
        .annotate(students=Subquery(latest_total), branch_count=Count("branches"))
    )
    if filters.query:
        # Lower() on both sides: icontains ignores the case of Cyrillic letters on no database.
        haystack = Lower(
            Concat("code", Value(" "), "name", Value(" "), "short_name", Value(" "), "settlement")
        )
        schools = schools.alias(haystack=haystack).filter(haystack__contains=filters.query.lower())
    if filters.municipality:
        schools = schools.filter(municipality__code=filters.municipality)
    if filters.school_type:
        schools = schools.filter(school_type=filters.school_type)
    if filters.locality:
        schools = schools.filter(is_rural=filters.locality == "rural")
    if filters.small_only:
        schools = schools.filter(is_small=True)
    return schools.order_by(*SCHOOL_SORTS.get(filters.sort, SCHOOL_SORTS["name"]))


def school_get(*, user: User, code: str) -> School:
    """The school with this code if the user may see it; 404 otherwise, revealing nothing."""
    return get_object_or_404(
        visible_schools(user).select_related("municipality__region", "parent"), code=code
    )


def municipality_list(*, user: User) -> QuerySet[Municipality]:
    return (
        visible_municipalities(user)
        .select_related("region")
        .annotate(
            school_count=Count("schools", filter=~Q(schools__school_type="филиал"), distinct=True),
            branch_count=Count("schools", filter=Q(schools__school_type="филиал"), distinct=True),
        )
        .order_by("region__name", "name")
    )


@dataclass
class ContextCell:
    value: Decimal | str | None
    change: Decimal | None = None
    direction: str = ""  # "better" | "worse" | "" — for colouring the change


@dataclass
class ContextRow:
    indicator: ContextIndicator
    cells: list[ContextCell]


@dataclass
class ContextSection:
    title: str
    rows: list[ContextRow]


def school_context(*, school: School) -> tuple[list[int], list[ContextSection]]:
    """Every context figure of a school by year with its change from the year before."""
    values = list(ContextValue.objects.filter(school=school).select_related("indicator"))
    contingents = {c.year: c for c in school.contingents.all()}
    years = sorted({v.year for v in values} | set(contingents))
    by_key = {(v.indicator_id, v.year): v for v in values}
    sections = []
    for group in ContextGroup:
        indicators = [
            i
            for i in ContextIndicator.objects.filter(group=group)
            if any((i.pk, y) in by_key for y in years)
        ]
        rows = [ContextRow(indicator=i, cells=_cells(i, years, by_key)) for i in indicators]
        if rows:
            sections.append(ContextSection(title=group.label, rows=rows))
    return years, sections


def _cells(indicator: ContextIndicator, years: list[int], by_key: dict) -> list[ContextCell]:
    cells, previous = [], None
    for year in years:
        stored = by_key.get((indicator.pk, year))
        value = (
            None
            if stored is None
            else (stored.text if indicator.unit == ContextUnit.TEXT else stored.number)
        )
        cell = ContextCell(value=value)
        numeric = indicator.unit in (ContextUnit.PERCENT, ContextUnit.COUNT)
        if numeric and value is not None and previous is not None and value != previous:
            cell.change = value - previous
            if indicator.higher_is_worse is not None:
                worse = (cell.change > 0) == indicator.higher_is_worse
                cell.direction = "worse" if worse else "better"
        cells.append(cell)
        previous = value if value is not None else previous
    return cells


@dataclass
class AttentionItem:
    school: School
    missing_contingent: bool
    missing_indicators: list[str]
    last_year_with_data: int | None


def schools_missing_context(*, user: User, year: int) -> LazyRows:
    """Schools in scope lacking the contingent or a required context figure for `year`, by
    municipality and name. Which ones is decided in SQL; what each lacks is read only for the
    rows shown, so a page of a region's list costs the same as a municipality's."""
    required = list(ContextIndicator.objects.filter(is_required=True))
    filled = (
        ContextValue.objects.filter(school=OuterRef("pk"), year=year, indicator__in=required)
        .values("school")
        .annotate(n=Count("indicator", distinct=True))
        .values("n")
    )
    schools = (
        visible_schools(user)
        .annotate(
            has_contingent=Exists(Contingent.objects.filter(school=OuterRef("pk"), year=year)),
            filled=Coalesce(Subquery(filled), 0),
        )
        .filter(Q(has_contingent=False) | Q(filled__lt=len(required)))
        .select_related("municipality")
        .order_by("municipality__name", "short_name")
    )
    return LazyRows(schools, lambda shown: _attention_items(shown, year=year, required=required))


def _attention_items(schools: list[School], *, year: int, required) -> list[AttentionItem]:
    filled = set(
        ContextValue.objects.filter(
            school__in=schools, year=year, indicator__in=required
        ).values_list("school_id", "indicator_id")
    )
    last_years = dict(
        ContextValue.objects.filter(school__in=schools)
        .values("school_id")
        .annotate(last=Max("year"))
        .values_list("school_id", "last")
    )
    return [
        AttentionItem(
            school=school,
            missing_contingent=not school.has_contingent,
            missing_indicators=[i.name for i in required if (school.pk, i.pk) not in filled],
            last_year_with_data=last_years.get(school.pk),
        )
        for school in schools
    ]
