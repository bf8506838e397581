"""Built-in effectiveness rules (reference data): every region may use them or add versions."""

from django.db import migrations

RULES = [
    {
        "code": "twos-fell",
        "title": "Доля «2» снизилась и нигде не достигает порога",
        "params": {
            "results": {
                "kinds": ["VPR", "OGE"],
                "subjects": [],
                "min_fewer_twos": 3,
                "max_twos": 30,
                "min_participants": 1,
            }
        },
        "source": "Оценка эффектов по ОГЭ и ВПР в отчёте Ивантеевского района (трек 1); порог 30 % — "
        "критерий ФИОКО доли «2»",
    },
    {
        "code": "indicators-achieved",
        "title": "Достигнута половина целевых показателей меры",
        "params": {"indicators": {"min_achieved_percent": 50}},
        "source": "Целевые показатели программы, заявленные как показатели эффективности мер "
        "(отчёт Ивантеевского района, треки 2 и 3; МППКО Пировского округа)",
    },
    {
        "code": "twos-and-indicators",
        "title": "Доля «2» снизилась и достигнута половина целевых показателей",
        "params": {
            "results": {
                "kinds": ["VPR", "OGE"],
                "subjects": [],
                "min_fewer_twos": 2,
                "max_twos": 30,
                "min_participants": 1,
            },
            "indicators": {"min_achieved_percent": 50},
        },
        "source": "Оба условия: результаты оценочных процедур и целевые показатели",
    },
]


def add_rules(apps, schema_editor):
    rule = apps.get_model("monitoring", "EffectivenessRule")
    for data in RULES:
        rule.objects.get_or_create(code=data["code"], version=1, defaults=data)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
