"""The self-assessment in the browser: the coordinator accepts what Opora found and sends it to
the region; the region's operator sees the table of municipalities × steps of the cycle, each
cell saying its points and level in words (the colour only helps), on a laptop and on a phone,
and accepts it."""

import datetime
import os

import pytest

from opora.programs.models import Order
from opora.selfassessment.models import SelfAssessment, Status
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("OPORA_SCREENSHOTS", "")  # a folder to keep the screenshots in


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def shoot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def test_the_coordinator_submits_and_the_region_reads_the_table(page, cast, municipality_a):
    Order.objects.create(
        region=municipality_a.region,
        municipality=municipality_a,
        issuer="Отдел образования",
        number="116",
        date=datetime.date(2023, 2, 17),
        title="Об утверждении муниципальной программы",
    )
    sign_in(page, "coordinator_a")
    page.click("nav.main-nav >> text=Самооценка")
    page.goto("/self-assessment/mun-a/2023/")
    proposal = page.get_by_label(
        "Приказ от 17.02.2023 № 116 «Об утверждении муниципальной программы»"
    )
    assert proposal.is_checked()
    assert page.locator("#criterion-1\\.1 .gap-note").inner_text().startswith("Пробел.")
    page.click("button[name=submit]")
    page.wait_for_selector("text=Самооценка отправлена в регион.")
    assert "на проверке в регионе" in page.inner_text("#status")

    sign_in(page, "region_operator")
    page.goto("/self-assessment/?year=2023")
    row = page.locator("#self-assessment-table tbody tr", has_text="Район А")
    assert "на проверке в регионе" in row.inner_text()
    decisions = row.locator("td.score").nth(7)  # step 8: orders found, no meeting of the group
    assert decisions.inner_text().split() == ["1/2", "частично"]
    assert "score-part" in decisions.get_attribute("class")
    assert (
        "не начата"
        in page.locator("#self-assessment-table tbody tr", has_text="Район Б").inner_text()
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "self-assessment-table-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".table-wrap").evaluate("e => getComputedStyle(e).overflowX") == "auto"
    shoot(page, "self-assessment-table-390.png")

    page.set_viewport_size({"width": 1366, "height": 900})
    row.locator("th a").click()
    page.check("input[value=accept]")
    page.fill("#id_comment", "Принято.")
    page.click("#review button[type=submit]")
    page.wait_for_selector("text=Решение по самооценке сохранено.")
    assert SelfAssessment.objects.get(municipality=municipality_a).status == Status.ACCEPTED
    shoot(page, "self-assessment-detail-1366.png")
