"""The risk-group pages and the fair-change block: who may compute, see and export them."""

import pytest
from django.urls import reverse

from opora.assessments.services import result_import
from opora.identification.models import RuleSet, WarningRun
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5"
# a1 hit the threshold once in 2022/23 (3 of 10): the risk group for 2024/25 names it.
# a2 is steady and far from the threshold; b1 (another municipality) is like a1.
RESULTS = f"""{HEADER}
a1,2022,ВПР,math,5,10,1,5,3,1
a1,2023,ВПР,math,5,10,3,4,2,1
a2,2022,ВПР,math,5,60,2,20,30,8
a2,2023,ВПР,math,5,60,1,20,30,9
b1,2022,ВПР,math,5,12,1,6,4,1
b1,2023,ВПР,math,5,12,4,4,3,1
"""


@pytest.fixture
def results(cast, school_a1, school_a2, school_b1):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


def _compute(client, municipality=""):
    rule_set = RuleSet.objects.get(code="shnor-fioco", version=1)
    return client.post(
        reverse("identification:risk_group"),
        {"rule_set": rule_set.pk, "year": 2024, "municipality": municipality},
    )


def test_region_computes_the_risk_group_and_filters_by_municipality(client, results, cast):
    _login(client, cast["region_operator"])
    response = _compute(client)
    run = WarningRun.objects.get()
    assert response.url == reverse("identification:risk_group_run", args=[run.pk])
    assert run.warned_count == 2 and run.params["warning"]["min_probability"] == 0.3
    page = client.get(response.url).content.decode()
    assert "Группа риска на 2024/25 учебный год" in page
    assert "СОШ с. Альфа" in page and "ООШ с. Вторая" in page
    assert "Гимназия г. Альфа" not in page
    assert "по критерию «2 года подряд»" in page
    only_a = client.get(response.url, {"municipality": "mun-a"}).content.decode()
    assert "СОШ с. Альфа" in only_a and "ООШ с. Вторая" not in only_a


def test_coordinator_computes_for_own_municipality_only(client, results, cast):
    _login(client, cast["coordinator_a"])
    assert _compute(client, "mun-a").status_code == 302
    refused = _compute(client, "mun-b")  # not a territory the form offers
    assert (
        refused.status_code == 200
        and "mun-b" not in refused.context["form"].fields["municipality"].choices[0]
    )
    assert WarningRun.objects.get().municipality.code == "mun-a"


def test_export_in_csv_and_xlsx(client, results, cast):
    _login(client, cast["region_operator"])
    _compute(client)
    run = WarningRun.objects.get()
    csv = client.get(reverse("identification:risk_group_export", args=[run.pk, "csv"]))
    text = csv.content.decode("utf-8-sig")
    assert (
        text.splitlines()[0]
        == "place;school_code;school_name;municipality;probability_percent;reasons"
    )
    assert ";a1;СОШ с. Альфа;Район А;" in text
    xlsx = client.get(reverse("identification:risk_group_export", args=[run.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert (
        client.get(reverse("identification:risk_group_export", args=[run.pk, "pdf"])).status_code
        == 404
    )


def test_outsiders_get_404_and_viewers_see_only_their_schools(client, results, cast):
    _login(client, cast["coordinator_a"])
    _compute(client, "mun-a")
    run = WarningRun.objects.get()
    url = reverse("identification:risk_group_run", args=[run.pk])
    for outsider in ("coordinator_b", "observer_b"):
        client.logout()
        _login(client, cast[outsider])
        assert client.get(url).status_code == 404
        assert (
            client.get(
                reverse("identification:risk_group_export", args=[run.pk, "csv"])
            ).status_code
            == 404
        )
    client.logout()
    _login(client, cast["methodist_a"])
    page = client.get(reverse("identification:risk_group")).content.decode()
    assert 'id="warning-form"' not in page  # may read, not compute
    assert client.get(url).status_code == 200
    assert client.post(reverse("identification:risk_group"), {}).status_code == 403
    assert not WarningRun.objects.exclude(pk=run.pk).exists()


def test_index_links_to_the_risk_group(client, results, cast):
    _login(client, cast["region_operator"])
    page = client.get(reverse("identification:index")).content.decode()
    assert reverse("identification:risk_group") in page


def test_fair_change_beside_the_raw_results(client, results, cast):
    _login(client, cast["school_team_a1"])
    page = client.get(reverse("assessments:school_results", args=["a1"])).content.decode()
    assert "Изменение относительно похожих школ, 2021/22 → 2022/23" in page
    assert reverse("identification:school_fair_change", args=["a1"]) in page
    detail = client.get(reverse("identification:school_fair_change", args=["a1"]))
    text = detail.content.decode()
    assert "доля «2»: 10,0 % → 30,0 % (+20,0 п. п.; участников 10 и 10" in text
    # A school team sees its peers only as a count, never by name.
    assert "Гимназия г. Альфа" not in text and "ещё 2 учтены только в общей сумме" in text


def test_fair_change_of_another_school_is_404(client, results, cast):
    _login(client, cast["school_team_a1"])
    assert client.get(reverse("identification:school_fair_change", args=["b1"])).status_code == 404
    client.logout()
    _login(client, cast["coordinator_b"])
    assert client.get(reverse("identification:school_fair_change", args=["a1"])).status_code == 404


def test_school_without_two_years_is_told_so(client, cast, school_a1):
    _login(client, cast["region_operator"])
    page = client.get(reverse("identification:school_fair_change", args=["a1"])).content.decode()
    assert "Для сравнения нужны результаты школы за два года подряд" in page
