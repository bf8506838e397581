"""Reference list of professional deficits, worded after the seeds: seed 000 (objective assessment,
risks of falling results, parents), seed 002 (ГИА tasks with a written answer, ОВЗ, low motivation),
seed 003 (subject, methodical and psychological-pedagogical deficits, functional literacy, РЭШ).
Also the subject «начальные классы», which primary teachers teach and are diagnosed in."""

from django.db import migrations

# code, name, area
DEFICITS = [
    ("subject_content", "Предметное содержание (знание предмета)", "subject"),
    ("exam_tasks", "Методика подготовки к ГИА, задания с развёрнутым ответом", "methodical"),
    ("functional_literacy", "Формирование функциональной грамотности", "methodical"),
    ("objective_assessment", "Объективное оценивание достижений обучающихся", "methodical"),
    ("results_analysis", "Анализ результатов оценочных процедур", "methodical"),
    ("individualisation", "Индивидуализация обучения, ИОМ обучающихся", "methodical"),
    ("digital_resources", "Цифровые образовательные ресурсы (РЭШ)", "methodical"),
    ("failure_risks", "Определение рисков учебной неуспешности", "psychological"),
    ("low_motivation", "Работа с низкомотивированными обучающимися", "psychological"),
    ("inclusion", "Работа с обучающимися с ОВЗ, инклюзивная среда", "psychological"),
    ("parents", "Вовлечение родителей в учебный процесс", "psychological"),
]


def load(apps, schema_editor):
    Deficit = apps.get_model("staff", "Deficit")
    for position, (code, name, area) in enumerate(DEFICITS):
        Deficit.objects.update_or_create(
            code=code, defaults={"name": name, "area": area, "position": position}
        )
    apps.get_model("assessments", "Subject").objects.get_or_create(
        code="primary", defaults={"name": "начальные классы", "position": 90}
    )


def unload(apps, schema_editor):
    apps.get_model("staff", "Deficit").objects.filter(code__in=[d[0] for d in DEFICITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial"), ("assessments", "0002_subjects")]
    operations = [migrations.RunPython(load, unload)]
