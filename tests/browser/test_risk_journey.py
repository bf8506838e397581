"""A school team goes from an empty questionnaire to an approved anti-risk program; its curator
returns the program once with a remark on one activity, then approves it."""

import importlib

import pytest
from django.apps import apps

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def risk_reference(reference_data):
    importlib.import_module("opora.risks.migrations.0002_reference_data").load(apps, None)


def test_from_empty_questionnaire_to_approved_antirisk_program(
    browser, live_server, risk_reference, cast
):
    school = login(browser, live_server, "school_team_a1")
    school.click("nav.main-nav >> text=Риски")
    assert "СОШ с. Альфа: риски, программы, куратор" in school.inner_text("h1")
    school.click("#open-profile")
    assert school.locator("#questionnaire-form").count() == 1
    assert "нет ответов" in school.inner_text("#factor-vsoko")

    # No ВСОКО regulation, no analysis by teacher, no lesson visits in the ВШК plan.
    for code in ("vsoko_regulation", "results_by_teacher", "vshk_plan"):
        school.select_option(f"#id_{code}", "0")
    school.fill("#id_bullying_share", "4")
    school.click("#save-answers")
    assert "уровни рисков пересчитаны" in school.inner_text("main")
    assert "высокий" in school.inner_text("#factor-vsoko .factor-level")
    assert "низкий" in school.inner_text("#factor-environment .factor-level")

    school.check("#priorities-form input[value=vsoko]")
    school.click("#priorities-form button[type=submit]")
    assert "Несформированность внутришкольной системы оценки" in school.inner_text("#priorities ol")
    school.click("#make-programs")
    assert "Создано документов: 3" in school.inner_text("main")
    school.click("#profile-programs >> text=Антирисковая программа")
    assert school.inner_text("#program-status") == "черновик"

    # The school adapts the template: an earlier deadline for the ВСОКО regulation.
    school.fill("#id_activities-0-period", "Август")
    school.fill("#id_activities-0-responsible", "Директор Иванова А.А.")
    school.click("#save-program")
    assert "Программа сохранена" in school.inner_text("main")
    school.click("#submit-program")
    assert school.inner_text("#program-status") == "на согласовании"
    program_url = school.url

    curator = login(browser, live_server, "curator_a1")
    assert "направила на согласование" in curator.inner_text("#notifications")
    curator.click("#notifications >> text=направила на согласование")
    curator.select_option(
        "#id_target", label=curator.locator("#id_target option").nth(6).inner_text()
    )
    curator.fill("#id_text", "Август — каникулы: утвердите положение в мае, до экспертизы.")
    curator.click("#comment-form button[type=submit]")
    assert "Замечание добавлено" in curator.inner_text("main")
    curator.fill("#id_note", "Сдвиньте срок первого мероприятия.")
    curator.click("#return-program")
    assert curator.inner_text("#program-status") == "черновик"

    school.goto("/")
    assert "Возвращена на доработку" in school.inner_text("#notifications")
    school.goto(program_url)
    assert "Август — каникулы" in school.inner_text("#open-comments")
    assert "Мероприятие 1" in school.inner_text("#open-comments")
    school.fill("#id_activities-0-period", "Май")
    school.click("#save-program")
    school.click("#submit-program")
    assert school.inner_text("#program-status") == "на согласовании"

    curator.goto(program_url)
    curator.click("#approve-program")
    assert curator.inner_text("#program-status") == "утверждена"
    history = curator.inner_text("#review-history")
    assert history.count("Направлена на согласование") == 2
    assert "Возвращена на доработку" in history and "Согласована и утверждена" in history

    school.goto("/")
    assert "Согласована и утверждена" in school.inner_text("#notifications")
    school.goto(program_url)
    assert school.locator("#program-form").count() == 0  # an approved program is read-only
    assert "до 31.05." in school.inner_text("#activities-table")
