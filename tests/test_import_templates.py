"""Every import offers a blank file, CSV and XLSX, with the Russian header its importer reads:
filled in and loaded back, it is accepted as it is."""

import pytest
from django.urls import reverse

from opora.assessments.models import SchoolResult
from opora.assessments.services import result_import
from opora.import_templates import TEMPLATES
from opora.registry.models import School
from opora.registry.services import school_registry_import
from opora.staff.models import Teacher
from opora.staff.services import teachers_import

pytestmark = pytest.mark.django_db


def download(client, name, suffix):
    answer = client.get(reverse("import_template", args=[name, suffix]))
    assert answer.status_code == 200
    return answer


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_each_template_downloads_with_its_russian_header(client, coordinator_a, suffix):
    client.force_login(coordinator_a)
    answer = download(client, "results-school", suffix)
    assert "filename*=utf-8''" in answer["Content-Disposition"]
    if suffix == "csv":
        header = answer.content.decode("utf-8-sig").splitlines()[0]
        assert header.startswith("Код ОО;Наименование ОО;Учебный год;Процедура;Предмет;Класс")
    for name in TEMPLATES:
        download(client, name, suffix)


def test_unknown_template_or_format_is_not_found(client, coordinator_a):
    client.force_login(coordinator_a)
    assert client.get(reverse("import_template", args=["grades", "csv"])).status_code == 404
    assert client.get(reverse("import_template", args=["registry", "pdf"])).status_code == 404


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_filled_in_templates_load_back(municipality_a, suffix):
    registry = TEMPLATES["registry"].content(suffix)
    school_registry_import(content=registry, filename=f"r.{suffix}", imported_by=None)
    assert School.objects.get(code="pirovskoe-01").fisoko_login == "sch240101"
    for name in ["results-school", "results-student"]:
        result_import(
            content=TEMPLATES[name].content(suffix), filename=f"x.{suffix}", imported_by=None
        )
    assert SchoolResult.objects.count() == 1
    teachers = TEMPLATES["teachers"].content(suffix)
    teachers_import(content=teachers, filename=f"t.{suffix}", imported_by=None)
    assert Teacher.objects.get().full_name == "Абрамова Елена Викторовна"


def test_upload_pages_link_their_templates(client, coordinator_a):
    client.force_login(coordinator_a)
    for page, name in [
        ("assessments:results_import", "results-school"),
        ("registry:registry_import", "registry"),
        ("staff:teachers_import", "teachers"),
    ]:
        content = client.get(reverse(page)).content.decode()
        assert reverse("import_template", args=[name, "xlsx"]) in content
        assert reverse("import_template", args=[name, "csv"]) in content
