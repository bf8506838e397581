"""The public page of a municipality: what it has made public, read without a user."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from opora.identification.models import IdentificationRun, RunStatus, Verdict
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
    """What a municipality has made public: approved lists, approved programs and roadmaps,
    published reports. No user is asked: nothing else is read."""
    municipality = get_object_or_404(Municipality.objects.select_related("region"), code=code)
    runs = (
        IdentificationRun.objects.filter(municipality=municipality, status=RunStatus.APPROVED)
        .select_related("rule_set", "order")
        .order_by("-year", "-approved_at")
    )
    lists = [
        (
            run,
            list(
                run.verdicts.filter(flagged=True)
                .select_related("school")
                .order_by("school__short_name")
            ),
        )
        for run in runs
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
