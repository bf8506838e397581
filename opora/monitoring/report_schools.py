"""The sections of an annual report on the schools and their results: the municipality, the
schools' categories, conditions and risks, the dynamics of results, the changes against
comparable schools and the exits from the list of ШНОР."""

from __future__ import annotations

import polars as pl
from django.urls import reverse
from django.utils.http import urlencode

from opora.identification.peers import EFFECTIVE, NOT_EVALUATED
from opora.identification.selectors import municipality_fair_verdicts
from opora.monitoring import dynamics as dyn
from opora.monitoring.effectiveness import KIND_LABELS
from opora.monitoring.lists import list_exits
from opora.monitoring.report_blocks import Chart, Heading, Items, Paragraph, Table
from opora.monitoring.report_data import ReportData, Section
from opora.registry.models import ContextGroup, ContextValue, School
from opora.registry.years import academic_year_label
from opora.reports import charts
from opora.risks import levels as risk_levels
from opora.risks.selectors import schools_heat_map
from opora.words import agree

CHART_SUBJECTS = {"rus", "math"}

CHART_SCHOOLS = 12


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
            ),
            Paragraph(_list_sentence(data)),
        ]


def _list_sentence(data: ReportData) -> str:
    """Which list of ШНОР the report reads, by which order, and the drafts it does not."""
    run = data.approved.shnor_run
    if run is None:
        text = (
            f"Утверждённого приказом списка ШНОР на {data.year_label} нет: ШНОР в отчёте "
            "не выделены."
        )
    else:
        names = ", ".join(s.short_name for s in data.schools if s.code in data.shnor)
        text = (
            f"{run.rule_set.category} на {academic_year_label(run.year)} — список, утверждённый "
            f"приказом {run.order}: {names or 'ни одной школы'}."
        )
    made = data.made_run(data.made.shnor_run)
    if made is not None:
        names = ", ".join(s.short_name for s in data.schools if s.pk in data.made.shnor_ids)
        text += (
            f" По результатам {data.year_label} составлен список «{made.rule_set.category}» на "
            f"{academic_year_label(made.year)}, утверждён приказом {made.order}: "
            f"{names or 'ни одной школы'}."
        )
    drafts = [r for r in data.drafts if r.rule_set.kind != "clustering"]
    if drafts:
        text += (
            " Черновики, не утверждённые и не учтённые: "
            + "; ".join(f"«{r.rule_set.title}» на {academic_year_label(r.year)}" for r in drafts)
            + "."
        )
    return text


class ClustersSection(Section):
    key = "clusters"
    title = "Школы по категориям"

    def blocks(self, data):
        # The clustering of this year's results (the list for the next year) when approved,
        # as the seeds' reports present it; else the one in force in the year.
        found = data.made if data.made_run(data.made.clustering_run) else data.approved
        names, placed = found.categories()
        drafts = [
            Paragraph(
                f"Кластеризация «{run.rule_set.title}» на {academic_year_label(run.year)} — "
                "черновик, не утверждён: в отчёте не учитывается."
            )
            for run in data.drafts
            if run.rule_set.kind == "clustering"
        ]
        if not placed:
            return [Paragraph("Утверждённой кластеризации школ муниципалитета нет."), *drafts]
        heads = [s for s in data.schools if s.parent_id is None]
        run = found.clustering_run
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
                f"По правилу «{run.rule_set.title}» "
                f"список на {academic_year_label(run.year)} утверждён приказом {run.order}. "
                f"{run.made_from}. Филиалы учтены вместе с головными школами."
            ),
            *drafts,
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
        invented = [row.school.short_name for row in profiled if row.profile.is_example]
        example = (
            [
                Paragraph(
                    "ПРИМЕР: ответы анкеты рисковых профилей придуманы для демонстрации Опоры ("
                    + ", ".join(invented)
                    + ")."
                )
            ]
            if invented
            else []
        )
        return [
            *example,
            Paragraph(
                f"Рисковые профили за {data.year_label} заполнены в {len(profiled)} "
                f"{agree(len(profiled), 'школа', 'loct')} из {len(found.rows)}. "
                "Число школ по уровню каждого фактора:"
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
            text = f"Результатов оценочных процедур за {data.year_label} пока нет."
            run = data.approved.shnor_run or data.approved.clustering_run
            if run is not None and run.year == data.year:
                text += (
                    f" {run.made_from}: эти результаты и этот список — в отчёте за "
                    f"{academic_year_label(run.year - 1)}."
                )
            return [Paragraph(text)]
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


# The comparison with comparable schools in words that are not a verdict on effectiveness: that
# verdict is a measure's, judged by its rule (section «Оценка эффективности принятых мер»), and a
# school must not be «неэффективно» here and «эффективно» there.
FAIR_OUTCOMES = {
    EFFECTIVE: "опередила похожие школы",
    NOT_EVALUATED: "не оценено",
}
BEHIND_OR_LEVEL = "не опередила похожие школы"


def measure_verdicts(data: ReportData) -> dict[str, list[str]]:
    """School code → «мера N: вывод» for each measure judged at the school, numbered as in the
    section on effectiveness: the one verdict of a school that every section repeats."""
    found: dict[str, list[str]] = {}
    for number, row in enumerate(data.measures, start=1):
        for verdict in row.verdicts:
            if verdict.school:
                found.setdefault(verdict.school.code, []).append(
                    f"мера {number}: {verdict.judgement.label}"
                )
    return found


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
        judged = measure_verdicts(data)
        rows = [
            [
                names.get(r["school_code"], r["school_code"]),
                FAIR_OUTCOMES.get(r["verdict"], BEHIND_OR_LEVEL),
                "; ".join(judged.get(r["school_code"], [])) or "меры не оценивались",
                "; ".join(r["reasons"]),
            ]
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
                "погрешностью, которая тем шире, чем меньше участников. «Опередила похожие "
                "школы» — только если разница больше погрешности. Это сравнение, а не оценка "
                "эффективности: её дают меры по своим правилам (раздел «Оценка эффективности "
                "принятых мер»), и здесь она повторена."
            ),
            Paragraph("Метод описан в руководстве по методикам Опоры.", app_only=True),
            Table(
                "Изменения относительно похожих школ",
                ["Школа", "Относительно похожих школ", "Оценка мер", "Обоснование"],
                rows,
                "Похожие школы",
            ),
        ]


class ListExitSection(Section):
    key = "list_exit"
    title = "Выход школ из списка ШНОР"

    def blocks(self, data):
        rows = list_exits(municipality=data.municipality)
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
