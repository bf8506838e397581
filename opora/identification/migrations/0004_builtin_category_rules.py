"""Built-in rules for the categories the seeds use besides ШНОР and ШНСУ."""

from django.db import migrations

RULE_SETS = [
    {
        "code": "positive-dynamics",
        "title": "Положительная динамика: доля «2» снизилась хотя бы в двух процедурах и нигде не выросла",
        "kind": "positive_dynamics",
        "category": "положительная динамика",
        "params": {
            "code": "positive-dynamics",
            "min_improved": 2,
            "max_worsened": 0,
            "min_participants": 5,
            "kinds": ["VPR", "OGE", "EGE", "KDR"],
        },
        "source": "МППКО Пировского округа: кластер 3",
    },
    {
        "code": "high-results",
        "title": "Высокие результаты: качество знаний от 50 % и доля «2» не больше 5 % во всех процедурах",
        "kind": "high_results",
        "category": "высокие результаты",
        "params": {
            "code": "high-results",
            "min_quality": 0.5,
            "max_twos": 0.05,
            "min_assessments": 2,
            "min_participants": 5,
            "kinds": ["VPR", "OGE", "EGE", "KDR"],
        },
        "source": "Отчёт Ивантеевского района: школы с высокими образовательными результатами",
    },
]


def load(apps, schema_editor):
    RuleSet = apps.get_model("identification", "RuleSet")
    for rule_set in RULE_SETS:
        RuleSet.objects.update_or_create(code=rule_set["code"], version=1, defaults=rule_set)


def unload(apps, schema_editor):
    RuleSet = apps.get_model("identification", "RuleSet")
    RuleSet.objects.filter(code__in=[r["code"] for r in RULE_SETS], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("identification", "0003_verdict_category")]
    operations = [migrations.RunPython(load, unload)]
