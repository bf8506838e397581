"""The main pages on a phone (390 px wide): nothing scrolls the page sideways, wide tables
scroll inside their own box, and the sections fold behind a «Меню» button that opens them."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, reference_data, cast, school_a1, school_a2):
    page = login(browser, live_server, "coordinator_a")
    page.set_viewport_size(PHONE)
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    "path",
    ["/", "/results/", "/identification/try/", "/programs/", "/risks/", "/schools/"],
)
def test_a_page_does_not_scroll_sideways_on_a_phone(phone, path):
    # Failed before: the navigation alone made every page 926 px wide.
    phone.goto(path)
    assert page_width(phone) <= PHONE["width"], path


def test_the_menu_folds_the_sections_and_opens_them(phone):
    nav = phone.locator("nav.main-nav")
    assert not nav.is_visible()
    phone.click("label.nav-toggle-label")
    assert nav.is_visible()
    phone.click("nav.main-nav >> text=Программы")
    phone.wait_for_url("**/programs/")
    assert page_width(phone) <= PHONE["width"]


def test_a_wide_table_scrolls_inside_its_box(phone):
    phone.goto("/identification/")
    wrap = phone.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
