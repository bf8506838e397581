"""A coordinator runs the ШНОР rule for her municipality, reads the reasons and approves the list."""

import pytest

from opora.assessments.services import result_import
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS = """school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2023,ОГЭ,rus,9,10,3,4,2,1
a2,2023,ВПР,math,5,30,1,9,10,10
"""


def test_coordinator_runs_identification_and_approves_the_list(page, cast):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    page.goto("/accounts/login/")
    page.fill("#id_username", "coordinator_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav.main-nav >> text=Выявление")
    page.select_option("#id_rule_set", label="ШНОР: критерии ФИОКО (доля «2» ≥ 30 %) (версия 1)")
    assert page.input_value("#id_year") == "2024"  # the year after the latest results
    page.click("#run-form button:has-text('Запустить')")
    page.wait_for_url("**/identification/runs/*/")
    assert "ШНОР на 2023/24 учебный год: Район А" in page.inner_text("h1")
    rows = page.locator("#verdicts tbody tr")
    assert "СОШ с. Альфа" in rows.first.inner_text()
    assert "ВПР математика 5 кл., 2022/23: 34,6 % «2» (9 из 26) ≥ 30 %" in rows.first.inner_text()
    run_url = page.url
    # The order is not in Opora yet: she records it, with its scan, and comes back.
    page.click("text=Добавьте приказ")
    page.fill("#id_issuer", "Управление образования Района А")
    page.fill("#id_number", "71")
    page.fill("#id_date", "2023-09-01")
    page.fill("#id_title", "Об утверждении списка ШНОР на 2023/24 учебный год")
    page.set_input_files(
        "#id_file",
        files=[{"name": "prikaz-71.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    page.click("main button[type=submit]")
    assert "Приказ от 01.09.2023 № 71 сохранён." in page.inner_text("main")
    page.goto(run_url)
    page.select_option("#id_order", label="от 01.09.2023 № 71")
    page.click("#approve-form button")
    assert "Список утверждён." in page.inner_text("main")
    assert "утверждён приказом от 01.09.2023 № 71" in page.inner_text("main")
    assert page.locator("#approve-form").count() == 0
    page.click("text=от 01.09.2023 № 71")
    row = page.locator("#orders tbody tr", has_text="Об утверждении списка ШНОР")
    assert "ШНОР на 2023/24 · Район А" in row.inner_text()
    assert row.locator("text=файл приказа").count() == 1
