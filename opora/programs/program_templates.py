"""Templates of a new program: the structure of the seeds' documents without their values.

A template is one of the demo's program documents (opora/demo/data/programs), so a template
and the demo never disagree about what such a document holds. It keeps the goals and tasks,
the indicator rows (number, section, name, unit, how computed) and the roadmap (sections,
activities, their periods moved to the new program's years); it drops what belongs to the
seed's municipality: baselines, targets, measured values, schools, responsible people.
"""

import json
from pathlib import Path

from opora.programs.periods import shift_years

DATA_DIR = Path(__file__).resolve().parent.parent / "demo" / "data" / "programs"

TEMPLATES = {
    "terbuny": "Муниципальная программа «мероприятие 21» (как в Тербунском районе)",
    "pirovskoe": "Муниципальная программа повышения качества образования, МППКО (как в "
    "Пировском округе)",
    "svobodny": "Дорожная карта поддержки ШНОР (как в г. Свободном)",
}

INDICATOR_FIELDS = ("number", "name", "section", "unit", "invariant", "task", "direction")
ACTIVITY_FIELDS = (
    "number",
    "section",
    "task",
    "text",
    "expected_result",
    "implementation_indicator",
)


def template_choices() -> list[tuple[str, str]]:
    return [("", "Без шаблона — пустая программа"), *TEMPLATES.items()]


def template_structure(code: str, *, start_year: int) -> dict:
    """Goals, indicators and activities of template `code` as a document for
    `program_create_from_document`, with the activities' years moved to `start_year`."""
    document = json.loads((DATA_DIR / f"{code}.json").read_text("utf-8"))["programs"][0]
    first, last = document["start_year"], document["end_year"]
    return {
        "table_model": document.get("table_model", ""),
        "goals": document["goals"],
        "indicators": [_indicator(row) for row in document["indicators"]],
        "activities": [
            {
                **{key: row.get(key) or "" for key in ACTIVITY_FIELDS},
                "period": shift_years(
                    row.get("period", ""), first=first, last=last, by=start_year - first
                ),
                # Addressees in general words stay; the seed's own schools, by code or named in
                # words beside their codes, do not.
                "addressees": ""
                if isinstance(row["addressees"], list) or row.get("schools")
                else row["addressees"],
            }
            for row in document["activities"]
        ],
    }


def _indicator(row: dict) -> dict:
    # An indicator of one of the seed's schools becomes one counted for each school.
    scope = "each_school" if row["scope"] == "school" else row["scope"]
    return {
        **{key: row.get(key) for key in INDICATOR_FIELDS},
        "scope": scope,
        "source": row.get("source"),
    }
