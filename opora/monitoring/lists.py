"""The lists of schools monitoring reads, all from the approved list of a year
(identification.selectors.approved_list): who is in ШНОР, the clusters, and which schools have
left the list. A draft run never enters."""

from dataclasses import dataclass

from opora.identification.selectors import (
    ApprovedList,
    approved_list,
    approved_list_history,
    draft_runs,
)
from opora.monitoring import effectiveness as eff
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label


def shnor_flags(*, municipality: Municipality) -> dict[int, dict[int, bool]]:
    """school id → {year of an approved list: in ШНОР}, from each year's own approved list."""
    flags: dict[int, dict[int, bool]] = {}
    for year, found in approved_list_history(municipality=municipality).items():
        if found.shnor_run is None:
            continue
        shnor = found.shnor_ids
        for verdict in found.verdicts[found.shnor_run.pk]:
            flags.setdefault(verdict.school_id, {})[year] = verdict.school_id in shnor
    return flags


def shnor_codes(*, municipality: Municipality, year: int) -> set[str]:
    """The codes of the schools in ШНОР by the approved list in force in `year`."""
    found = approved_list(municipality=municipality, year=year)
    return set(School.objects.filter(pk__in=found.shnor_ids).values_list("code", flat=True))


@dataclass
class ListInView:
    """The approved list of a year with the drafts that do not count, for a page to show."""

    approved: ApprovedList
    drafts: list  # IdentificationRun drafts of the year: «черновик, не утверждён»
    shnor: list[School]


def list_in_view(*, municipality: Municipality, year: int) -> ListInView:
    found = approved_list(municipality=municipality, year=year)
    return ListInView(
        approved=found,
        drafts=draft_runs(municipality=municipality, years=[year]),
        shnor=list(School.objects.filter(pk__in=found.shnor_ids).order_by("short_name")),
    )


@dataclass
class ListRow:
    school: School
    status: eff.ListStatus


def list_exits(*, municipality: Municipality) -> list[ListRow]:
    """Every school that has been in an approved ШНОР list, with its status and history."""
    flags = shnor_flags(municipality=municipality)
    schools = School.objects.in_bulk(list(flags))
    rows = [
        ListRow(schools[pk], eff.list_status(by_year, year_label=academic_year_label))
        for pk, by_year in flags.items()
        if any(by_year.values())
    ]
    return sorted(rows, key=lambda r: (r.status.status, r.school.short_name))
