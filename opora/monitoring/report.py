"""The annual analytical report of a municipality (seed 000's «Отчёт о выполнении мероприятий
Дорожной карты»), built as a list of blocks by small section classes. One list of blocks is
drawn as the page, the DOCX, the PDF and the XLSX of its tables, so they never disagree.

A new section is a class with `key`, `title` and `blocks(data)`, added to SECTIONS (e.g. the
working group's decisions, once the meetings app is in).
"""

from __future__ import annotations

import base64
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.urls import reverse
from django.utils.http import urlencode
from matplotlib.figure import Figure

from opora.identification.selectors import municipality_fair_verdicts
from opora.meetings.models import Decision
from opora.monitoring import dynamics as dyn
from opora.monitoring import selectors
from opora.monitoring.effectiveness import EFFECTIVE, INEFFECTIVE
from opora.monitoring.models import AnnualReport
from opora.programs.models import ActivityStatus, IndicatorScope, Program, ProgramStatus
from opora.registry.models import ContextGroup, ContextValue, Municipality, School
from opora.registry.years import academic_year_label
from opora.reports import charts
from opora.risks import levels as risk_levels
from opora.risks.selectors import schools_heat_map

# Seed 000 charts Russian and mathematics; the other subjects go in tables only.
CHART_SUBJECTS = {"rus", "math"}
CHART_SCHOOLS = 12
KIND_LABELS = {"VPR": "ВПР", "OGE": "ОГЭ", "EGE": "ЕГЭ", "KDR": "КДР"}
MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


# --- Blocks ---------------------------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass
class Items:
    items: list[str]
    kind: str = "items"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    sheet: str
    links: list[str | None] = field(default_factory=list)  # per row, for the page only
    marks: list[str] = field(default_factory=list)  # per row: "", "group", "good", "bad"
    kind: str = "table"

    def linked_rows(self):
        links = self.links or [None] * len(self.rows)
        marks = self.marks or [""] * len(self.rows)
        return zip(self.rows, links, marks, strict=True)


@dataclass
class Chart:
    """A chart as its function and data, not a drawing: drawing costs, and the data is what
    says whether a published report's file has changed (monitoring/documents.py)."""

    title: str
    figure: Callable[..., Figure]
    data: dict
    kind: str = "chart"

    def draw(self) -> Figure:
        return self.figure(**self.data)

    def svg(self) -> str:
        return charts.svg(self.draw())

    def png(self) -> bytes:
        return charts.png(self.draw(), dpi=110)

    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png()).decode()


@dataclass
class Conclusion:
    """The coordinator's own words for a section, edited on the report page."""

    key: str
    title: str
    text: str
    kind: str = "conclusion"


# --- The data a report is built from --------------------------------------------------------


@dataclass
class ReportData:
    municipality: Municipality
    year: int
    report: AnnualReport | None
    schools: list[School]
    dynamics: selectors.Dynamics
    measures: list[selectors.MeasureRow]
    programs: list[Program]
    shnor: set[str]

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
    dynamics = selectors.municipality_dynamics(municipality=municipality, year=year)
    return ReportData(
        shnor=selectors.shnor_codes(municipality=municipality, year=year),
        municipality=municipality,
        year=year,
        report=report,
        schools=list(
            School.objects.filter(municipality=municipality)
            .order_by("code")
            .select_related("parent")
        ),
        dynamics=dynamics,
        measures=selectors.measure_rows(municipality=municipality, year=year, dynamics=dynamics),
        programs=list(
            Program.objects.filter(
                municipality=municipality,
                school__isnull=True,
                status__in=[
                    ProgramStatus.APPROVED,
                    ProgramStatus.IN_PROGRESS,
                    ProgramStatus.COMPLETED,
                ],
            ).prefetch_related(
                "indicators__targets", "indicators__values__school", "indicators__school"
            )
        ),
    )


# --- Sections -------------------------------------------------------------------------------


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


class GeneralSection(Section):
    key = "general"
    title = "Общие сведения"
    conclusion_title = "Особенности муниципалитета (текст координатора)"

    def blocks(self, data):
        heads = [s for s in data.schools if s.parent_id is None]
        branches = len(data.schools) - len(heads)
        counted = data.dynamics.schools.filter(pl.col("school_code").is_in([s.code for s in heads]))
        return [
            Paragraph(
                f"{data.municipality.name} ({data.municipality.region.name}). "
                f"Общеобразовательных организаций: {len(heads)}"
                + (f", филиалов: {branches}" if branches else "")
                + f". Отчётный период — {data.year_label} учебный год; результаты оценочных "
                f"процедур сравниваются с {data.previous_label} учебным годом "
                f"({counted.height} результатов школ за {data.year_label})."
            )
        ]


class ClustersSection(Section):
    key = "clusters"
    title = "Школы по категориям"

    def blocks(self, data):
        names, placed = selectors.school_categories(municipality=data.municipality, year=data.year)
        if not placed:
            return [Paragraph("Кластеризация школ муниципалитета не проводилась.")]
        heads = [s for s in data.schools if s.parent_id is None]
        run = next(iter(placed.values()))[2]
        rows, links = [], []
        for name in [*names, ""]:
            members = [s for s in heads if placed.get(s.pk, ("",))[0] == name]
            if not members and not name:
                continue
            share = 100 * len(members) / len(heads) if heads else 0
            rows.append(
                [
                    name or "без категории",
                    len(members),
                    f"{dyn.figure(share, 0)} %",
                    ", ".join(s.short_name for s in members) or "—",
                ]
            )
            links.append(reverse("identification:run_detail", args=[run.pk]))
        reasons = [
            [s.short_name, placed[s.pk][0] or "без категории", "; ".join(placed[s.pk][1])]
            for s in heads
            if s.pk in placed
        ]
        return [
            Paragraph(
                f"По правилу «{run.rule_set.title}» (версия {run.rule_set.version}), "
                f"список на {academic_year_label(run.year)}"
                + (" утверждён" if run.status == "approved" else " (не утверждён)")
                + ". Филиалы учтены вместе с головными школами."
            ),
            Table(
                "Школы по категориям",
                ["Категория", "Школ", "Доля", "Школы"],
                rows,
                "Категории",
                links,
            ),
            Table(
                "Основания отнесения",
                ["Школа", "Категория", "Основания"],
                reasons,
                "Основания категорий",
            ),
        ]


class DeficitsSection(Section):
    key = "deficits"
    title = "Специфика учреждений: дефициты условий"

    def blocks(self, data):
        values = (
            ContextValue.objects.filter(school__in=data.schools, year__lte=data.year)
            .select_related("indicator", "school")
            .order_by("school__code", "indicator__position", "-year")
        )
        latest: dict[tuple[int, int], ContextValue] = {}
        for value in values:
            latest.setdefault((value.school_id, value.indicator_id), value)
        blocks = []
        for group, label in ContextGroup.choices:
            found = [v for v in latest.values() if v.indicator.group == group]
            if not found:
                continue
            indicators = sorted({v.indicator for v in found}, key=lambda i: (i.position, i.code))
            rows, links = [], []
            for school in data.schools:
                cells = [latest.get((school.pk, i.pk)) for i in indicators]
                if not any(cells):
                    continue
                rows.append([school.short_name, *[_context_text(c) for c in cells]])
                links.append(reverse("registry:school_detail", args=[school.code]))
            header = ["Школа", *[f"{i.name} ({i.get_unit_display()})" for i in indicators]]
            blocks.append(Table(label, header, rows, f"Условия — {label}"[:31], links))
        if not blocks:
            return [Paragraph("Показатели условий работы школ не заполнены.")]
        return [Paragraph("Последние известные значения на конец отчётного года."), *blocks]


def _context_text(value: ContextValue | None) -> str:
    if value is None:
        return "—"
    if value.indicator.unit == "yes_no" and value.number is not None:
        return "да" if value.number else "нет"
    if value.number is not None:
        text = format(value.number.normalize(), "f").replace(".", ",")
        return text
    return value.text


class RisksSection(Section):
    key = "risks"
    title = "Рисковые профили школ"
    conclusion_title = "Вывод по рисковым профилям"

    def blocks(self, data):
        schools = School.objects.filter(pk__in=[s.pk for s in data.schools])
        found = schools_heat_map(schools=schools, year=data.year)
        profiled = [row for row in found.rows if row.profile]
        if not profiled:
            return [Paragraph(f"Рисковых профилей школ за {data.year_label} нет.")]
        changes = found.has_previous
        header = ["Фактор риска", "высокий", "средний", "низкий"]
        if changes:
            header.append(f"изменение с {data.previous_label} (высокий / средний / низкий)")
        rows = []
        for total in found.totals:
            row = [total.factor.title, *(total.counts[level] for level in risk_levels.ORDER)]
            if changes:
                row.append(" / ".join(_signed(total.changes[level]) for level in risk_levels.ORDER))
            rows.append(row)
        priorities = [
            f"{row.school.short_name}: "
            + "; ".join(
                factor.title
                for factor, cell in zip(found.factors, row.cells, strict=True)
                if cell.is_priority
            )
            for row in profiled
            if any(cell.is_priority for cell in row.cells)
        ]
        return [
            Paragraph(
                f"Рисковые профили за {data.year_label} заполнили {len(profiled)} школ "
                f"из {len(found.rows)}. Число школ по уровню каждого фактора:"
            ),
            Table("Уровни факторов риска", header, rows, "Факторы риска"),
            *([Paragraph("Приоритетные факторы школ:"), Items(priorities)] if priorities else []),
        ]


class DynamicsSection(Section):
    key = "dynamics"
    title = "Динамика образовательных результатов"
    conclusion_title = "Вывод по динамике результатов"

    def blocks(self, data):
        d = data.dynamics
        if not d.assessments:
            return [Paragraph(f"Результатов оценочных процедур за {data.year_label} нет.")]
        addressed = {
            s.code for row in data.measures for v in row.verdicts if v.school for s in [v.school]
        }
        shown = addressed or data.shnor
        names = {s.code: s.short_name for s in data.schools}
        blocks: list = [
            Paragraph(
                "Доля «2», успеваемость (доля «3»–«5»), качество знаний (доля «4» и «5») в "
                f"процентах и средняя отметка за {data.year_label} учебный год; в скобках — "
                f"изменение к {data.previous_label} в процентных пунктах. Показатели "
                "муниципалитета, региона и групп школ рассчитаны по сумме участников, "
                "а не как среднее долей школ."
            ),
            self._comparison(data),
        ]
        for key in d.assessments:
            kind, subject, grade = key
            label = f"{KIND_LABELS.get(kind, kind)} {d.labels.get(subject, subject)} {grade} кл."
            of_assessment = d.schools.filter(
                (pl.col("kind") == kind)
                & (pl.col("subject") == subject)
                & (pl.col("grade") == grade)
            ).sort("school_code")
            groups = d.groups.filter(
                (pl.col("kind") == kind)
                & (pl.col("subject") == subject)
                & (pl.col("grade") == grade)
            )
            blocks.append(
                Heading(f"Результаты {label} за {data.previous_label} и {data.year_label}", 2)
            )
            if subject in CHART_SUBJECTS:
                blocks.append(self._chart(data, label, of_assessment, groups, shown, names))
            rows, links, marks = [], [], []
            for row in of_assessment.iter_rows(named=True):
                rows.append(
                    [names.get(row["school_code"], row["school_code"]), *_metric_cells(row)]
                )
                links.append(reverse("assessments:school_results", args=[row["school_code"]]))
                marks.append("")
            for group in d.group_names:
                found = groups.filter(pl.col("school_code") == group)
                if found.height:
                    rows.append([group, *_metric_cells(found.row(0, named=True))])
                    links.append(_results_link(data, kind))
                    marks.append("group")
            blocks.append(Table(label, METRIC_HEADER, rows, _sheet(label), links, marks))
            sentences = [
                f"{names.get(r['school_code'], r['school_code'])}. "
                + dyn.change_sentence(
                    r, subject_label=d.labels.get(subject, subject), assessment_label=label
                )
                for r in of_assessment.iter_rows(named=True)
                if r["school_code"] in shown
            ]
            if sentences:
                blocks.append(Items(sentences))
        return blocks

    def _comparison(self, data):
        """ШНОР against the other schools, the municipality and the region, per assessment."""
        d = data.dynamics
        header = [
            "Процедура",
            *[f"{g}: доля «2»" for g in d.group_names],
            *[f"{g}: качество" for g in d.group_names],
        ]
        rows = []
        for kind, subject, grade in d.assessments:
            found = d.groups.filter(
                (pl.col("kind") == kind)
                & (pl.col("subject") == subject)
                & (pl.col("grade") == grade)
            )
            by_group = {r["school_code"]: r for r in found.iter_rows(named=True)}
            label = f"{KIND_LABELS.get(kind, kind)} {d.labels.get(subject, subject)} {grade} кл."
            cells = [_with_change(by_group.get(g), "twos") for g in d.group_names]
            cells += [_with_change(by_group.get(g), "quality") for g in d.group_names]
            rows.append([label, *cells])
        links = [_results_link(data, kind) for kind, _, _ in d.assessments]
        return Table(
            "ШНОР и остальные школы, муниципалитет и регион", header, rows, "Сравнение групп", links
        )

    def _chart(self, data, label, of_assessment, groups, shown, names):
        """Quality by year for the schools the measures addressed (ШНОР first, at most
        CHART_SCHOOLS: a chart of fifty bars is not read) and the groups."""
        year, before = data.year, data.year - 1
        shnor = data.shnor
        rows = sorted(
            (r for r in of_assessment.iter_rows(named=True) if r["school_code"] in shown),
            key=lambda r: (r["school_code"] not in shnor, names.get(r["school_code"], "")),
        )[:CHART_SCHOOLS]
        # In the order of the tables: the pooled frame comes in no fixed order.
        by_group = {r["school_code"]: r for r in groups.iter_rows(named=True)}
        rows += [by_group[g] for g in data.dynamics.group_names if g in by_group]
        labels = [names.get(r["school_code"], r["school_code"]) for r in rows]
        values = {before: [r["quality_before"] for r in rows], year: [r["quality"] for r in rows]}
        return Chart(
            f"Качество знаний, {label}",
            charts.bars_chart,
            {
                "labels": labels,
                "series": charts.years_series([before, year], values),
                "title": f"Качество знаний, %: {label}",
            },
        )


METRIC_HEADER = [
    "Школа / группа",
    "Участников",
    "Доля «2», %",
    "Успеваемость, %",
    "Качество знаний, %",
    "Средняя отметка",
]


def _with_change(row, metric: str, digits: int = 1) -> str:
    if row is None or row.get(metric) is None:
        return "—"
    change = row.get(f"{metric}_change")
    text = dyn.figure(row[metric], digits if metric != "average" else 2)
    if change is None:
        return text
    return f"{text} ({dyn.signed(change) if metric != 'average' else _signed_mark(change)})"


def _signed(count: int) -> str:
    return f"+{count}" if count > 0 else str(count)


def _signed_mark(value: float) -> str:
    return ("+" if value >= 0 else "−") + f"{abs(value):.2f}".replace(".", ",")


def _metric_cells(row) -> list:
    return [
        row["participants"],
        *[_with_change(row, m) for m in ("twos", "success", "quality", "average")],
    ]


def _results_link(data: ReportData, kind: str) -> str:
    query = urlencode({"year": data.year, "municipality": data.municipality.code, "kind": kind})
    return reverse("assessments:results_table") + "?" + query


def _sheet(label: str) -> str:
    return label.replace("язык", "яз.").replace("математика", "мат.")[:31]


class FairChangeSection(Section):
    key = "fair"
    title = "Изменения относительно похожих школ"

    def blocks(self, data):
        """Raw changes reward luck and punish small schools: each supported school's change
        set against schools like it, with an interval from its number of participants."""
        codes = sorted(data.shnor) or [s.code for s in data.schools]
        verdicts = municipality_fair_verdicts(
            municipality=data.municipality, year=data.year, codes=codes
        )
        names = {s.code: s.short_name for s in data.schools}
        rows = [
            [names.get(r["school_code"], r["school_code"]), r["verdict"], "; ".join(r["reasons"])]
            for r in verdicts.sort("school_code").iter_rows(named=True)
        ]
        if not rows:
            return [
                Paragraph(f"Нет школ с результатами за {data.previous_label} и {data.year_label}.")
            ]
        return [
            Paragraph(
                "Изменение доли «2» и качества знаний школы сравнивается с изменением похожих "
                "школ региона (по индексу условий, размеру, типу, городская или сельская), с "
                "погрешностью, которая тем шире, чем меньше участников. «Эффективно» — только "
                "если школа опередила похожие школы больше погрешности. Метод — docs/methods.md."
            ),
            Table(
                "Изменения относительно похожих школ",
                ["Школа", "Вывод", "Обоснование"],
                rows,
                "Похожие школы",
            ),
        ]


class EffectivenessSection(Section):
    key = "effectiveness"
    title = "Оценка эффективности принятых мер"
    conclusion_title = "Заключение об эффективности принятых мер"

    def blocks(self, data):
        if not data.measures:
            return [Paragraph(f"Принятые меры {data.year_label} учебного года не внесены.")]
        blocks: list = []
        summary = {EFFECTIVE: 0, INEFFECTIVE: 0}
        track = None
        for number, row in enumerate(data.measures, start=1):
            measure = row.measure
            if measure.track and measure.track != track:
                track = measure.track
                blocks.append(Heading(track, 2))
            blocks.append(Paragraph(f"Мера {number}. {measure.text}"))
            rows, links = [], []
            for verdict in row.verdicts:
                summary[verdict.judgement.verdict] = summary.get(verdict.judgement.verdict, 0) + 1
                rows.append(
                    [
                        verdict.school.short_name,
                        verdict.judgement.label,
                        " ".join(verdict.judgement.reasons),
                    ]
                )
                links.append(reverse("monitoring:measure_detail", args=[measure.pk]))
            marks = [{"эффективно": "good", "неэффективно": "bad"}.get(r[1], "") for r in rows]
            blocks.append(
                Table(
                    f"Мера {number}: правило «{measure.rule.title}», версия {measure.rule.version}",
                    ["Школа", "Вывод", "Обоснование"],
                    rows,
                    f"Мера {number}",
                    links,
                    marks,
                )
            )
            if measure.conclusion:
                blocks.append(Paragraph(f"Обоснование координатора: {measure.conclusion}"))
        total = sum(len(r.verdicts) for r in data.measures)
        blocks.insert(
            0,
            Paragraph(
                f"Оценено мер: {len(data.measures)}, решений по школам: {total}; "
                f"«эффективно» — {summary[EFFECTIVE]}, «неэффективно» — {summary[INEFFECTIVE]}, "
                f"«недостаточно данных» — {total - summary[EFFECTIVE] - summary[INEFFECTIVE]}."
            ),
        )
        return blocks


class ListExitSection(Section):
    key = "list_exit"
    title = "Выход школ из списка ШНОР"

    def blocks(self, data):
        rows = selectors.list_exits(municipality=data.municipality)
        if not rows:
            return [Paragraph("Школ муниципалитета в списках ШНОР не было.")]
        table = [
            [
                r.school.short_name,
                r.status.label,
                ", ".join(
                    f"{academic_year_label(y)}: {'да' if f else 'нет'}" for y, f in r.status.history
                ),
                r.status.reason,
            ]
            for r in rows
        ]
        links = [reverse("registry:school_detail", args=[r.school.code]) for r in rows]
        return [
            Paragraph(
                "Школа выходит из списка, если после года в списке она не отбирается "
                "два года подряд. История — по спискам ШНОР каждого года."
            ),
            Table(
                "Школы в списках ШНОР",
                ["Школа", "Статус", "В списке по годам", "Пояснение"],
                table,
                "Выход из списка",
                links,
            ),
        ]


class IndicatorsSection(Section):
    key = "indicators"
    title = "Достижение целевых показателей"
    conclusion_title = "Вывод по целевым показателям"

    def blocks(self, data):
        blocks: list = []
        for program in data.programs:
            indicators = list(program.indicators.all())
            if not indicators:
                continue
            dates = sorted(
                {
                    v.measured_on
                    for i in indicators
                    for v in i.values.all()
                    if data.year - 1 <= v.measured_on.year <= data.year
                }
            )
            header = [
                "№",
                "Показатель",
                "Школа",
                *[_on_date(d) for d in dates],
                f"Цель на {data.year}",
                "Итог",
                "Примечание",
            ]
            rows, links, marks = [], [], []
            for indicator in indicators:
                schools = [None]
                if indicator.scope == IndicatorScope.EACH_SCHOOL:
                    schools = sorted(
                        {v.school for v in indicator.values.all() if v.school},
                        key=lambda s: s.short_name,
                    ) or [None]
                for school in schools:
                    values = {
                        v.measured_on: v.value
                        for v in indicator.values.all()
                        if school is None or v.school_id == school.pk
                    }
                    outcome = selectors.indicator_outcome(
                        indicator=indicator, year=data.year, school=school
                    )
                    target = {t.year: t.value for t in indicator.targets.all()}.get(data.year, "—")
                    who = school or indicator.school
                    label = {"achieved": "достигнут", "not_achieved": "не достигнут"}.get(
                        outcome.status, "нет данных"
                    )
                    rows.append(
                        [
                            indicator.number,
                            indicator.name,
                            who.short_name if who else "—",
                            *[values.get(d, "—") for d in dates],
                            target,
                            label,
                            indicator.note,
                        ]
                    )
                    links.append(reverse("programs:indicator_detail", args=[indicator.pk]))
                    marks.append({"достигнут": "good", "не достигнут": "bad"}.get(label, ""))
            blocks.append(Heading(program.name, 2))
            blocks.append(
                Table(
                    f"Целевые показатели: {program.name[:80]}",
                    header,
                    rows,
                    f"Показатели {program.pk}",
                    links,
                    marks,
                )
            )
        return blocks or [
            Paragraph("В утверждённых программах муниципалитета нет целевых показателей.")
        ]


def _on_date(day: datetime.date) -> str:
    return f"На {MONTHS[day.month - 1]} {day.year} г." if day.day == 1 else f"На {day:%d.%m.%Y}"


class RoadmapSection(Section):
    key = "roadmap"
    title = "Исполнение дорожной карты"
    conclusion_title = "Вывод по исполнению дорожной карты"

    def blocks(self, data):
        end = datetime.date(data.year, 8, 31)
        today = datetime.date.today()
        blocks: list = []
        for program in data.programs:
            activities = list(program.activities.all())
            if not activities:
                continue
            # Activities that had begun by the end of the reporting year.
            in_year = [a for a in activities if a.starts_on is None or a.starts_on <= end]
            counts = {s: sum(a.status == s for a in in_year) for s in ActivityStatus.values}
            overdue = sum(
                a.is_overdue(min(today, end + datetime.timedelta(days=1))) for a in in_year
            )
            blocks.append(Heading(program.name, 2))
            blocks.append(
                Paragraph(
                    f"Мероприятий: {len(in_year)}; выполнено — {counts['done']}, выполняется — "
                    f"{counts['in_progress']}, запланировано — {counts['planned']}, отменено — "
                    f"{counts['cancelled']}; просрочено — {overdue}."
                )
            )
            rows = [
                [
                    a.number,
                    a.text,
                    a.period,
                    a.responsible,
                    a.get_status_display(),
                    a.comment or a.evidence_link or "",
                ]
                for a in in_year
            ]
            links = [reverse("programs:activity_detail", args=[a.pk]) for a in in_year]
            marks = [
                "good" if a.status == ActivityStatus.DONE else "bad" if a.is_overdue(end) else ""
                for a in in_year
            ]
            blocks.append(
                Table(
                    f"Мероприятия: {program.name[:80]}",
                    ["№", "Мероприятие", "Сроки", "Ответственные", "Статус", "Отчёт"],
                    rows,
                    f"Дорожная карта {program.pk}",
                    links,
                    marks,
                )
            )
        return blocks or [Paragraph("Дорожных карт с мероприятиями нет.")]


class DecisionsSection(Section):
    key = "decisions"
    title = "Исполнение решений рабочей группы"
    conclusion_title = "Вывод по исполнению решений"

    def blocks(self, data):
        start, end = datetime.date(data.year - 1, 9, 1), datetime.date(data.year, 8, 31)
        decisions = list(
            Decision.objects.filter(
                item__meeting__group__municipality=data.municipality,
                item__meeting__date__range=(start, end),
            )
            .select_related("item__meeting", "owner_member", "owner_school")
            .order_by("item__meeting__date", "item__number", "number")
        )
        if not decisions:
            return [Paragraph(f"Заседаний рабочей группы за {data.year_label} не записано.")]
        counts = Counter(d.get_status_display() for d in decisions)
        overdue = sum(d.is_overdue(min(datetime.date.today(), end)) for d in decisions)
        summary = ", ".join(f"{label} — {n}" for label, n in counts.most_common())
        rows = [
            [
                f"№ {d.item.meeting.number} от {d.item.meeting.date:%d.%m.%Y}",
                f"{d.item.number}.{d.number}",
                d.text,
                d.owner_label(),
                d.deadline_text,
                d.get_status_display(),
                d.evidence_note or d.evidence_link,
            ]
            for d in decisions
        ]
        return [
            Paragraph(f"Решений: {len(decisions)}; {summary}; просрочено — {overdue}."),
            Table(
                "Решения заседаний",
                ["Протокол", "№", "Решение", "Исполнитель", "Срок", "Состояние", "Что сделано"],
                rows,
                "Решения рабочей группы",
                [reverse("meetings:decision_detail", args=[d.pk]) for d in decisions],
                [
                    "good" if d.status == "done" else "bad" if d.is_overdue(end) else ""
                    for d in decisions
                ],
            ),
        ]


class ClosingSection(Section):
    key = "closing"
    title = "Заключение"
    conclusion_title = "Траектория развития и предложения для управленческих решений"

    def blocks(self, data):
        return [
            Conclusion("summary", "Заключение (текст координатора)", data.conclusion("summary"))
        ]


SECTIONS: list[Section] = [
    GeneralSection(),
    ClustersSection(),
    DeficitsSection(),
    RisksSection(),
    DynamicsSection(),
    FairChangeSection(),
    EffectivenessSection(),
    ListExitSection(),
    IndicatorsSection(),
    RoadmapSection(),
    DecisionsSection(),
    ClosingSection(),
]


def conclusion_fields() -> list[tuple[str, str]]:
    """Every text the coordinator writes, in the order of the report: (key, title)."""
    fields = []
    for section in SECTIONS:
        if isinstance(section, ClosingSection):
            fields.append(("summary", "Заключение"))
        if section.conclusion_title:
            fields.append((section.key, section.conclusion_title))
    return fields


def build(data: ReportData) -> list:
    return [
        block
        for number, section in enumerate(SECTIONS, start=1)
        for block in section.render(data, number)
    ]


def tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]
