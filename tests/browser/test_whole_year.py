"""Issue 18's «Done when»: from an empty database a region is onboarded by the documented path
(create_region, import_schools, invite; then the «Пользователи» page), and one coordinator walks
her year — results, identification with a what-if, approval by order, a program from a template,
a working group meeting, a monitoring campaign, the annual report — after which the approved list,
the dashboard, the report and the public page name the same schools."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from tests.browser.test_screens import touching

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/opora-whole-year"
PHONE = {"width": 390, "height": 844}
PASSWORD = "Severnaya-oblast-2026"
REGISTRY = """school_code;school_name;school_type;municipality_code;municipality_name;region_name
nv-01;МОУ «СОШ п. Озёрный»;СОШ;novy;Новый муниципальный район;Северная область
nv-02;МОУ «ООШ с. Ключи»;ООШ;novy;Новый муниципальный район;Северная область
nv-03;МОУ «СОШ с. Берёзовка»;СОШ;novy;Новый муниципальный район;Северная область
nv-04;МОУ «Гимназия г. Новый»;гимназия;novy;Новый муниципальный район;Северная область
nv-05;МОУ «Лицей г. Новый»;лицей;novy;Новый муниципальный район;Северная область
st-01;МОУ «СОШ с. Старое»;СОШ;stary;Старый муниципальный округ;Северная область
st-02;МОУ «ООШ д. Лесная»;ООШ;stary;Старый муниципальный округ;Северная область
"""
FLAGGED = {"nv-01": "МОУ «СОШ п. Озёрный»", "nv-02": "МОУ «ООШ с. Ключи»"}


def results_csv() -> bytes:
    """Two years of school results: in 2022/23 two schools have ≥ 30 % «2» in two ФИОКО
    procedures (the list for 2023/24), a third has 25 % in two (it enters at a 20 % threshold)."""
    share_2023 = {"nv-01": 10, "nv-02": 8, "nv-03": 5, "nv-04": 1, "nv-05": 0}
    rows = ["school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"]
    for code, twos in share_2023.items():
        for assessment, subject, grade in [("ВПР", "math", 5), ("ОГЭ", "rus", 9)]:
            rows.append(f"{code},2023,{assessment},{subject},{grade},20,{twos},6,4,{10 - twos}")
            rows.append(f"{code},2022,{assessment},{subject},{grade},20,1,9,5,5")
    return ("\n".join(rows) + "\n").encode()


def shot(page, name):
    """The step at 1366 px and again on a phone (390 px), where nothing may scroll sideways and
    no button may touch another or the box below it."""
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    crowded = touching(page)
    page.set_viewport_size(desktop)
    assert width <= PHONE["width"], (name, width)
    assert crowded == [], (name, crowded)


def last_link() -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def accept(browser, live_server, link, name):
    """The invited person opens the one-time link, sets a password and is logged straight in."""
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    assert "Добро пожаловать" in page.content()
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    shot(page, name)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_a_region_starts_from_nothing_and_a_coordinator_walks_her_year(
    browser, live_server, reference_data, tmp_path
):
    # 1. Console: the region, its registry, its first operator.
    call_command(
        "create_region",
        "Северная область",
        "--municipality",
        "novy",
        "Новый муниципальный район",
        "--municipality",
        "stary",
        "Старый муниципальный округ",
    )
    registry = tmp_path / "reestr.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    call_command("import_schools", str(registry))
    call_command(
        "invite",
        "ivanova@minobr.example",
        "--role",
        "region",
        "--region",
        "Северная область",
        "--name",
        "Иванова Мария Петровна",
        "--site-url",
        live_server.url,
    )
    operator = accept(browser, live_server, last_link(), "01-operator-accepts")
    assert "Региональный оператор" in operator.inner_text("header")

    # The operator invites the coordinator of the first municipality on «Пользователи».
    operator.click("header >> text=Пользователи")
    operator.click("text=Пригласить пользователя")
    operator.fill("#id_last_name", "Петрова")
    operator.fill("#id_first_name", "Анна Сергеевна")
    operator.fill("#id_email", "petrova@novy.example")
    operator.select_option("#id_role", label="Муниципальный координатор")
    operator.select_option("#id_municipality", label="Новый муниципальный район")
    shot(operator, "02-operator-invites")
    operator.click("main button[type=submit]")
    assert "petrova@novy.example" in operator.inner_text("main")
    page = accept(browser, live_server, last_link(), "03-coordinator-accepts")
    assert "Новый муниципальный район" in page.inner_text("header")

    # 2. Results, two years, uploaded on the site.
    page.click("nav.main-nav >> text=Результаты")
    page.click("text=Загрузить результаты")
    page.set_input_files(
        "#id_file", files=[{"name": "vpr.csv", "mimeType": "text/csv", "buffer": results_csv()}]
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/results/import/*/")
    page.wait_for_selector("#import-preview")  # the preview first; «Загрузить» loads
    page.click("#import-job button >> text=Загрузить")
    page.wait_for_selector("#import-job[data-status=done]")
    assert "Файл загружен." in page.inner_text("#import-job")
    shot(page, "04-results-loaded")

    # 3. Identification for 2023/24 by the ФИОКО rule, then the what-if at a lower threshold.
    page.click("nav.main-nav >> text=Выявление")
    page.select_option("#id_rule_set", label="ШНОР: критерии ФИОКО (доля «2» ≥ 30 %) (версия 1)")
    page.fill("#id_year", "2024")
    page.click("#run-form button:has-text('Запустить')")
    page.wait_for_url("**/identification/runs/*/")
    run_url = page.url
    verdicts = page.inner_text("#verdicts")
    shot(page, "05-identification-run")
    assert "черновик, не утверждён" in page.inner_text("main")

    page.click("nav.main-nav >> text=Выявление")
    page.select_option("#id_rule_set", label="ШНОР: критерии ФИОКО (доля «2» ≥ 30 %) (версия 1)")
    page.fill("#id_year", "2024")
    page.click("#run-form button:has-text('Попробовать другие параметры')")
    page.fill("#id_threshold", "20")
    page.click("#try-form button[name=preview]")
    difference = page.inner_text("#difference")
    shot(page, "06-what-if")
    assert "МОУ «СОШ с. Берёзовка»" in difference and "войдёт в список" in difference
    # Saved as her own variant, it makes a second run: a draft, which nothing may count.
    page.click("#try-form button[name=save]")
    page.wait_for_url("**/identification/runs/*/")
    assert "черновик, не утверждён" in page.inner_text("main")
    assert "МОУ «СОШ с. Берёзовка»" in page.inner_text("#verdicts")

    # Nothing is approved yet: the dashboard counts no ШНОР and names the drafts as such.
    page.goto("/monitoring/novy/?year=2024")
    categories = page.inner_text("#categories")
    assert "в ШНОР: 0" in categories and "Утверждённого списка ШНОР на 2023/24 нет" in categories
    assert categories.count("черновик, не утверждён") == 2

    # 4. The order, then the list of the ФИОКО run approved by it.
    page.goto(run_url)
    for name in FLAGGED.values():
        assert name in verdicts
    page.click("text=Добавьте приказ")
    page.fill("#id_issuer", "Управление образования Нового муниципального района")
    page.fill("#id_number", "12")
    page.fill("#id_date", "2023-09-01")
    page.fill("#id_title", "Об утверждении списка ШНОР на 2023/24 учебный год")
    page.click("main button[type=submit]")
    assert "Приказ от 01.09.2023 № 12 сохранён." in page.inner_text("main")
    page.goto(run_url)
    page.select_option("#id_order", label="от 01.09.2023 № 12")
    page.click("#approve-form button")
    assert "Список утверждён." in page.inner_text("main")
    shot(page, "07-list-approved")
    approved = {
        row.locator("td").first.inner_text().splitlines()[0]
        for row in page.locator("#verdicts tbody tr").all()
        if row.locator(".flag.yes").count() == 1
    }
    assert approved == set(FLAGGED.values())

    # 5. A roadmap from the template shaped like seed 004's.
    page.click("nav.main-nav >> text=Программы")
    page.click("text=Создать программу")
    page.select_option("#id_template", label="Дорожная карта поддержки ШНОР (как в г. Свободном)")
    page.select_option("#id_kind", label="дорожная карта")
    page.fill("#id_name", "Дорожная карта поддержки ШНОР на 2023-2025 годы")
    page.fill("#id_start_year", "2023")
    page.fill("#id_end_year", "2025")
    shot(page, "08-program-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/programs/*/")
    assert "Дорожная карта поддержки ШНОР на 2023-2025 годы" in page.inner_text("h1")
    shot(page, "09-program")

    # 6. The working group, a member, a meeting with an agenda item and a decision.
    page.click("nav.main-nav >> text=Рабочая группа")
    page.click("text=Создать рабочую группу")
    page.fill("#id_name", "рабочая группа муниципальной команды Нового района")
    page.fill("#id_issuer", "Управление образования Нового муниципального района")
    page.fill("#id_protocol_heading", "Заседания рабочей группы Нового района")
    page.click("main form button[type=submit]")
    page.click("text=Добавить члена группы")
    page.fill("#id_name", "Петрова А.С.")
    page.fill("#id_position", "муниципальный координатор")
    page.select_option("#id_role", "head")
    page.click("main form button[type=submit]")
    assert "Петрова А.С." in page.inner_text("main")
    page.click("text=Новое заседание")
    page.fill("#id_date", "2023-09-15")
    page.fill("#id_time", "10:00")
    page.fill("#id_place", "Управление образования, каб. 3")
    page.click("#meetings-form button[type=submit]")
    assert page.inner_text("h1") == "Заседание №1 от 15.09.2023"
    page.click("text=Добавить вопрос повестки")
    page.fill("#id_title", "О списке ШНОР на 2023/24 учебный год")
    page.fill("#id_heard_speaker", "муниципального координатора Петрову А.С.")
    page.fill("#id_heard_summary", "о школах с низкими результатами")
    page.select_option("#id_vote_kind", "unanimous")
    page.click("#meetings-form button[type=submit]")
    page.click("#item-1 >> text=Добавить решение")
    page.fill("#id_text", "Разработать программы перехода школ в эффективный режим")
    page.select_option("#id_owner_member", label="Петрова А.С.")
    page.fill("#id_deadline_text", "до 01.11.2023")
    page.click("#meetings-form button[type=submit]")
    assert "Разработать программы" in page.inner_text("#item-1 .decisions")
    shot(page, "10-meeting")

    # 7. A monitoring campaign from the municipality's dashboard.
    page.goto("/monitoring/novy/?year=2024")
    page.click("text=Новая кампания")
    page.fill("#id_title", "Информационный запрос о работе со ШНОР")
    page.select_option("#id_kind", "request")
    page.fill("#id_year", "2024")
    page.fill("#id_measured_on", "2023-12-01")
    page.fill("#id_opens_on", "2023-12-01")
    page.fill("#id_deadline", "2023-12-20")
    page.fill("#id_questions", "Какие меры поддержки приняты?")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/monitoring/campaigns/*/")
    shot(page, "11-campaign")

    # 8. The annual report, published.
    page.goto("/monitoring/novy/report/2024/")
    page.click("text=Опубликовать на открытой странице")
    assert "опубликован" in page.inner_text("#published")
    report = page.inner_text("#report")
    shot(page, "12-report")

    # 9. The list, the dashboard, the report and the public page name the same schools; the
    # draft run of the saved variant (three schools) counts nowhere.
    sentence = re.search(r"приказом от 01\.09\.2023 № 12: (.*?)\.(?: Черновики|\n|$)", report)
    assert set(sentence.group(1).split(", ")) == approved
    page.goto("/monitoring/novy/?year=2024")
    shot(page, "13-dashboard")
    on_dashboard = set(page.locator("#categories .approved-list li").all_inner_texts())
    assert on_dashboard == approved
    assert "в ШНОР: 2" in page.inner_text("#categories")
    assert "МОУ «СОШ с. Берёзовка»" not in page.inner_text("#categories")

    public = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    visitor = public.new_page()
    visitor.goto("/public/novy/")
    shot(visitor, "14-public")
    on_public = set(visitor.locator("#lists li").all_inner_texts())
    assert on_public == approved
    assert "МОУ «СОШ с. Берёзовка»" not in visitor.inner_text("main")
    assert visitor.locator("#reports li").count() == 1  # the published report
    public.close()
