"""What the sections of an annual report read, loaded once, and what a section is."""

from __future__ import annotations

from dataclasses import dataclass

from opora.identification.models import IdentificationRun
from opora.identification.selectors import ApprovedList, approved_list, draft_runs
from opora.monitoring.measures import MeasureRow, measure_rows
from opora.monitoring.models import AnnualReport
from opora.monitoring.public import PUBLIC_PROGRAM_STATUSES
from opora.monitoring.report_blocks import Conclusion, Heading
from opora.monitoring.results import Dynamics, municipality_dynamics
from opora.programs.models import Program
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label


@dataclass
class ReportData:
    municipality: Municipality
    year: int
    report: AnnualReport | None
    schools: list[School]
    dynamics: Dynamics
    measures: list[MeasureRow]
    programs: list[Program]
    shnor: set[str]  # codes of the schools in ШНОР by `approved`
    approved: ApprovedList  # the list in force in the year: every section reads this one
    drafts: list[IdentificationRun]  # the year's drafts, named as such and never counted
    # The list drawn up from this year's results, for the next year (seed 000's report for
    # 2022/23 presents the clustering of 2022/23 made into the list for 2023/24): named as such.
    made: ApprovedList

    def made_run(self, run: IdentificationRun | None) -> IdentificationRun | None:
        """`run` of `made` when it was drawn up from this year's results (for the next year),
        not carried over from an earlier year."""
        return run if run is not None and run.year == self.year + 1 else None

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)

    @property
    def previous_label(self) -> str:
        return academic_year_label(self.year - 1)

    def conclusion(self, key: str) -> str:
        return (self.report.conclusions if self.report else {}).get(key, "")


def report_data(
    *, municipality: Municipality, year: int, report: AnnualReport | None = None
) -> ReportData:
    """Everything the sections read, loaded once. The caller has checked the user's scope."""
    dynamics = municipality_dynamics(municipality=municipality, year=year)
    approved = approved_list(municipality=municipality, year=year)
    schools = list(
        School.objects.filter(municipality=municipality).order_by("code").select_related("parent")
    )
    return ReportData(
        shnor={s.code for s in schools if s.pk in approved.shnor_ids},
        approved=approved,
        drafts=draft_runs(municipality=municipality, years=[year]),
        made=approved_list(municipality=municipality, year=year + 1),
        municipality=municipality,
        year=year,
        report=report,
        schools=schools,
        dynamics=dynamics,
        measures=measure_rows(municipality=municipality, year=year, dynamics=dynamics),
        programs=list(
            Program.objects.filter(
                municipality=municipality,
                school__isnull=True,
                status__in=PUBLIC_PROGRAM_STATUSES,
            ).prefetch_related(
                "indicators__targets", "indicators__values__school", "indicators__school"
            )
        ),
    )


class Section:
    key = ""
    title = ""
    conclusion_title = ""  # when set, the coordinator writes a conclusion at the section's end

    def blocks(self, data: ReportData) -> list:
        raise NotImplementedError

    def render(self, data: ReportData, number: int | None = None) -> list:
        """The section's blocks under its heading: numbered in the report, not on a page."""
        title = f"{number}. {self.title}" if number else self.title
        blocks = [Heading(title, 1), *self.blocks(data)]
        if self.conclusion_title:
            blocks.append(Conclusion(self.key, self.conclusion_title, data.conclusion(self.key)))
        return blocks
