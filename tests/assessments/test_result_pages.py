"""Result pages: a school's results by assessment and year with charts, and the table of
schools × assessments with the change from the previous year."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.assessments.models import SchoolResult
from opora.assessments.services import result_import
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
RESULTS = f"""{HEADER}
a1,2022,ВПР,math,5,20,2,8,6,4
a1,2023,ВПР,math,5,26,9,10,5,2
a2,2023,ВПР,math,5,30,0,10,10,10
b1,2023,ВПР,math,5,10,5,3,1,1
"""


@pytest.fixture
def results(cast, school_a1, school_a2, school_b1):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)


def test_model_and_frame_derive_the_same_shares(results):
    from opora.assessments.metrics import with_metrics
    from opora.assessments.selectors import results_frame
    from opora.registry.models import School

    frame = with_metrics(results_frame(schools=School.objects.filter(code="a1")))
    for row in frame.iter_rows(named=True):
        result = SchoolResult.objects.get(school__code="a1", year=row["year"])
        assert row["twos"] == pytest.approx(result.share_of_twos)
        assert row["success"] == pytest.approx(result.success_rate)
        assert row["quality"] == pytest.approx(result.quality_rate)
        assert row["average"] == pytest.approx(result.average_mark)


def test_matrix_shows_the_metric_and_its_change_in_points(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("assessments:results_table"), {"year": 2023, "metric": "twos"})
    columns, rows = response.context["columns"], response.context["rows"]
    assert [c.label for c in columns] == ["ВПР математика 5 кл."]
    cells = {r.school.code: r.cells[0] for r in rows}
    assert set(cells) == {"a1", "a2"}  # b1 is in another municipality
    assert cells["a1"].value == pytest.approx(34.615, abs=1e-3)
    assert cells["a1"].change == pytest.approx(24.615, abs=1e-3)  # from 10 % in 2021/22
    assert cells["a1"].direction == "worse"
    assert cells["a2"].change is None  # no result the year before
    page = response.content.decode()
    assert 'class="num alarm"' in page  # 34.6 % is above the 30 % threshold


def test_quality_rising_is_better(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("assessments:results_table"), {"year": 2023, "metric": "quality"})
    a1 = next(r for r in response.context["rows"] if r.school.code == "a1")
    assert a1.cells[0].change == pytest.approx(26.923 - 50, abs=1e-3)
    assert a1.cells[0].direction == "worse"


def test_school_page_has_a_table_and_charts(client, results):
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.get(reverse("assessments:school_results", args=["a1"]))
    assert response.context["years"] == [2023, 2022]
    page = response.content.decode()
    assert page.count("<svg") == 2
    assert "Качество знаний, %" in page and "Доля «2», %" in page
    assert "9 из 26" in page


def test_school_without_results_says_so(client, results):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("assessments:school_results", args=["a1-f"])).content.decode()
    assert "Результатов оценочных процедур у школы пока нет." in page


def test_upload_page_loads_a_file_and_refuses_a_bad_one(client, cast, school_a1):
    client.login(username="coordinator_a", password=PASSWORD)
    good = SimpleUploadedFile("r.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,3\n".encode())
    response = client.post(reverse("assessments:results_import"), {"file": good}, follow=True)
    assert (
        "Файл r.csv загружен. Строк по школам: 1. Результатов добавлено: 1"
        in response.content.decode()
    )
    bad = SimpleUploadedFile("bad.csv", f"{HEADER}\na1,2023,ВПР,rus,5,10,1,3,3,4\n".encode())
    response = client.post(reverse("assessments:results_import"), {"file": bad})
    assert response.status_code == 400
    assert (
        "строка 2, столбец «participants»: участников 10, а сумма отметок «2»…«5» — 11"
        in response.content.decode()
    )
    assert SchoolResult.objects.count() == 1
