"""Risk factors, questionnaire and anti-risk program templates as reference data.

The data is frozen in `reference/` next to this migration, so the migration does not change
when the code does; the region edits wording and thresholds in the admin afterwards (history
is kept). Running `load` again changes nothing that is already there.
"""

import json
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).parent / "reference"


def load(apps, schema_editor):
    RiskFactor = apps.get_model("risks", "RiskFactor")
    Question = apps.get_model("risks", "Question")
    ProgramTemplate = apps.get_model("risks", "ProgramTemplate")
    factors = json.loads((REFERENCE / "factors.json").read_text("utf-8"))
    templates = json.loads((REFERENCE / "templates.json").read_text("utf-8"))
    for position, data in enumerate(factors):
        factor, created = RiskFactor.objects.get_or_create(
            code=data["code"],
            defaults={
                "title": data["title"],
                "short_title": data["short_title"],
                "description": data.get("description", ""),
                "scope": data["scope"],
                "valid_from": data.get("valid_from"),
                "valid_to": data.get("valid_to"),
                "source": data.get("source", ""),
                "to_confirm": data.get("to_confirm", False),
                "position": position,
            },
        )
        for q_position, question in enumerate(data["questions"]):
            Question.objects.get_or_create(
                code=question["code"],
                defaults={
                    "factor": factor,
                    "text": question["text"],
                    "answer_type": question["answer_type"],
                    "auto_source": question.get("auto_source", ""),
                    "higher_is_worse": question.get("higher_is_worse", True),
                    "medium_at": question.get("medium_at"),
                    "high_at": question.get("high_at"),
                    "risky_answer": question.get("risky_answer"),
                    "source": question.get("source", ""),
                    "position": q_position,
                },
            )
        template = templates.get(data["code"])
        if template:
            ProgramTemplate.objects.get_or_create(
                factor=factor,
                defaults={
                    "goal": template["goal"],
                    "tasks": template["tasks"],
                    "measures": template["measures"],
                    "indicators": template["indicators"],
                    "source": template["source"],
                },
            )


def unload(apps, schema_editor):
    apps.get_model("risks", "RiskFactor").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
