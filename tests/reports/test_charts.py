"""Charts draw names as they are written: a school or a municipality whose name holds dollar
signs is shown with its dollar signs, never read as matplotlib's math."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.assessments.models import Assessment, SchoolResult, Subject
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.monitoring import services
from opora.monitoring.report import build
from opora.monitoring.report_data import report_data
from opora.programs.models import Order
from opora.reports import charts
from tests.conftest import PASSWORD

SCHOOL = "СОШ $x^2$ № 1"  # valid math: it was drawn as «СОШ x²» with the dollars gone
MUNICIPALITY = "Район $_$"  # not valid math: it broke every chart that named it


def svg_texts(svg: str) -> set[str]:
    """What the SVG shows as text (matplotlib also copies each text into a comment)."""
    root = ET.fromstring(svg)
    return {"".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")}


def test_bars_chart_shows_names_with_dollars_in_labels_legend_and_title():
    figure = charts.bars_chart(
        labels=[SCHOOL, MUNICIPALITY],
        series={SCHOOL: [10.0, 20.0], MUNICIPALITY: [None, 5.0]},
        title=f"Качество знаний, %: {MUNICIPALITY}",
    )
    texts = svg_texts(charts.svg(figure))
    assert {SCHOOL, MUNICIPALITY, f"Качество знаний, %: {MUNICIPALITY}"} <= texts


def test_a_cached_chart_shows_names_with_dollars():
    svg = charts.cached_svg(
        charts.bars_chart, labels=[MUNICIPALITY], series={"2023": [1.0]}, title="t"
    )
    assert MUNICIPALITY in svg_texts(svg)


def result(school, subject, year, marks):
    subject_obj, _ = Subject.objects.get_or_create(code=subject, defaults={"name": subject})
    assessment, _ = Assessment.objects.get_or_create(kind="VPR", subject=subject_obj, grade=5)
    SchoolResult.objects.create(
        school=school, assessment=assessment, year=year, participants=sum(marks),
        mark_2=marks[0], mark_3=marks[1], mark_4=marks[2], mark_5=marks[3],
    )  # fmt: skip


@pytest.fixture
def named_with_dollars(municipality_a, school_a1, school_a2, coordinator_a):
    municipality_a.name = MUNICIPALITY
    municipality_a.save()
    school_a1.short_name = SCHOOL
    school_a1.save()
    for school in (school_a1, school_a2):
        result(school, "math", 2022, [3, 4, 2, 1])
        result(school, "math", 2023, [1, 5, 3, 1])
    rule_set = RuleSet.objects.create(
        code="t", title="ШНОР", kind="low_results", category="ШНОР", params={}
    )
    run = IdentificationRun.objects.create(
        rule_set=rule_set,
        year=2023,
        region=municipality_a.region,
        municipality=municipality_a,
        params={},
        inputs={},
        schools_count=2,
        flagged_count=1,
        status="approved",
        approved_at=timezone.now(),
        order=Order.objects.create(
            region=municipality_a.region,
            issuer="Министерство",
            number="1",
            date=datetime.date(2022, 9, 1),
            title="Об утверждении перечня ШНОР",
        ),
    )  # only an approved list names the schools of ШНОР in the report
    Verdict.objects.create(run=run, school=school_a1, flagged=True, reasons=["доля «2»"])
    return services.report_open(user=coordinator_a, municipality=municipality_a, year=2023)


def test_every_chart_page_draws_names_with_dollars(client, named_with_dollars, region_operator):
    client.login(username="coordinator_a", password=PASSWORD)
    for name in ("dashboard", "dynamics"):  # the groups' legend; the schools' labels
        page = client.get(reverse(f"monitoring:{name}", args=["mun-a"]), {"year": 2023})
        assert page.status_code == 200, name
    assert f">{SCHOOL}</text>" in page.content.decode()
    page = client.get(reverse("monitoring:report_page", args=["mun-a", 2023]))
    assert page.status_code == 200 and f">{SCHOOL}</text>" in page.content.decode()
    page = client.get(reverse("assessments:school_results", args=["a1"]))
    assert page.status_code == 200
    client.login(username="region_operator", password=PASSWORD)
    page = client.get(reverse("monitoring:region_dashboard"))
    assert page.status_code == 200 and f">{MUNICIPALITY}</text>" in page.content.decode()


def test_the_report_files_draw_names_with_dollars(named_with_dollars):
    blocks = build(
        report_data(
            municipality=named_with_dollars.municipality, year=2023, report=named_with_dollars
        )
    )
    chart = next(b for b in blocks if b.kind == "chart")
    assert SCHOOL in svg_texts(chart.svg())


def _legend_and_axes(figure):
    figure.canvas.draw()  # sizes and places every text, as saving does
    legends = figure.legends or [a.get_legend() for a in figure.axes if a.get_legend()]
    return legends[0].get_window_extent(), figure.axes[0].get_window_extent()


def test_bars_chart_legend_stays_outside_the_bars():
    # Failed before: the legend sat in the lower right corner of the axes, over the last bars.
    figure = charts.bars_chart(
        labels=["СОШ № 1", "СОШ № 2", "СОШ № 3"],
        series={"2022/23": [90.0, 95.0, 99.0], "2023/24": [91.0, 96.0, 99.5]},
        title="Успеваемость, %",
    )
    legend, axes = _legend_and_axes(figure)
    assert legend.y1 <= axes.y0, (legend, axes)


def test_targets_chart_legend_stays_outside_the_lines():
    # Failed before: «best» put the legend inside the axes, over points when they filled it.
    figure = charts.targets_and_values_chart(
        targets=[(2023, 10.0), (2024, 20.0), (2025, 30.0)],
        measured=[(2023.0, 12.0), (2024.0, 25.0), (2025.0, 31.0)],
    )
    legend, axes = _legend_and_axes(figure)
    assert not legend.overlaps(axes), (legend, axes)


def test_bars_chart_legend_stays_inside_the_figure_after_long_labels():
    # Failed before: the legend started under the bars, right of the labels; after the region's
    # long municipality names its third entry ran off the right edge of the region's chart.
    figure = charts.bars_chart(
        labels=["Сосновский муниципальный округ (пример)", "Ивантеевский муниципальный район"],
        series={
            "школ в ШНОР, %": [20.0, 0.0],
            "показателей достигнуто, %": [None, 0.0],
            "мероприятий выполнено, %": [None, 0.0],
        },
        title="Муниципалитеты: ШНОР, показатели, дорожные карты",
    )
    legend, _ = _legend_and_axes(figure)
    assert legend.x1 <= figure.bbox.x1, (legend, figure.bbox)
