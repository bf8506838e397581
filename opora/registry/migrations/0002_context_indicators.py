"""Reference list of context indicators, worded after seed 000 («Специфика учреждения»:
социальные, кадровые, инфраструктурные дефициты) and the 500+ risk profile questionnaire."""

from django.db import migrations

# code, name, group, unit, higher_is_worse, is_required, description
INDICATORS = [
    ("incomplete_families", "Доля детей из неполных семей и семей в социально опасном положении", "social", "percent", True, True,
     "Удельный вес численности детей, воспитывающихся в неполных семьях, семьях, находящихся в социально опасном положении."),
    ("low_income_families", "Доля детей из семей с доходом ниже прожиточного минимума", "social", "percent", True, True,
     "Удельный вес детей из семей, в которых доход на одного члена семьи не превышает прожиточного минимума."),
    ("non_native_language", "Доля детей, чей язык общения отличается от языка обучения", "social", "percent", True, False, ""),
    ("disabled_students", "Доля обучающихся с ОВЗ", "social", "percent", None, False, ""),
    ("sek_index", "Индекс СЭК: доля детей, у которых хотя бы один родитель с высшим образованием", "social", "percent", False, True,
     "Индекс социально-экономической композиции школы; чем он ниже, тем сложнее условия."),
    ("teachers_total", "Педагогических работников", "staffing", "count", None, False, ""),
    ("teachers_65plus", "Доля педагогов в возрасте 65 лет и старше", "staffing", "percent", True, True, ""),
    ("teachers_two_rates", "Доля педагогов с нагрузкой 2 ставки и более", "staffing", "percent", True, False, ""),
    ("vacancies", "Вакантных ставок", "staffing", "count", True, False, ""),
    ("vacancies_note", "Вакансии (по предметам)", "staffing", "text", None, False, ""),
    ("young_specialists", "Молодых специалистов", "staffing", "count", None, False, ""),
    ("computers", "Компьютеров для учебного процесса", "infrastructure", "count", False, False, ""),
    ("stable_internet", "Устойчивый доступ к интернету достаточной скорости", "infrastructure", "yes_no", None, False, ""),
    ("needs_capital_repair", "Здание требует капитального ремонта", "infrastructure", "yes_no", None, False, ""),
    ("capital_repair_year", "Год капитального ремонта (проведённого или планового)", "infrastructure", "year", None, False, ""),
    ("transported_students", "Обучающихся, которых подвозят в школу", "infrastructure", "count", None, False, ""),
    ("tochka_rosta", "Центр «Точка роста»", "infrastructure", "yes_no", None, False, ""),
    ("cos_equipment", "Оборудование цифровой образовательной среды (ЦОС)", "infrastructure", "yes_no", None, False, ""),
]


def load(apps, schema_editor):
    ContextIndicator = apps.get_model("registry", "ContextIndicator")
    for position, (code, name, group, unit, worse, required, description) in enumerate(INDICATORS):
        ContextIndicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "group": group, "unit": unit, "higher_is_worse": worse,
                "is_required": required, "description": description, "position": position,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("registry", "ContextIndicator").objects.filter(
        code__in=[row[0] for row in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
