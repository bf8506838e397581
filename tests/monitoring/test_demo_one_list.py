"""The demo walked as in issue 18: Pirovskoe approves its 2022/23 list by order, and the
dashboard, the annual report and the public page then name the same schools; a school's
verdict reads the same in every section of a report."""

import datetime

from opora.accounts.models import User
from opora.demo.services import DEMO_PASSWORD
from opora.identification.models import IdentificationRun
from opora.identification.services import identification_approve
from opora.monitoring.public import public_page
from opora.monitoring.report import build
from opora.monitoring.report_data import report_data
from opora.programs.models import Order
from opora.registry.models import Municipality
from opora.registry.years import academic_year_label
from tests.monitoring.test_one_list import dashboard_schools


def approve_pirovskoe_list():
    """As the run page does: the coordinator approves the demo's draft list of ШНОР by order.
    The demo also holds a draft clustering of the same year, which stays a draft."""
    municipality = Municipality.objects.select_related("region").get(code="pirovskoe")
    coordinator = User.objects.get(username="coord_pirovskoe")
    run = IdentificationRun.objects.get(municipality=municipality, rule_set__code="shnor-fioco")
    order = Order.objects.create(
        region=municipality.region, municipality=municipality, issuer="Управление образования",
        number="31", date=datetime.date(run.year - 1, 9, 1), title="Об утверждении перечня ШНОР",
    )  # fmt: skip
    identification_approve(user=coordinator, run=run, order=order)
    return municipality, run.year, {v.school.short_name for v in run.verdicts.filter(flagged=True)}


def test_the_approved_pirovskoe_list_is_the_list_everywhere(client, demo, db):
    municipality, year, approved = approve_pirovskoe_list()
    assert len(approved) == 7  # the rule's schools on the demo's data

    client.login(username="coord_pirovskoe", password=DEMO_PASSWORD)
    names, count, page = dashboard_schools(client, municipality, year)
    assert (names, count) == (approved, len(approved))
    assert "Школы с низкими результатами обучения" not in page  # the clustering is a draft
    assert "черновик, не утверждён" in page

    data = report_data(municipality=municipality, year=year)
    short = {s.code: s.short_name for s in data.schools}
    assert {short[c] for c in data.shnor} == approved
    blocks = build(data)
    (exits,) = [b for b in blocks if getattr(b, "title", "") == "Школы в списках ШНОР"]
    label = academic_year_label(year)
    assert {row[0] for row in exits.rows if f"{label}: да" in row[2]} == approved
    assert "ШНОР" in data.dynamics.group_names
    assert not any("Школы с низкими результатами обучения" in str(b) for b in blocks)
    (fair,) = [
        b for b in blocks if getattr(b, "title", "") == "Изменения относительно похожих школ"
    ]
    assert {row[0] for row in fair.rows} <= approved  # the list's schools, judged
    assert_one_verdict_per_school(data, blocks)

    public = {
        v.school.short_name
        for run, verdicts in public_page(code="pirovskoe").lists
        if run.year == year
        for v in verdicts
    }
    assert public == approved


def assert_one_verdict_per_school(data, blocks):
    """Every school the comparison with similar schools names reads there the verdicts the
    section on effectiveness gives it, and no verdict of its own."""
    tables = {b.title: b for b in blocks if b.kind == "table"}
    measures: dict[str, list[str]] = {}
    for number in range(1, len(data.measures) + 1):
        (table,) = [t for title, t in tables.items() if title.startswith(f"Мера {number}:")]
        for school, verdict, *_ in table.rows:
            measures.setdefault(school, []).append(f"мера {number}: {verdict}")
    fair = tables.get("Изменения относительно похожих школ")
    for school, comparison, judged, _ in fair.rows if fair else []:
        assert comparison not in ("эффективно", "неэффективно")
        assert judged == "; ".join(measures.get(school, ["меры не оценивались"]))
    return fair.rows if fair else []


def test_a_school_reads_one_verdict_in_every_section(demo, db):
    """Seed 000's Бартеневка: «неэффективно» beside similar schools and «эффективно» for a
    measure was the contradiction; the comparison now repeats the measures' verdicts."""
    municipality = Municipality.objects.get(code="ivanteevka")
    data = report_data(municipality=municipality, year=2023)
    fair = assert_one_verdict_per_school(data, build(data))
    assert "СОШ с. Бартеневка" in {row[0] for row in fair}
