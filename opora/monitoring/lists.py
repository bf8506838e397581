"""The official lists of schools by year: per year the approved identification run (else the
latest) over a municipality or its whole region, which schools are in ШНОР, the clusters of
the clustering that applies, and which schools have left the list."""

from dataclasses import dataclass

from django.db.models import F, Q

from opora.identification.models import IdentificationRun, RunStatus, Verdict
from opora.monitoring import effectiveness as eff
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label

SHNOR_WORD = "ШНОР"


def _official(runs: list[IdentificationRun]) -> dict[int, IdentificationRun]:
    """Per year, the approved run if there is one, else the latest."""
    chosen: dict[int, IdentificationRun] = {}
    for run in sorted(runs, key=lambda r: (r.status == RunStatus.APPROVED, r.created_at)):
        chosen[run.year] = run
    return chosen


def _is_shnor_list(run: IdentificationRun) -> bool:
    """Rules of low results, and clusterings where a category names ШНОР."""
    kind = run.rule_set.kind
    return kind == "low_results" or (kind == "clustering" and SHNOR_WORD in str(run.params))


def _clustering_run(runs: list[IdentificationRun], year: int) -> IdentificationRun | None:
    """The latest clustering drawn up from `year`'s data or earlier (its year at most
    `year + 1`)."""
    runs = [r for r in runs if r.rule_set.kind == "clustering" and r.year <= year + 1]
    return _official(runs)[max(r.year for r in runs)] if runs else None


@dataclass
class OfficialLists:
    """The lists that apply to some municipalities, read in two queries whatever their number:
    a region's run judges the schools of every municipality of the region."""

    shnor: dict[int, dict[int, IdentificationRun]]  # municipality id → year → list of ШНОР
    clustering: dict[int, IdentificationRun | None]  # municipality id → clustering of its year
    verdicts: dict[tuple[int, int], list[Verdict]]  # (run id, municipality id) → verdicts

    def flags(self, municipality_id: int) -> dict[int, dict[int, bool]]:
        """school id → {year of a list: in ШНОР} in the municipality."""
        flags: dict[int, dict[int, bool]] = {}
        for year, run in self.shnor[municipality_id].items():
            clustering = run.rule_set.kind == "clustering"
            for verdict in self.verdicts[(run.pk, municipality_id)]:
                shnor = SHNOR_WORD in verdict.category if clustering else verdict.flagged
                flags.setdefault(verdict.school_id, {})[year] = shnor
        return flags

    def categories(self, municipality_id: int) -> tuple[list[str], dict]:
        """The category names in order and school id → (category, reasons, run)."""
        run = self.clustering[municipality_id]
        if run is None:
            return [], {}
        names = [c["name"] for c in run.params.get("categories", [])]
        verdicts = self.verdicts[(run.pk, municipality_id)]
        return names, {v.school_id: (v.category, v.reasons, run) for v in verdicts}


def _runs_by_municipality(
    municipalities: list[Municipality],
) -> dict[int, list[IdentificationRun]]:
    """Municipality id → the runs over it or over its whole region."""
    runs = list(
        IdentificationRun.objects.filter(
            Q(municipality__in=municipalities)
            | Q(municipality__isnull=True, region__in={m.region_id for m in municipalities})
        ).select_related("rule_set")
    )
    return {
        m.pk: [
            r
            for r in runs
            if r.municipality_id == m.pk
            or (r.municipality_id is None and r.region_id == m.region_id)
        ]
        for m in municipalities
    }


def official_lists(*, municipalities: list[Municipality], years: dict[int, int]) -> OfficialLists:
    """`years`: municipality id → the year whose clustering is wanted (none: no clustering)."""
    shnor, clustering = {}, {}
    runs = _runs_by_municipality(municipalities)
    for m in municipalities:
        own = runs[m.pk]
        shnor[m.pk] = _official([r for r in own if _is_shnor_list(r)])
        clustering[m.pk] = _clustering_run(own, years[m.pk]) if m.pk in years else None
    wanted = {(run.pk, mid) for mid, by_year in shnor.items() for run in by_year.values()}
    wanted |= {(run.pk, mid) for mid, run in clustering.items() if run}
    verdicts: dict[tuple[int, int], list[Verdict]] = {key: [] for key in wanted}
    if wanted:
        found = Verdict.objects.filter(
            run_id__in={run for run, _ in wanted}, school__municipality__in=municipalities
        ).annotate(municipality_id=F("school__municipality_id"))
        for verdict in found:
            key = (verdict.run_id, verdict.municipality_id)
            if key in verdicts:  # a run may be official for one municipality and not another
                verdicts[key].append(verdict)
    return OfficialLists(shnor, clustering, verdicts)


def shnor_codes_of(flags: dict[int, dict[int, bool]], codes: dict[int, str], year: int) -> set[str]:
    """Schools in ШНОР in the list that applied in `year` or the one drawn from its data."""
    return {
        codes[school_id]
        for school_id, by_year in flags.items()
        if by_year.get(year + 1) or by_year.get(year)
    }


def shnor_flags(*, municipality: Municipality) -> dict[int, dict[int, bool]]:
    """school id → {year of a list: in ШНОР} from the lists of ШНОР."""
    return official_lists(municipalities=[municipality], years={}).flags(municipality.pk)


def school_categories(*, municipality: Municipality, year: int) -> tuple[list[str], dict]:
    """The clusters of the clustering that applies to `year`: the category names in order and
    school id → (category, reasons, run)."""
    lists = official_lists(municipalities=[municipality], years={municipality.pk: year})
    return lists.categories(municipality.pk)


def shnor_codes(*, municipality: Municipality, year: int) -> set[str]:
    codes = dict(School.objects.filter(municipality=municipality).values_list("pk", "code"))
    return shnor_codes_of(shnor_flags(municipality=municipality), codes, year)


@dataclass
class ListRow:
    school: School
    status: eff.ListStatus


def list_exits(*, municipality: Municipality) -> list[ListRow]:
    """Every school that has been in a ШНОР list, with its status and history of lists."""
    flags = shnor_flags(municipality=municipality)
    schools = School.objects.in_bulk(list(flags))
    rows = [
        ListRow(schools[pk], eff.list_status(by_year, year_label=academic_year_label))
        for pk, by_year in flags.items()
        if any(by_year.values())
    ]
    return sorted(rows, key=lambda r: (r.status.status, r.school.short_name))
