"""Questions Opora answers itself from data it already has: the school's conditions (social,
staff, equipment) and its assessment results. A question names its source by a code below.

Each source reads the profile's year, or the latest earlier year with data, and says which
year it used, so the school sees where a figure came from."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from opora.assessments.models import SchoolResult
from opora.registry.models import ContextValue, Contingent, School
from opora.registry.years import academic_year_label

LOW_RESULT_SHARE = Decimal(30)  # seed 003: «30% и более «двоек»»
CONTEXT_SOURCES = {
    "stable_internet",
    "cos_equipment",
    "needs_capital_repair",
    "vacancies",
    "teachers_65plus",
    "teachers_two_rates",
    "disabled_students",
    "low_income_families",
    "non_native_language",
    "incomplete_families",
}


@dataclass(frozen=True)
class AutoAnswer:
    value: Decimal | None
    note: str


def auto_answer(source: str, *, school: School, year: int) -> AutoAnswer:
    if source in CONTEXT_SOURCES:
        return _context(school, year, source)
    if source == "computers_per_10":
        return _computers_per_10(school, year)
    if source in ("max_twos_share", "low_result_procedures"):
        return _results(school, year, source)
    raise ValueError(f"unknown auto source {source!r}")


def _latest_context(school: School, year: int, code: str) -> ContextValue | None:
    return (
        ContextValue.objects.filter(school=school, indicator__code=code, year__lte=year)
        .order_by("-year")
        .first()
    )


def _context(school: School, year: int, code: str) -> AutoAnswer:
    value = _latest_context(school, year, code)
    if value is None or value.number is None:
        return AutoAnswer(None, "в условиях работы школы нет данных")
    return AutoAnswer(
        value.number, f"условия работы школы, {academic_year_label(value.year)} учебный год"
    )


def _computers_per_10(school: School, year: int) -> AutoAnswer:
    computers = _latest_context(school, year, "computers")
    contingent = Contingent.objects.filter(school=school, year__lte=year).order_by("-year").first()
    if computers is None or computers.number is None or contingent is None or not contingent.total:
        return AutoAnswer(None, "нет данных о компьютерах или контингенте")
    ratio = (computers.number * 10 / contingent.total).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return AutoAnswer(
        ratio,
        f"{computers.number:.0f} компьютеров ({academic_year_label(computers.year)}) на "
        f"{contingent.total} обучающихся ({academic_year_label(contingent.year)})",
    )


def _results(school: School, year: int, source: str) -> AutoAnswer:
    results = SchoolResult.objects.filter(school=school, year__lte=year, participants__gt=0)
    latest = results.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        return AutoAnswer(None, "результатов оценочных процедур нет")
    shares = [
        (Decimal(100) * r.mark_2 / r.participants, r)
        for r in results.filter(year=latest).select_related("assessment__subject")
    ]
    label = academic_year_label(latest)
    if source == "low_result_procedures":
        count = sum(1 for share, _ in shares if share >= LOW_RESULT_SHARE)
        return AutoAnswer(
            Decimal(count), f"результаты {label}: процедур с долей «2» от 30 % — {count}"
        )
    share, result = max(shares, key=lambda pair: pair[0])
    assessment = result.assessment
    return AutoAnswer(
        share.quantize(Decimal("0.1"), ROUND_HALF_UP),
        f"результаты {label}: {assessment.get_kind_display()} {assessment.subject.name}, "
        f"{assessment.grade} кл.",
    )
