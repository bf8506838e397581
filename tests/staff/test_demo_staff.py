"""The staff demo: seed 000's students at risk and Бартеневка's 65+ share come out of the data,
the demo teachers are labelled, and a second load changes nothing."""

import pytest
from django.urls import reverse

from opora.demo.staff import staff_demo_load
from opora.registry.models import ContextValue, School
from opora.staff import indicators
from opora.staff.models import AtRiskFigure, Diagnostic, Route, Teacher

pytestmark = pytest.mark.django_db


def test_demo_staff_gives_the_seed_figures_and_loads_once(demo, client):
    counts = (Teacher.objects.count(), Diagnostic.objects.count(), Route.objects.count())
    assert counts == (49, 22, 10)
    assert not Teacher.objects.filter(is_demo=False).exists()

    yablonovy = School.objects.get(code="ivanteevka-05")
    shares = indicators.students_at_risk(school_ids=[yablonovy.pk], year=2022)
    assert shares == {yablonovy.pk: (12.0, 91.0)}  # seed 000: 13 % of 91
    assert AtRiskFigure.objects.filter(improved__isnull=False).count() == 0

    barteneva = ContextValue.objects.get(
        school__code="ivanteevka-01",
        indicator__code="teachers_65plus",
        year=2024,  # the year Ивантеевка's demo stands in (opora/demo/now.py)
    )
    assert barteneva.number == 10.5  # seed 000: 10,5 %
    seed_value = ContextValue.objects.get(
        school__code="ivanteevka-01", indicator__code="teachers_two_rates", year=2023
    )
    assert float(seed_value.number) == 0.06  # the document's figure stays as written

    staff_demo_load()
    assert (Teacher.objects.count(), Diagnostic.objects.count(), Route.objects.count()) == counts

    client.login(username="methodist_pirovskoe", password="opora-demo")
    response = client.get(reverse("staff:deficits"))
    assert response.context["year"] == 2023
    assert [s.short_name for s, _ in response.context["matrix"].rows] == [
        "Икшурминская СШ",
        "Троицкая СШ",
    ]
