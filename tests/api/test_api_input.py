"""Malformed values in a request are answered 4xx in Russian, naming the field; per-school
values carry their school."""

import datetime

import pytest

from opora.programs.models import Indicator, IndicatorValue, Program
from tests.api.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url,loc,message",
    [
        ("/api/v1/results?year=²", ["query", "year"], "«year»: ожидается целое число"),
        ("/api/v1/results?year=-1", ["query", "year"], "«year»: не меньше 1990"),
        (f"/api/v1/results?year={'9' * 20}", ["query", "year"], "«year»: не больше 2100"),
        ("/api/v1/identification/runs?year=²", ["query", "year"], "«year»: ожидается целое"),
        ("/api/v1/schools?limit=0", ["query", "limit"], "«limit»: не меньше 1"),
        ("/api/v1/schools?offset=-3", ["query", "offset"], "«offset»: не меньше 0"),
        (f"/api/v1/programs/{'9' * 20}", ["path", "program_id"], "«program_id»: не больше"),
        ("/api/v1/programs/²", ["path", "program_id"], "«program_id»: ожидается целое"),
        ("/api/v1/decisions?state=late", ["query", "state"], "«state»: допустимые значения"),
        ("/api/v1/results?school=a%001", ["query", "school"], "«school»: недопустимые символы"),
        (
            "/api/v1/identification/runs/1/verdicts?flagged=может",
            ["query", "flagged"],
            "«flagged»: ожидается true или false",
        ),
    ],
)
def test_a_malformed_query_value_is_named_in_russian(client, cast, url, loc, message):
    response = client.get(url, **bearer(cast["coordinator_a"]))
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == loc
    assert problem["msg"].startswith(f"Поле {message}"), problem["msg"]


def test_a_malformed_body_value_is_named_in_russian(client, cast, municipality_a):
    program = Program.objects.create(
        municipality=municipality_a, level="municipal", kind="roadmap", name="Карта"
    )
    indicator = Indicator.objects.create(program=program, number="1", name="Доля", unit="percent")
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/values",
        {"measured_on": "31.02.2024", "value": ""},
        content_type="application/json",
        **bearer(cast["coordinator_a"]),
    )
    assert response.status_code == 422
    assert {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]} == {
        ("body", "payload", "measured_on"): "Поле «measured_on»: ожидается дата ГГГГ-ММ-ДД.",
        ("body", "payload", "value"): "Поле «value»: не короче 1 символов.",
    }


def test_a_body_that_is_not_json_is_refused_in_russian(client, cast):
    response = client.post(
        "/api/v1/indicators/1/values",
        "{measured_on:",
        content_type="application/json",
        **bearer(cast["coordinator_a"]),
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Тело запроса не разобрать: ожидается JSON."}


def test_a_value_of_a_per_school_indicator_shows_its_school(
    client, cast, municipality_a, school_a1
):
    """An indicator «одна школа» keeps its values without a school of their own: they are the
    indicator's school's."""
    program = Program.objects.create(
        municipality=municipality_a, level="municipal", kind="roadmap", name="Карта"
    )
    own = Indicator.objects.create(
        program=program, number="3.3", name="Доля", unit="percent", scope="school", school=school_a1
    )
    each = Indicator.objects.create(
        program=program, number="1", name="Доля", unit="percent", scope="each_school"
    )
    whole = Indicator.objects.create(program=program, number="2", name="Доля", unit="percent")
    on = datetime.date(2024, 1, 10)
    IndicatorValue.objects.create(indicator=own, measured_on=on, value="11")
    IndicatorValue.objects.create(indicator=each, measured_on=on, value="12", school=school_a1)
    IndicatorValue.objects.create(indicator=whole, measured_on=on, value="13")
    headers = bearer(cast["coordinator_a"])

    def school_of(indicator):
        (value,) = client.get(f"/api/v1/indicators/{indicator.pk}/values", **headers).json()[
            "items"
        ]
        return value["school"]

    assert (school_of(own), school_of(each), school_of(whole)) == ("a1", "a1", None)
