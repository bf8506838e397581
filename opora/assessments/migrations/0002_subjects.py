"""Subjects of ВПР, ОГЭ, ЕГЭ and КДР with the codes used in result files (docs/formats.md)."""

from django.db import migrations

SUBJECTS = [
    ("rus", "русский язык"),
    ("math", "математика"),
    ("math_base", "математика (база)"),
    ("math_prof", "математика (профиль)"),
    ("okr", "окружающий мир"),
    ("bio", "биология"),
    ("geo", "география"),
    ("hist", "история"),
    ("soc", "обществознание"),
    ("phys", "физика"),
    ("chem", "химия"),
    ("inf", "информатика"),
    ("eng", "иностранный язык"),
    ("lit", "литература"),
    # КДР of Krasnoyarsk region (seed 003) test functional literacy rather than subjects.
    ("fg_read", "читательская грамотность"),
    ("fg_math", "математическая грамотность"),
    ("fg_sci", "естественнонаучная грамотность"),
]


def load(apps, schema_editor):
    Subject = apps.get_model("assessments", "Subject")
    for position, (code, name) in enumerate(SUBJECTS):
        Subject.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def unload(apps, schema_editor):
    apps.get_model("assessments", "Subject").objects.filter(code__in=[c for c, _ in SUBJECTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
