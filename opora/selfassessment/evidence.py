"""Evidence found, not typed: for a kind of evidence, what Opora holds for a municipality and an
academic year, each piece a link to the page that shows it with a one-line summary. A kind that
finds nothing is a gap, and `closes` says what would close it.

A finder reads only the municipality's own data of the year (a program in force that year, the
approved list in force, campaigns, reports, measures of the year, orders and meetings dated in
it), so every proposal is an object a user of the municipality can open."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from opora.assessments.models import SchoolResult
from opora.identification.selectors import approved_list, municipality_fair_verdicts
from opora.meetings.models import Decision, DecisionStatus, Meeting
from opora.monitoring.effectiveness import EFFECTIVE, LEFT
from opora.monitoring.lists import list_exits
from opora.monitoring.measures import measure_rows
from opora.monitoring.models import (
    AnnualReport,
    Measure,
    MonitoringCampaign,
    SubmissionStatus,
)
from opora.monitoring.results import municipality_dynamics
from opora.programs.models import (
    Activity,
    ActivityStatus,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Order,
    Program,
)
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label
from opora.risks.models import ProfileStatus, ReviewComment, RiskProfile
from opora.words import plural


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: `key` names it across requests (what the coordinator accepts),
    `model` and `pk` the object behind the link; `share` (0…1) how fully it answers a criterion
    scored in points («12 из 14 мероприятий выполнены» is 12/14)."""

    key: str
    url: str
    summary: str
    model: str
    pk: int
    share: float = 1.0

    def stored(self) -> dict:
        return {"key": self.key, "url": self.url, "summary": self.summary, "share": self.share}


@dataclass(frozen=True)
class EvidenceKind:
    label: str
    find: Callable[[Municipality, int], list[Evidence]]
    closes: str  # what would close the gap, in the coordinator's words


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The days of academic year `year` (2023 = 1 September 2022 – 31 August 2023)."""
    return datetime.date(year - 1, 9, 1), datetime.date(year, 8, 31)


# Nouns agreeing with a number: one, few, many.
SCHOOLS = "школа,школы,школ"
INDICATORS = "показатель,показателя,показателей"
ACTIVITIES = "мероприятие,мероприятия,мероприятий"
OF_GOALS = "цели,целей,целей"
OF_SCHOOLS = "школы,школ,школ"
OF_PROCEDURES = "оценочной процедуры,оценочных процедур,оценочных процедур"
OF_REPORTS = "отчёта школ,отчётов школ,отчётов школ"
COMPUTED = "показатель считается,показателя считаются,показателей считаются"
REMARKS = "замечание куратора,замечания куратора,замечаний куратора"


def count(number: int, forms: str) -> str:
    """«12 мероприятий», «1 школа»: a number with its noun agreeing (opora/words.py)."""
    one, few, many = forms.split(",")
    return f"{number}\u00a0{plural(number, one, few, many)}"


def order_words(order: Order | None) -> str:
    """«приказ от 17.02.2023 № 116»: the order as it is cited everywhere (Order.__str__)."""
    return f"приказ {order}" if order else "без приказа"


def _programs(municipality: Municipality, year: int):
    """The municipality's own programs (МППКО, дорожные карты) in force in the year."""
    return (
        Program.objects.filter(municipality=municipality, school__isnull=True)
        .filter(Q(start_year__isnull=True) | Q(start_year__lte=year))
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=year - 1))
        .select_related("order")
        .order_by("pk")
    )


def _program_url(program: Program) -> str:
    return reverse("programs:program_detail", args=[program.pk])


def _short(text: str, size: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def program_goals(municipality: Municipality, year: int) -> list[Evidence]:
    found = []
    for program in _programs(municipality, year).annotate(goals_count=Count("goals")):
        if program.goals_count:
            found.append(
                Evidence(
                    f"program-goals-{program.pk}",
                    _program_url(program),
                    f"«{_short(program.name)}»: {count(program.goals_count, 'цель,цели,целей')}, "
                    f"{order_words(program.order)}",
                    "programs.Program",
                    program.pk,
                )
            )
    return found


def goals_from_risks(municipality: Municipality, year: int) -> list[Evidence]:
    found = []
    for program in _programs(municipality, year):
        goals = list(Goal.objects.filter(program=program).values_list("risk_factor", flat=True))
        linked = sum(1 for factor in goals if factor.strip())
        if linked:
            found.append(
                Evidence(
                    f"goals-risks-{program.pk}",
                    _program_url(program),
                    f"«{_short(program.name)}»: {linked} из {count(len(goals), OF_GOALS)} "
                    "выведены из факторов риска школ",
                    "programs.Program",
                    program.pk,
                    linked / len(goals),
                )
            )
    return found


def indicator_targets(municipality: Municipality, year: int) -> list[Evidence]:
    found = []
    for program in _programs(municipality, year):
        indicators = Indicator.objects.filter(program=program).count()
        targeted = (
            IndicatorTarget.objects.filter(indicator__program=program, year=year)
            .values("indicator")
            .distinct()
            .count()
        )
        if targeted:
            found.append(
                Evidence(
                    f"targets-{program.pk}",
                    _program_url(program),
                    f"«{_short(program.name)}»: {count(indicators, INDICATORS)}, "
                    f"у {targeted} — цель на {academic_year_label(year)}",
                    "programs.Program",
                    program.pk,
                    targeted / indicators,
                )
            )
    return found


def identification_list(municipality: Municipality, year: int) -> list[Evidence]:
    listed = approved_list(municipality=municipality, year=year)
    found = []
    for run in listed.runs:
        members = len(listed.members(run))
        found.append(
            Evidence(
                f"run-{run.pk}",
                reverse("identification:run_detail", args=[run.pk]),
                f"{run.rule_set.category} на {academic_year_label(run.year)}: "
                f"{count(members, SCHOOLS)} по правилу «{_short(run.rule_set.title, 50)}», "
                f"{order_words(run.order)}",
                "identification.IdentificationRun",
                run.pk,
            )
        )
    return found


def assessment_results(municipality: Municipality, year: int) -> list[Evidence]:
    results = SchoolResult.objects.filter(school__municipality=municipality, year=year)
    first = results.order_by("pk").first()
    if first is None:
        return []
    procedures = results.values("assessment").distinct().count()
    schools = results.values("school").distinct().count()
    url = reverse("assessments:results_table")
    return [
        Evidence(
            f"results-{year}",
            f"{url}?municipality={municipality.code}&year={year}",
            f"Результаты {count(procedures, OF_PROCEDURES)} "
            f"по {count(schools, 'школе,школам,школам')} за {academic_year_label(year)}",
            "assessments.SchoolResult",
            first.pk,
        )
    ]


def computed_indicators(municipality: Municipality, year: int) -> list[Evidence]:
    """Indicators whose values Opora computes from loaded data: the method of collection is
    written into the indicator, not left to a form."""
    found = []
    for program in _programs(municipality, year):
        computed = Indicator.objects.filter(program=program).exclude(source="").count()
        if computed:
            found.append(
                Evidence(
                    f"computed-{program.pk}",
                    _program_url(program),
                    f"«{_short(program.name)}»: {count(computed, COMPUTED)} из загруженных данных",
                    "programs.Program",
                    program.pk,
                )
            )
    return found


def campaigns(municipality: Municipality, year: int) -> list[Evidence]:
    found = []
    for campaign in MonitoringCampaign.objects.filter(
        municipality=municipality, year=year
    ).annotate(
        total=Count("submissions", distinct=True),
        accepted=Count(
            "submissions", filter=Q(submissions__status=SubmissionStatus.ACCEPTED), distinct=True
        ),
    ):
        found.append(
            Evidence(
                f"campaign-{campaign.pk}",
                reverse("monitoring:campaign_detail", args=[campaign.pk]),
                f"«{_short(campaign.title, 60)}» ({campaign.get_status_display()}): принято "
                f"{campaign.accepted} из {count(campaign.total, OF_REPORTS)}",
                "monitoring.MonitoringCampaign",
                campaign.pk,
                campaign.accepted / campaign.total if campaign.total else 0.0,
            )
        )
    return found


def indicator_values(municipality: Municipality, year: int) -> list[Evidence]:
    start, end = year_bounds(year)
    found = []
    for program in _programs(municipality, year):
        values = IndicatorValue.objects.filter(
            indicator__program=program, measured_on__range=(start, end)
        )
        measured = values.values("indicator").distinct().count()
        if measured:
            days = sorted(
                {d.strftime("%d.%m.%Y") for d in values.values_list("measured_on", flat=True)}
            )
            found.append(
                Evidence(
                    f"values-{program.pk}-{year}",
                    _program_url(program),
                    f"«{_short(program.name)}»: значения "
                    f"{count(measured, 'показателя,показателей,показателей')} на {', '.join(days)}",
                    "programs.Program",
                    program.pk,
                )
            )
    return found


def annual_report(municipality: Municipality, year: int) -> list[Evidence]:
    report = AnnualReport.objects.filter(municipality=municipality, year=year).first()
    if report is None:
        return []
    written = sum(1 for text in (report.conclusions or {}).values() if str(text).strip())
    published = (
        f"опубликован {report.published_at:%d.%m.%Y}" if report.is_published else "не опубликован"
    )
    return [
        Evidence(
            f"report-{report.pk}",
            reverse("monitoring:report_page", args=[municipality.code, year]),
            f"Аналитический отчёт за {academic_year_label(year)}: {published}, "
            f"{count(written, 'вывод координатора,вывода координатора,выводов координатора')}",
            "monitoring.AnnualReport",
            report.pk,
        )
    ]


def risk_profiles(municipality: Municipality, year: int) -> list[Evidence]:
    return [
        Evidence(
            f"profile-{profile.pk}",
            reverse("risks:profile", args=[profile.school.code, year]),
            f"Рисковый профиль: {profile.school.short_name} — {profile.get_status_display()}",
            "risks.RiskProfile",
            profile.pk,
            1.0 if profile.status == ProfileStatus.VERIFIED else 0.5,
        )
        for profile in RiskProfile.objects.filter(school__municipality=municipality, year=year)
        .select_related("school")
        .order_by("school__short_name")
    ]


def recommendations(municipality: Municipality, year: int) -> list[Evidence]:
    """Curators' remarks on school programs in force in the year and working-group decisions of
    the year addressed to schools."""
    found = []
    programs = (
        Program.objects.filter(municipality=municipality, school__isnull=False)
        .filter(Q(start_year__isnull=True) | Q(start_year__lte=year))
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=year - 1))
        .select_related("school")
        .order_by("school__short_name", "pk")
    )
    remarks = {
        row["program"]: row
        for row in ReviewComment.objects.filter(program__in=programs)
        .values("program")
        .annotate(total=Count("pk"), resolved=Count("pk", filter=Q(resolved=True)))
    }
    for program in programs:
        row = remarks.get(program.pk)
        if row:
            found.append(
                Evidence(
                    f"remarks-{program.pk}",
                    reverse("risks:program_work", args=[program.pk]),
                    f"{program.school.short_name}: "
                    f"{count(row['total'], REMARKS)} "
                    f"к программе, учтено {row['resolved']}",
                    "programs.Program",
                    program.pk,
                )
            )
    start, end = year_bounds(year)
    decisions = (
        Decision.objects.filter(
            item__meeting__group__municipality=municipality,
            item__meeting__date__range=(start, end),
        )
        .filter(Q(schools__isnull=False) | Q(owner_school__isnull=False))
        .annotate(addressed=Count("schools", distinct=True))
        .select_related("item__meeting")
        .order_by("item__meeting__date", "number")
        .distinct()
    )
    for decision in decisions:
        meeting = decision.item.meeting
        addressed = decision.addressed or 1
        found.append(
            Evidence(
                f"decision-{decision.pk}",
                reverse("meetings:decision_detail", args=[decision.pk]),
                f"Решение № {decision.number} заседания от {meeting.date:%d.%m.%Y} адресовано "
                f"{count(addressed, 'школе,школам,школам')}: «{_short(decision.text, 50)}»",
                "meetings.Decision",
                decision.pk,
            )
        )
    return found


def roadmap(municipality: Municipality, year: int) -> list[Evidence]:
    found = []
    for program in _programs(municipality, year).annotate(
        total=Count("activities", distinct=True),
        addressed=Count("activities", filter=Q(activities__schools__isnull=False), distinct=True),
    ):
        if program.total:
            found.append(
                Evidence(
                    f"roadmap-{program.pk}",
                    _program_url(program),
                    f"«{_short(program.name)}»: {count(program.total, ACTIVITIES)}, "
                    f"адресованных школам — {program.addressed}",
                    "programs.Program",
                    program.pk,
                )
            )
    return found


def roadmap_execution(municipality: Municipality, year: int) -> list[Evidence]:
    """Activities due in the year (or with no dates) and how many are done; a roadmap with none
    done proves no execution and is left out."""
    start, end = year_bounds(year)
    found = []
    for program in _programs(municipality, year):
        due = (
            Activity.objects.filter(program=program)
            .exclude(status=ActivityStatus.CANCELLED)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__range=(start, end)))
        )
        total = due.count()
        done = due.filter(status=ActivityStatus.DONE).count()
        if done:
            found.append(
                Evidence(
                    f"execution-{program.pk}-{year}",
                    _program_url(program),
                    f"«{_short(program.name, 50)}»: {done} из "
                    f"{count(total, 'мероприятия,мероприятий,мероприятий')} выполнены",
                    "programs.Program",
                    program.pk,
                    done / total,
                )
            )
    return found


def orders(municipality: Municipality, year: int) -> list[Evidence]:
    start, end = year_bounds(year)
    return [
        Evidence(
            f"order-{order.pk}",
            reverse("programs:order_list") + f"#order-{order.pk}",
            order_words(order).capitalize()
            + (f" «{_short(order.title, 60)}»" if order.title else ""),
            "programs.Order",
            order.pk,
        )
        for order in Order.objects.filter(municipality=municipality, date__range=(start, end))
    ]


def meetings(municipality: Municipality, year: int) -> list[Evidence]:
    start, end = year_bounds(year)
    found = []
    for meeting in (
        Meeting.objects.filter(group__municipality=municipality, date__range=(start, end))
        .annotate(
            decided=Count("items__decisions", distinct=True),
            done=Count(
                "items__decisions",
                filter=Q(items__decisions__status=DecisionStatus.DONE),
                distinct=True,
            ),
        )
        .order_by("date", "number")
    ):
        found.append(
            Evidence(
                f"meeting-{meeting.pk}",
                reverse("meetings:meeting_detail", args=[meeting.pk]),
                f"Заседание рабочей группы № {meeting.number} от {meeting.date:%d.%m.%Y}: "
                f"{count(meeting.decided, 'решение,решения,решений')}, исполнено {meeting.done}",
                "meetings.Meeting",
                meeting.pk,
            )
        )
    return found


def measures(municipality: Municipality, year: int) -> list[Evidence]:
    """Measures of the year with their verdicts, judged by their rules as the monitoring page
    judges them."""
    if not Measure.objects.filter(municipality=municipality, year=year).exists():
        return []
    dynamics = municipality_dynamics(municipality=municipality, year=year)
    found = []
    for row in measure_rows(municipality=municipality, year=year, dynamics=dynamics):
        measure = row.measure
        effective = sum(1 for v in row.verdicts if v.judgement.verdict == EFFECTIVE)
        found.append(
            Evidence(
                f"measure-{measure.pk}",
                reverse("monitoring:measure_detail", args=[measure.pk]),
                f"Мера «{_short(measure.text, 50)}»: эффективна — {effective} из "
                f"{count(len(row.verdicts), OF_SCHOOLS)} по правилу"
                + (", обоснование записано" if measure.conclusion.strip() else ""),
                "monitoring.Measure",
                measure.pk,
            )
        )
    return found


def fair_change(municipality: Municipality, year: int) -> list[Evidence]:
    """Each listed school's change from the year before against comparable schools of the
    region (the fair change of the identification app), with its verdict."""
    listed = approved_list(municipality=municipality, year=year).school_ids
    schools = {s.code: s for s in School.objects.filter(pk__in=listed)}
    if not schools:
        return []
    verdicts = municipality_fair_verdicts(municipality=municipality, year=year, codes=list(schools))
    url = "identification:school_fair_change"
    return [
        Evidence(
            f"fair-{schools[row['school_code']].pk}-{year}",
            reverse(url, args=[row["school_code"]]) + f"?year={year}",
            f"{schools[row['school_code']].short_name}: изменение относительно похожих школ — "
            f"{row['verdict']}",
            "registry.School",
            schools[row["school_code"]].pk,
        )
        for row in verdicts.sort("school_code").iter_rows(named=True)
    ]


def list_changes(municipality: Municipality, year: int) -> list[Evidence]:
    """Schools that left the ШНОР list by the year: the fair outcome of the measures."""
    left = [
        row
        for row in list_exits(municipality=municipality)
        if row.status.status == LEFT and max(y for y, _ in row.status.history) <= year
    ]
    if not left:
        return []
    return [
        Evidence(
            f"exits-{year}",
            reverse("monitoring:dashboard", args=[municipality.code]) + f"?year={year}",
            f"{count(len(left), 'школа вышла,школы вышли,школ вышли')} из списка ШНОР: "
            + ", ".join(row.school.short_name for row in left[:3])
            + ("…" if len(left) > 3 else ""),
            "registry.Municipality",
            municipality.pk,
        )
    ]


KINDS: dict[str, EvidenceKind] = {
    "program_goals": EvidenceKind(
        "цели муниципальной программы",
        program_goals,
        "Внесите муниципальную программу (МППКО или дорожную карту) с целями на этот год "
        "в разделе «Программы».",
    ),
    "goals_from_risks": EvidenceKind(
        "цели, выведенные из факторов риска",
        goals_from_risks,
        "У целей программы укажите фактор риска, на который каждая отвечает.",
    ),
    "indicator_targets": EvidenceKind(
        "целевые показатели с целями на год",
        indicator_targets,
        "Задайте целевые значения показателей программы на этот учебный год.",
    ),
    "identification_list": EvidenceKind(
        "правило выявления и утверждённый список",
        identification_list,
        "Запустите выявление по правилу и утвердите список приказом (раздел «Выявление»).",
    ),
    "assessment_results": EvidenceKind(
        "загруженные результаты оценочных процедур",
        assessment_results,
        "Загрузите результаты ВПР, ОГЭ, ЕГЭ или КДР за этот год (раздел «Результаты»).",
    ),
    "computed_indicators": EvidenceKind(
        "показатели, которые считаются из данных",
        computed_indicators,
        "Укажите у показателей программы источник данных, из которого они считаются.",
    ),
    "campaigns": EvidenceKind(
        "кампании мониторинга и полнота сдачи",
        campaigns,
        "Проведите кампанию мониторинга этого года и примите отчёты школ.",
    ),
    "indicator_values": EvidenceKind(
        "значения целевых показателей за год",
        indicator_values,
        "Внесите значения целевых показателей на дату этого учебного года (или примите "
        "отчёты школ в кампании).",
    ),
    "annual_report": EvidenceKind(
        "аналитический отчёт за год",
        annual_report,
        "Откройте аналитический отчёт за этот год, запишите выводы и опубликуйте его.",
    ),
    "risk_profiles": EvidenceKind(
        "рисковые профили школ",
        risk_profiles,
        "Попросите школы заполнить рисковый профиль за этот год, а кураторов — проверить его.",
    ),
    "recommendations": EvidenceKind(
        "замечания кураторов и решения, адресованные школам",
        recommendations,
        "Запишите рекомендации школам: замечания куратора к программе школы или решение "
        "рабочей группы с указанием школ.",
    ),
    "roadmap": EvidenceKind(
        "дорожная карта",
        roadmap,
        "Внесите дорожную карту с мероприятиями, сроками и школами-адресатами.",
    ),
    "roadmap_execution": EvidenceKind(
        "выполнение мероприятий",
        roadmap_execution,
        "Отмечайте выполнение мероприятий дорожной карты (статус «выполнено» и подтверждение).",
    ),
    "orders": EvidenceKind(
        "приказы муниципалитета",
        orders,
        "Внесите приказы этого года (раздел «Приказы»).",
    ),
    "meetings": EvidenceKind(
        "заседания и решения рабочей группы",
        meetings,
        "Проведите заседание рабочей группы и запишите решения с исполнителями и сроками.",
    ),
    "measures": EvidenceKind(
        "принятые меры и оценка их эффективности",
        measures,
        "Внесите принятые меры года и правило оценки их эффективности (Мониторинг → "
        "«Эффективность мер»).",
    ),
    "fair_change": EvidenceKind(
        "изменение школ относительно похожих школ",
        fair_change,
        "Изменение считается, когда утверждён список школ и загружены результаты этого и "
        "прошлого года (раздел «Результаты»).",
    ),
    "list_changes": EvidenceKind(
        "выход школ из списка ШНОР",
        list_changes,
        "Выход из списка виден, когда школа не отбирается в утверждённых списках два года "
        "подряд: утверждайте список каждый год.",
    ),
}


def find(kind: str, municipality: Municipality, year: int) -> list[Evidence]:
    return KINDS[kind].find(municipality, year)
