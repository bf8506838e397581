from django.db import migrations

RULE = {
    "code": "beat-peers",
    "title": "Школа опередила похожие школы больше погрешности",
    "params": {"peers": {"metrics": ["twos", "quality"]}},
    "source": "Справедливая оценка: изменение школы против изменения похожих школ региона с "
    "погрешностью от числа участников (руководство по методикам Опоры)",
}


def add_rule(apps, schema_editor):
    rule = apps.get_model("monitoring", "EffectivenessRule")
    rule.objects.get_or_create(code=RULE["code"], version=1, defaults=RULE)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_notifications_replace_reminders")]
    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
