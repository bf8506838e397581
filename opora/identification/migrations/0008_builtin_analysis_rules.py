"""Built-in parameters of comparable schools and of the early warning (docs/methods.md)."""

from django.db import migrations

RULE_SETS = [
    {
        "code": "comparable-schools",
        "title": "Похожие школы: индекс социального контекста, размер, местность, тип — в регионе",
        "kind": "comparable_schools",
        "category": "похожие школы",
        "params": {
            "code": "comparable-schools",
            "criteria": ["social", "size", "rural", "type"],
            "min_peers": 5,
            "size_bounds": [10, 25, 60],
            "social_bands": 3,
            "type_groups": {
                "СОШ": "средние школы",
                "ООШ": "основные школы",
                "НОШ": "начальные школы",
                "гимназия": "гимназии и лицеи",
                "лицей": "гимназии и лицеи",
                "филиал": "филиалы",
            },
            "kinds": ["VPR", "OGE", "EGE", "KDR"],
            "min_participants": 1,
            "z": 1.96,
        },
        "source": "Руководство по методикам Опоры: похожие школы и изменение относительно них",
    },
    {
        "code": "early-warning",
        "title": "Группа риска на следующий год: оценка вероятности войти в список ШНОР",
        "kind": "early_warning",
        "category": "группа риска",
        "params": {
            "code": "early-warning",
            "drift": 0.04,
            "trend_weight": 0.5,
            "shrink": 30.0,
            "min_probability": 0.3,
            "near_margin": 0.1,
            "small_class": 15,
        },
        "source": "Руководство по методикам Опоры: группа риска, проверка на истории",
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
    dependencies = [("identification", "0007_risk_group")]
    operations = [migrations.RunPython(load, unload)]
