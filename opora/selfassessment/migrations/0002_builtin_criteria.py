"""The built-in criteria of the block «Система работы со школами с низкими результатами
обучения и/или школами, функционирующими в неблагоприятных социальных условиях» (Рособрнадзор,
письмо от 20.04.2021 № 08-70), laid out along the nine steps of the management cycle. A region
adapts wording and scoring in a version of its own; this one stays as published."""

from django.db import migrations

CODE = "shnor-shnsu-cycle"
SET = {
    "title": "Система работы со ШНОР и ШНСУ: управленческий цикл",
    "source": "Письмо Рособрнадзора от 20.04.2021 № 08-70, блок «Система работы со школами "
    "с низкими результатами обучения и/или школами, функционирующими в неблагоприятных "
    "социальных условиях»",
}
# number, step, wording, scoring, max points, kind of evidence (opora/selfassessment/evidence.py)
CRITERIA = [
    ("1.1", "goals", "Цели работы со ШНОР и ШНСУ определены в утверждённой муниципальной программе "
     "(МППКО, дорожной карте)", "yes_no", 1, "program_goals"),
    ("1.2", "goals", "Цели выведены из факторов риска школ", "points", 2, "goals_from_risks"),
    ("2.1", "indicators", "Установлены целевые показатели с целевыми значениями на учебный год",
     "points", 2, "indicator_targets"),
    ("2.2", "indicators", "Утверждены критерии отнесения школ к ШНОР и ШНСУ и список школ "
     "(приказом)", "yes_no", 1, "identification_list"),
    ("3.1", "methods", "Источники информации определены: результаты оценочных процедур "
     "собраны по школам", "yes_no", 1, "assessment_results"),
    ("3.2", "methods", "Способ получения значений показателей определён (расчёт из данных)",
     "yes_no", 1, "computed_indicators"),
    ("4.1", "monitoring", "Мониторинг проводится: сбор сведений от школ с полнотой сдачи",
     "points", 2, "campaigns"),
    ("4.2", "monitoring", "Значения целевых показателей за год получены", "yes_no", 1,
     "indicator_values"),
    ("5.1", "analysis", "Проведён анализ результатов: аналитический отчёт муниципалитета за год",
     "yes_no", 1, "annual_report"),
    ("5.2", "analysis", "Проанализированы риски школ: рисковые профили проверены", "points", 2,
     "risk_profiles"),
    ("6.1", "recommendations", "Школам даны адресные рекомендации (куратором, рабочей группой)",
     "yes_no", 1, "recommendations"),
    ("7.1", "measures", "Меры и мероприятия запланированы с адресатами и сроками", "yes_no", 1,
     "roadmap"),
    ("7.2", "measures", "Мероприятия выполняются", "points", 3, "roadmap_execution"),
    ("8.1", "decisions", "Управленческие решения оформлены приказами", "yes_no", 1, "orders"),
    ("8.2", "decisions", "Решения рабочей группы приняты с исполнителями и сроками", "yes_no", 1,
     "meetings"),
    ("9.1", "effectiveness", "Эффективность принятых мер оценена по правилу с обоснованием",
     "yes_no", 1, "measures"),
    ("9.2", "effectiveness", "Изменение результатов школ из списка оценено относительно похожих "
     "школ", "yes_no", 1, "fair_change"),
    ("9.3", "effectiveness", "Есть изменения по итогам мер: школы вышли из списка ШНОР",
     "yes_no", 1, "list_changes"),
]


def load(apps, schema_editor):
    CriteriaSet = apps.get_model("selfassessment", "CriteriaSet")
    Criterion = apps.get_model("selfassessment", "Criterion")
    criteria_set, _ = CriteriaSet.objects.update_or_create(
        code=CODE, version=1, defaults={**SET, "region": None}
    )
    for position, (number, step, text, scoring, points, evidence) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            number=number,
            defaults={
                "step": step,
                "text": text,
                "scoring": scoring,
                "max_points": points,
                "evidence": evidence,
                "position": position,
            },
        )


def unload(apps, schema_editor):
    CriteriaSet = apps.get_model("selfassessment", "CriteriaSet")
    Criterion = apps.get_model("selfassessment", "Criterion")
    Criterion.objects.filter(criteria_set__code=CODE, criteria_set__version=1).delete()
    CriteriaSet.objects.filter(code=CODE, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("selfassessment", "0001_self_assessment")]
    operations = [migrations.RunPython(load, unload)]
