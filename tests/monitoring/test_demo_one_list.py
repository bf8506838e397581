"""The demo walked as in issue 18: Pirovskoe's 2021/22 list, approved by the order seed 003
names, and the dashboard, the annual report and the public page name the same schools; a
school's verdict reads the same in every section of a report."""

from opora.demo.services import DEMO_PASSWORD
from opora.identification.selectors import approved_list
from opora.monitoring.public import public_page
from opora.monitoring.report import build
from opora.monitoring.report_data import report_data
from opora.registry.models import Municipality
from opora.registry.years import academic_year_label
from tests.monitoring.test_one_list import dashboard_schools

LOW_RESULTS_CLUSTER = "Школы с низкими результатами обучения"


def test_the_approved_pirovskoe_list_is_the_list_everywhere(client, demo, db):
    """The demo approves the list by letter МО КК № 75-78 and the clusters by the МППКО (seed
    003); the first cluster is the list of ШНОР, so the dashboard's «в ШНОР» and the cluster
    agree (issue 18 saw 2 against 7 when the clustering was an unapproved run)."""
    municipality = Municipality.objects.get(code="pirovskoe")
    year = 2022
    found = approved_list(municipality=municipality, year=year)
    assert found.shnor_run.order.number == "75-78"
    approved = {v.school.short_name for v in found.members(found.shnor_run)}
    assert len(approved) == 7  # seed 003 §2.2: cluster 1 of seven schools
    _, placed = found.categories()
    cluster = {
        v.school.short_name
        for v in found.verdicts[found.clustering_run.pk]
        if placed[v.school_id][0] == LOW_RESULTS_CLUSTER and v.school.parent_id is None
    }
    assert cluster == approved

    client.login(username="coord_pirovskoe", password=DEMO_PASSWORD)
    names, count, page = dashboard_schools(client, municipality, year)
    assert (names, count) == (approved, len(approved))
    assert "черновик, не утверждён" not in page
    assert f'{LOW_RESULTS_CLUSTER}</a></td><td class="num">7<' in page

    data = report_data(municipality=municipality, year=year)
    short = {s.code: s.short_name for s in data.schools}
    assert {short[c] for c in data.shnor} == approved
    blocks = build(data)
    (exits,) = [b for b in blocks if getattr(b, "title", "") == "Школы в списках ШНОР"]
    label = academic_year_label(year)
    assert {row[0] for row in exits.rows if f"{label}: да" in row[2]} == approved
    assert "ШНОР" in data.dynamics.group_names
    (fair,) = [
        b for b in blocks if getattr(b, "title", "") == "Изменения относительно похожих школ"
    ]
    assert {row[0] for row in fair.rows} <= approved  # the list's schools, judged
    assert_one_verdict_per_school(data, blocks)

    public = {
        run.rule_set.code: {v.school.short_name for v in verdicts}
        for run, verdicts in public_page(code="pirovskoe").lists
        if run.year == year
    }
    assert public["shnor-fioco"] == approved
    assert {"Алтатская ОШ", "Кириковская СШ"} < public["pirovskoe-clusters"]  # clusters 2 and 3


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
