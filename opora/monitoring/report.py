"""The annual analytical report of a municipality (seed 000's «Отчёт о выполнении мероприятий
Дорожной карты»): its sections in order, built as one list of blocks (report_blocks.py).

A new section is a class with `key`, `title` and `blocks(data)` (report_data.Section), added to
SECTIONS (e.g. the working group's decisions, once the meetings app is in).
"""

from __future__ import annotations

from opora.monitoring.report_actions import (
    ClosingSection,
    DecisionsSection,
    EffectivenessSection,
    IndicatorsSection,
    RoadmapSection,
)
from opora.monitoring.report_data import ReportData, Section
from opora.monitoring.report_schools import (
    ClustersSection,
    DeficitsSection,
    DynamicsSection,
    FairChangeSection,
    GeneralSection,
    ListExitSection,
    RisksSection,
)

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
