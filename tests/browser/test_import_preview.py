"""A coordinator uploads a results file, sees what it will change before anything is written,
presses «Загрузить», and the results are there, each with the file it came from."""

import pytest
from django.urls import reverse

from opora.assessments.models import SchoolResult
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"


def test_a_results_upload_is_previewed_and_loaded_once_confirmed(
    page, cast, school_a1, school_a2, tmp_path
):
    SchoolResult.objects.create(
        school=school_a1,
        assessment=_assessment(),
        year=2023,
        participants=26,
        mark_2=9,
        mark_3=10,
        mark_4=5,
        mark_5=2,
    )
    upload = tmp_path / "vpr-2023.csv"
    upload.write_text(
        f"{HEADER}\na1,2023,ВПР,math,5,26,2,10,10,4\na2,2023,ВПР,math,5,30,3,10,10,7\n",
        encoding="utf-8",
    )
    page.goto("/accounts/login/")
    page.fill("#id_username", "coordinator_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(reverse("assessments:results_import"))
    page.set_input_files("#id_file", str(upload))
    page.click("button >> text=Проверить файл")
    page.wait_for_selector("#import-preview")
    assert "Пока ничего не записано." in page.inner_text("#import-job")
    facts = page.inner_text("#import-preview")
    assert "Новых результатов\n1" in facts and "Изменится результатов\n1" in facts
    changes = page.inner_text("#preview-changes")
    assert "СОШ с. Альфа" in changes and "26; 9 / 10 / 5 / 2" in changes
    assert "26; 2 / 10 / 10 / 4" in changes
    assert SchoolResult.objects.count() == 1  # nothing written before the confirmation
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(tmp_path / "preview-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "preview-390.png"), full_page=True)

    page.click("button >> text=Загрузить")
    page.wait_for_selector("#import-job[data-status=done]")
    assert "Файл загружен." in page.inner_text("#import-job")
    assert SchoolResult.objects.get(school=school_a1).mark_2 == 2
    assert SchoolResult.objects.count() == 2

    page.goto(reverse("assessments:school_results", args=["a1"]))
    page.click("#result-sources summary")
    sources = page.inner_text("#result-sources")
    assert "vpr-2023.csv" in sources and "Opora CSV по школам" in sources
    assert "coordinator_a" in sources


def _assessment():
    from opora.assessments.models import Assessment, Subject

    return Assessment.objects.create(kind="VPR", subject=Subject.objects.get(code="math"), grade=5)
