"""Built-in rule sets. The regions change them by making new versions, never by editing these."""

from django.db import migrations

# Listed assessments of the ФИОКО criteria (seed 003, section 2.1); parameters are frozen here
# as data so that the migration does not change when the code does.
FIOCO = [
    {"kind": "VPR", "subject": "math", "grade": 5},
    {"kind": "VPR", "subject": "math", "grade": 6},
    {"kind": "VPR", "subject": "rus", "grade": 5},
    {"kind": "VPR", "subject": "rus", "grade": 6},
    {"kind": "OGE", "subject": "math", "grade": 9},
    {"kind": "OGE", "subject": "rus", "grade": 9},
    {"kind": "EGE", "subject": "math_base", "grade": 11},
    {"kind": "EGE", "subject": "math_prof", "grade": 11},
]
ADDED = [{"kind": "VPR", "subject": None, "grade": g} for g in (4, 7, 8)] + [
    {"kind": "KDR", "subject": None, "grade": g} for g in (4, 6, 7, 8)
]
CRITERIA = {"threshold": 0.3, "min_participants": 1, "min_hits_last_year": 2, "consecutive_years": 2}
SOCIAL_WEIGHTS = {"low_income_families": 0.4, "incomplete_families": 0.3, "sek_index": -0.2}

RULE_SETS = [
    {
        "code": "shnor-fioco",
        "title": "ШНОР: критерии ФИОКО (доля «2» ≥ 30 %)",
        "kind": "low_results",
        "category": "ШНОР",
        "params": {"code": "shnor-fioco", "title": "ШНОР: критерии ФИОКО", "selectors": FIOCO, **CRITERIA},
        "source": "Критерии ФИОКО, как в МППКО Пировского округа (раздел «Актуальность»)",
    },
    {
        "code": "shnor-extended",
        "title": "ШНОР: критерии ФИОКО и добавленные данные (ВПР 4, 7, 8 кл., КДР 4, 6, 7, 8 кл.)",
        "kind": "low_results",
        "category": "ШНОР",
        "params": {
            "code": "shnor-extended",
            "title": "ШНОР: критерии ФИОКО и добавленные данные",
            "selectors": FIOCO + ADDED,
            **CRITERIA,
        },
        "source": "МППКО Пировского округа: «Добавленные данные»",
    },
    {
        "code": "shnsu-social",
        "title": "ШНСУ: индекс социального контекста (пример весов)",
        "kind": "social_index",
        "category": "ШНСУ",
        "params": {"code": "shnsu-social", "weights": SOCIAL_WEIGHTS, "threshold": 8.0},
        "source": (
            "Показатели социальных дефицитов отчёта Ивантеевского района; веса и порог — пример, "
            "регион задаёт свои"
        ),
    },
    {
        "code": "vpr-objectivity",
        "title": "Признаки необъективности ВПР (понизили или повысили ≥ 25 %)",
        "kind": "objectivity",
        "category": "признаки необъективности",
        "params": {"code": "vpr-objectivity", "threshold": 0.25, "min_participants": 5, "kind": "VPR"},
        "source": "Тюменская модель, показатели объективности",
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
    dependencies = [("identification", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
