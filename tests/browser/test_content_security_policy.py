"""Under the Content-Security-Policy the pages' own scripts still run in a real browser; the
`page` fixture fails a story in which the browser reports a refused script or style."""

import pytest

from opora.assessments.services import result_import
from tests.conftest import PASSWORD

RESULTS = """school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5
a1,2023,ВПР,math,5,26,9,10,5,2
a1,2024,ВПР,math,5,25,5,10,8,2
"""

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_work_under_the_policy(page):
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="Опора API").wait_for()
    assert page.locator(".opblock").count() > 10  # the operations are listed from the schema


def test_the_year_filter_shows_the_chosen_year_at_once(page, cast):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "coordinator_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/monitoring/mun-a/?year=2023")
    with page.expect_navigation():
        page.select_option("main select[name=year]", "2024")
    assert page.url.endswith("?year=2024")
