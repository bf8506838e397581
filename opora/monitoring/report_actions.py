"""The sections of an annual report on what was done: the effectiveness of the measures, the
target indicators, the roadmap, the working group's decisions, and the closing conclusion."""

from __future__ import annotations

import datetime
from collections import Counter

from django.urls import reverse

from opora.meetings.models import Decision
from opora.monitoring.effectiveness import EFFECTIVE, INEFFECTIVE
from opora.monitoring.measures import indicator_outcome
from opora.monitoring.report_blocks import Conclusion, Heading, Paragraph, Table
from opora.monitoring.report_data import Section
from opora.programs.models import ActivityStatus, IndicatorScope


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
                    # The rule's title is a criterion, not a finding: «Достигнута половина
                    # целевых показателей» over a «неэффективно» must not read as a result.
                    f"Мера {number}: выводы по школам (критерий: «{measure.rule.title}»)",
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
                    outcome = indicator_outcome(indicator=indicator, year=data.year, school=school)
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
                    app_only={len(header) - 1},  # the analyst's note on the source
                )
            )
        return blocks or [
            Paragraph("В утверждённых программах муниципалитета нет целевых показателей.")
        ]


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
                    f"{counts['cancelled']}; просрочено — {overdue}.",
                    app_only=True,  # statuses counted on today's date
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
                    app_only={4},
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
            Paragraph(
                f"Решений: {len(decisions)}; {summary}; просрочено — {overdue}.", app_only=True
            ),
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
                app_only={5},
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
