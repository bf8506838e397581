"""A coordinator uploads a ФИС ОКО report as downloaded: the page offers the templates, the job
names the school of another municipality it skipped, and the school's results compare its shares
with the municipality, the region and the whole sample."""

import pytest

from tests.assessments.test_fisoko_reports import marks_report
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/opora-shots"


def shot(page, name):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/fisoko-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_fisoko_report_uploads_as_downloaded(browser, live_server, reference_data, cast):
    for school, login_name in (("a1", "sch640101"), ("a2", "sch640102")):
        cast["coordinator_a"].municipality.schools.filter(code=school).update(
            fisoko_login=login_name
        )
    page = login(browser, live_server, "coordinator_a")
    page.goto("/results/import/")
    assert page.locator("a:has-text('XLSX')").first.is_visible()
    shot(page, "upload")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "ВПР-математика-5.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": marks_report(),
            }
        ],
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/results/import/*/")
    page.wait_for_selector("#import-preview")  # nothing written until «Загрузить»
    assert "(sch640199) МОУ «ООШ с. Чужое»" in page.inner_text("#preview-skipped")
    page.click("#import-job button >> text=Загрузить")
    page.wait_for_selector("#import-job[data-status=done]")
    job = page.inner_text("#import-job")
    assert "Файл загружен." in job
    assert "(sch640199) МОУ «ООШ с. Чужое»" in job
    shot(page, "job")
    page.goto("/schools/a1/results/")
    assert "Сравнение с муниципалитетом, регионом и всей выборкой" in page.inner_text("main")
    shot(page, "school-results")
