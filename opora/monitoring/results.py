"""The results a municipality is monitored by: each school's and each group's dynamics of a
year (computed by dynamics.py), and the years that have results."""

from dataclasses import dataclass, field

import polars as pl
from django.db.models import Max, OuterRef, Subquery

from opora.assessments.metrics import MARK_COUNTS
from opora.assessments.models import SchoolResult
from opora.assessments.selectors import results_frame, subject_labels
from opora.monitoring import dynamics as dyn
from opora.monitoring.lists import shnor_codes
from opora.registry.models import Municipality, School


@dataclass
class Dynamics:
    year: int
    schools: pl.DataFrame  # school × assessment (dynamics.school_dynamics)
    groups: pl.DataFrame  # group × assessment (dynamics.pooled_dynamics)
    assessments: list[tuple[str, str, int]]
    labels: dict[str, str]  # subject code -> name
    group_names: list[str] = field(default_factory=list)


def municipality_dynamics(
    *, municipality: Municipality, year: int, pooled: bool = True, list_year: int | None = None
) -> Dynamics:
    """Each school's results of `year` with changes, and the pooled figures of the
    municipality, the region, ШНОР and the other schools of the municipality.

    `pooled=False` leaves the groups out and with them reading the whole region's results:
    judging measures needs the schools only, and the region's dashboard judges every
    municipality's. `list_year`: the year of the approved list that says which schools are
    ШНОР (default: the list in force in `year`)."""
    own_schools = School.objects.filter(municipality=municipality)
    region_schools = School.objects.filter(municipality__region_id=municipality.region_id)
    results = results_frame(
        schools=region_schools if pooled else own_schools,
        years=[year - 1, year],
        counts=MARK_COUNTS,
    )
    own = list(own_schools.values_list("code", flat=True))
    schools = _schools_dynamics(results, codes=own, year=year)
    groups = {}
    if pooled:
        shnor = shnor_codes(municipality=municipality, year=list_year or year)
        groups = {
            municipality.name: own,
            municipality.region.name: list(region_schools.values_list("code", flat=True)),
            "ШНОР": [c for c in own if c in shnor],
            "остальные школы": [c for c in own if c not in shnor],
        }
    return Dynamics(
        year=year,
        schools=schools,
        groups=dyn.pooled_dynamics(results, year=year, groups=groups),
        assessments=dyn.assessments_of(schools),
        labels=subject_labels(),
        group_names=[name for name, codes in groups.items() if codes],
    )


def _schools_dynamics(results: pl.DataFrame, *, codes: list[str], year: int) -> pl.DataFrame:
    return dyn.school_dynamics(results.filter(pl.col("school_code").is_in(codes)), year=year)


def schools_dynamics_by_year(
    *, municipalities: list[Municipality], years: dict[int, int]
) -> dict[int, pl.DataFrame]:
    """Per year judged, the dynamics of the schools of the municipalities judged in it, from one
    read of the results of all of them. A school's figures depend on its own results only."""
    schools = School.objects.filter(municipality__in=municipalities)
    needed = sorted({y for year in years.values() for y in (year - 1, year)})
    results = results_frame(schools=schools, years=needed, counts=MARK_COUNTS)
    codes = list(schools.values_list("code", "municipality_id"))
    return {
        year: _schools_dynamics(
            results, codes=[code for code, mid in codes if years.get(mid) == year], year=year
        )
        for year in set(years.values())
    }


def latest_year(schools: str = "pk") -> Max:
    """The latest year with results of the schools that `schools` names from the outer query
    (a school's «pk», a municipality's «schools__pk»): each school's year is one step back
    along the index of results by school and year, not a scan of the region's results."""
    own = SchoolResult.objects.filter(school=OuterRef(schools)).order_by("-year")
    return Max(Subquery(own.values("year")[:1]))


def latest_result_years(*, municipalities: list[Municipality]) -> dict[int, int]:
    """Municipality id → its latest year with results; one without results is left out."""
    latest = (
        School.objects.filter(municipality__in=municipalities)
        .order_by()
        .values("municipality")
        .annotate(year=latest_year())
        .values_list("municipality", "year")
    )
    return {municipality: year for municipality, year in latest if year is not None}


def report_years(*, municipality: Municipality) -> list[int]:
    """Years with results in the municipality, latest first."""
    years = SchoolResult.objects.filter(school__municipality=municipality).values_list(
        "year", flat=True
    )
    return sorted(set(years), reverse=True)
