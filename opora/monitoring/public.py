"""The public page of a municipality: what it has made public, read without a user."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from opora.identification.models import IdentificationRun, Verdict
from opora.identification.selectors import approved_list_history
from opora.monitoring.models import AnnualReport
from opora.programs.models import Program, ProgramStatus
from opora.registry.models import Municipality

PUBLIC_PROGRAM_STATUSES = [
    ProgramStatus.APPROVED,
    ProgramStatus.IN_PROGRESS,
    ProgramStatus.COMPLETED,
]


@dataclass
class PublicPage:
    municipality: Municipality
    lists: list[tuple[IdentificationRun, list[Verdict]]]
    programs: list[Program]
    reports: list[AnnualReport]


def public_page(*, code: str) -> PublicPage:
    """What a municipality has made public: the lists approved for each year (the same lists
    the dashboard and the report read), approved programs and roadmaps, published reports.
    No user is asked: nothing else is read."""
    municipality = get_object_or_404(Municipality.objects.select_related("region"), code=code)
    lists = [
        (run, found.members(run))
        for found in approved_list_history(municipality=municipality).values()
        for run in found.runs
    ]
    programs = list(
        Program.objects.filter(municipality=municipality, status__in=PUBLIC_PROGRAM_STATUSES)
        .select_related("order", "school")
        .order_by("school__short_name", "-start_year", "name")
    )
    reports = list(
        AnnualReport.objects.filter(municipality=municipality, is_published=True).order_by("-year")
    )
    return PublicPage(municipality, lists, programs, reports)
