"""The main pages on a phone (390 px wide): nothing scrolls the page sideways, wide tables
scroll inside their own box, and the sections fold behind a «Меню» button that opens them."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
USERS = "/accounts/users/"


@pytest.fixture
def phone(browser, live_server, reference_data, cast, school_a1, school_a2):
    page = login(browser, live_server, "coordinator_a")
    page.set_viewport_size(PHONE)
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    "path",
    # «Пользователи» failed before: its table was not in a box of its own (956 px wide).
    ["/", "/results/", "/identification/try/", "/programs/", "/risks/", "/schools/", USERS],
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


# A table as the identification run and the annual report draw it: a short column, a column
# whose header does not wrap, and a long text (the reasons of a verdict, a report's grounds).
LONG_TEXT = "доля «2» ≥ 30 % хотя бы по одной процедуре в 1 из 2 лет (2021/22–2022/23) " * 3
TABLES = {
    "reasons": f"""<section class="panel"><div class="table-wrap"><table class="data"><thead><tr><th>Школа</th>
        <th>Отобрана</th><th>Обоснование</th></tr></thead><tbody><tr><td>МОУ «СОШ п. Озёрный»</td>
        <td>да</td><td><ul class="reasons"><li>{LONG_TEXT}</li></ul></td></tr></tbody></table></div></section>""",
    "report": f"""<section class="panel report"><div class="table-wrap"><table class="data"><thead><tr>
        <th>Школа</th><th>Относительно похожих школ</th><th>Оценка мер</th><th>Обоснование</th>
        </tr></thead><tbody><tr><td>МОУ «СОШ п. Озёрный»</td><td>не оценено</td>
        <td>меры не оценивались</td><td>{LONG_TEXT}</td></tr></tbody></table></div></section>""",
}


@pytest.mark.parametrize("shape", TABLES)
def test_a_long_text_column_keeps_a_readable_width_on_a_phone(phone, shape):
    # Failed before: squeezed beside columns whose headers do not wrap, the reasons of a run and
    # the grounds in the annual report were a sliver one word wide, clipped at the box's edge.
    phone.goto("/")
    phone.evaluate("html => document.querySelector('main').innerHTML = html", TABLES[shape])
    last = phone.locator("main table.data tbody td").last
    assert last.evaluate("e => e.getBoundingClientRect().width") >= 190, shape
    assert page_width(phone) <= PHONE["width"]  # the table scrolls inside its box


# Buttons and boxes of the page's content that touch or overlap one above the other (one inside
# the other aside): buttons wrapped onto a second line, or the last one and the box below it.
TOUCHING = """() => {
  const boxes = [...document.querySelectorAll('main .button, main .panel, main .filters')]
    .filter(e => e.checkVisibility());
  const pairs = [];
  boxes.forEach((e, i) => boxes.slice(i + 1).forEach(f => {
    if (e.contains(f) || f.contains(e)) return;
    const r = e.getBoundingClientRect(), s = f.getBoundingClientRect();
    const across = r.left < s.right && s.left < r.right;
    const apart = Math.max(s.top - r.bottom, r.top - s.bottom);
    if (across && apart < 4) pairs.push([e.textContent.trim().slice(0, 40),
                                         f.textContent.trim().slice(0, 40)]);
  }));
  return pairs;
}"""


def touching(page) -> list:
    return page.evaluate(TOUCHING)


def test_buttons_keep_apart_from_each_other_and_from_the_box_below_on_a_phone(phone):
    # Failed before: the dashboard's last button touched the year filter below it.
    phone.goto("/monitoring/mun-a/")
    assert phone.locator("main .button").count() >= 3
    assert touching(phone) == []
