"""The annual report against its data, its files, the coordinator's conclusions, and the
public page that shows only what is approved or published."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from docx import Document as WordDocument

from opora.assessments.models import Assessment, SchoolResult, Subject
from opora.identification.models import IdentificationRun, RuleSet, Verdict
from opora.identification.services import identification_approve
from opora.monitoring import documents, services
from opora.monitoring.models import AnnualReport, EffectivenessRule
from opora.monitoring.report import build
from opora.monitoring.report_blocks import tables
from opora.monitoring.report_data import report_data
from opora.programs.models import Order, Program
from opora.reports.documents import export_document
from tests.conftest import PASSWORD


def result(school, kind, subject, grade, year, marks):
    subject_obj, _ = Subject.objects.get_or_create(code=subject, defaults={"name": subject})
    assessment, _ = Assessment.objects.get_or_create(kind=kind, subject=subject_obj, grade=grade)
    SchoolResult.objects.create(
        school=school, assessment=assessment, year=year, participants=sum(marks),
        mark_2=marks[0], mark_3=marks[1], mark_4=marks[2], mark_5=marks[3],
    )  # fmt: skip


@pytest.fixture
def data(municipality_a, school_a1, school_a2, school_b1, coordinator_a):
    # A1: доля «2» 3/10 → 1/10 in ВПР math 5 and 2/10 → 1/10 in ОГЭ rus. A2 steady.
    result(school_a1, "VPR", "math", 5, 2022, [3, 4, 2, 1])
    result(school_a1, "VPR", "math", 5, 2023, [1, 5, 3, 1])
    result(school_a1, "OGE", "rus", 9, 2022, [2, 5, 2, 1])
    result(school_a1, "OGE", "rus", 9, 2023, [1, 5, 3, 1])
    result(school_a2, "VPR", "math", 5, 2022, [0, 10, 20, 10])
    result(school_a2, "VPR", "math", 5, 2023, [0, 10, 20, 10])
    result(school_b1, "VPR", "math", 5, 2023, [5, 5, 0, 0])  # the region, not the municipality
    rule_set = RuleSet.objects.create(
        code="t", title="ШНОР", kind="low_results", category="ШНОР", params={}
    )
    run = IdentificationRun.objects.create(
        rule_set=rule_set, year=2023, region=municipality_a.region, municipality=municipality_a,
        params={"threshold": 0.3}, inputs={"years": [2022]}, schools_count=2, flagged_count=1,
    )  # fmt: skip
    Verdict.objects.create(run=run, school=school_a1, flagged=True, reasons=["доля «2»"])
    Verdict.objects.create(run=run, school=school_a2, flagged=False, reasons=[])
    order = Order.objects.create(
        region=municipality_a.region, municipality=municipality_a, issuer="Управление",
        number="5", date=datetime.date(2022, 9, 1), title="Об утверждении списка ШНОР",
    )  # fmt: skip
    identification_approve(user=coordinator_a, run=run, order=order)  # only an approved list counts
    measure = services.measure_save(
        user=coordinator_a, municipality=municipality_a, year=2023, text="Куратор для ШНОР",
        track="Трек 1", schools=[school_a1], indicators=[],
        rule=EffectivenessRule.objects.get(code="twos-fell"), conclusion="Куратор помог.",
    )  # fmt: skip
    report = services.report_open(user=coordinator_a, municipality=municipality_a, year=2023)
    return {"run": run, "measure": measure, "report": report}


def tables_by_title(report):
    blocks = build(report_data(municipality=report.municipality, year=report.year, report=report))
    return {t.title: t for t in tables(blocks)}, blocks


def test_dynamics_table_carries_the_figures_of_the_data(data):
    tables, _ = tables_by_title(data["report"])
    vpr = tables["ВПР математика 5 кл."]
    rows = {row[0]: row for row in vpr.rows}
    # A1: 1 of 10 «2» (was 3 of 10), quality 40 % (was 30 %).
    assert rows["СОШ с. Альфа"][1:5] == [10, "10,0 (−20,0)", "90,0 (+20,0)", "40,0 (+10,0)"]
    # The municipality pools 50 pupils: 1 «2» → 2,0 %; the region adds B1's 5 of 10.
    assert rows["Район А"][2] == "2,0 (−4,0)"
    assert rows["Тестовая область"][2] == "10,0 (+4,0)"  # 6 of 60, was 3 of 50
    assert rows["ШНОР"][2] == "10,0 (−20,0)"
    assert rows["остальные школы"][2] == "0,0 (0,0)"
    assert vpr.marks[-4:] == ["group"] * 4


def test_verdict_and_reasons_in_the_report(data):
    tables, blocks = tables_by_title(data["report"])
    measure = next(t for t in tables.values() if t.title.startswith("Мера 1"))
    school, verdict, reasons = measure.rows[0]
    # The rule asks for 3 falls; A1 has 2.
    assert (school, verdict) == ("СОШ с. Альфа", "неэффективно")
    assert "Доля «2» снизилась в 2 из 2 процедур ВПР, ОГЭ (нужно не менее 3)" in reasons
    assert "Обоснование координатора: Куратор помог." in [
        b.text for b in blocks if b.kind == "paragraph"
    ]


def test_the_measure_table_names_the_rule_it_was_judged_by(data, coordinator_a):
    rule = services.rule_save(
        user=None,
        code="twos-fell",
        title="Доля «2» снизилась",
        params={"results": {"min_fewer_twos": 2}},
    )
    assert rule.version == 2
    measure = data["measure"]
    measure.rule = rule
    measure.save()
    tables, _ = tables_by_title(data["report"])
    title = next(t for t in tables if t.startswith("Мера 1"))
    assert title == "Мера 1: выводы по школам (критерий: «Доля «2» снизилась»)"
    assert tables[title].rows[0][1] == "эффективно"


def test_files_of_the_report(data):
    report = data["report"]
    document = WordDocument(
        io.BytesIO(export_document(f"annual_report-{report.pk}", file_format="docx"))
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "5. Динамика образовательных результатов" in text
    assert "6. Изменения относительно похожих школ" in text
    assert len(document.inline_shapes) == 2  # ВПР math and ОГЭ rus: Russian and maths charted
    book = openpyxl.load_workbook(
        io.BytesIO(export_document(f"annual_report-{report.pk}", file_format="xlsx"))
    )
    assert "ВПР мат. 5 кл." in book.sheetnames
    pdf = export_document(f"annual_report-{report.pk}", file_format="pdf")
    assert pdf.startswith(b"%PDF")


def test_conclusions_are_kept_with_their_history(client, data, coordinator_a, coordinator_b):
    report = data["report"]
    url = reverse("monitoring:report_page", args=["mun-a", 2023])
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    client.post(
        url, {"conclusion-effectiveness": "Меры трека 1 эффективны.", "conclusion-summary": "Итог."}
    )
    report.refresh_from_db()
    assert report.conclusions == {"effectiveness": "Меры трека 1 эффективны.", "summary": "Итог."}
    _, blocks = tables_by_title(report)
    assert any(b.kind == "conclusion" and b.text == "Итог." for b in blocks)
    assert report.history.count() == 2
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(url).status_code == 404
    export = reverse("monitoring:report_export", args=[report.pk, "xlsx"])
    assert client.get(export).status_code == 404


def test_opening_a_report_saves_nothing_until_the_coordinator_does(client, data):
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("monitoring:report_page", args=["mun-a", 2022])
    before = AnnualReport.objects.count()
    page = client.get(url)
    assert page.status_code == 200 and "Район А" in page.content.decode()
    assert AnnualReport.objects.count() == before  # a GET changes nothing
    # Asking for a file of a report not yet saved saves it first.
    response = client.post(url, {"export": "docx"})
    report = AnnualReport.objects.get(municipality__code="mun-a", year=2022)
    assert response.url == reverse("monitoring:report_export", args=[report.pk, "docx"])
    client.post(url, {"conclusion-summary": "Итог."})
    report.refresh_from_db()
    assert report.conclusions == {"summary": "Итог."}


def test_public_page_shows_only_what_is_approved_and_published(
    client, data, coordinator_a, municipality_a
):
    IdentificationRun.objects.filter(pk=data["run"].pk).update(  # back to a draft
        status="draft", order=None, approved_at=None, approved_by=None
    )
    url = reverse("monitoring:public", args=["mun-a"])
    page = client.get(url).content.decode()
    assert "Утверждённых списков пока нет" in page  # the run is a draft
    assert "Опубликованных отчётов пока нет" in page
    Program.objects.create(municipality=municipality_a, level="municipal", kind="mppko",
                           name="Черновик программы", status="draft")  # fmt: skip
    Program.objects.create(municipality=municipality_a, level="municipal", kind="roadmap",
                           name="Дорожная карта А", status="approved")  # fmt: skip
    run = IdentificationRun.objects.get(pk=data["run"].pk)
    order = Order.objects.create(
        region=municipality_a.region, municipality=municipality_a, issuer="УО района А",
        number="15", date=datetime.date(2023, 1, 21), title="Об утверждении перечня ШНОР",
    )  # fmt: skip
    run.status, run.order = "approved", order
    run.approved_at = run.created_at
    run.approved_by = coordinator_a
    run.save()
    services.report_publish(user=coordinator_a, report=data["report"], published=True)
    page = client.get(url).content.decode()
    assert "МОУ «СОШ с. Альфа»" in page and "Гимназия" not in page  # flagged schools only
    assert "от 21.01.2023 № 15" in page
    assert "Дорожная карта А" in page and "Черновик программы" not in page
    assert data["report"].title in page
    assert "coordinator_a" not in page and "@" not in page  # nothing personal
    pdf = client.get(reverse("monitoring:public_report", args=["mun-a", data["report"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_public_pdf_is_printed_once_for_its_content(
    client, data, coordinator_a, monkeypatch, settings
):
    report = data["report"]
    services.report_publish(user=coordinator_a, report=report, published=True)
    printed = []

    def counted(*args, **kwargs):
        printed.append(args)
        return print_pdf(*args, **kwargs)

    print_pdf = documents.report_pdf
    monkeypatch.setattr(documents, "report_pdf", counted)
    url = reverse("monitoring:public_report", args=["mun-a", report.pk])
    first, second = client.get(url), client.get(url)  # two anonymous visitors
    assert first.content.startswith(b"%PDF") and second.content == first.content
    assert len(printed) == 1
    services.report_conclusions_save(
        user=coordinator_a, report=report, conclusions={"summary": "Новый итог."}
    )
    third = client.get(url)
    assert len(printed) == 2 and third.content != first.content
    assert client.get(url).content == third.content and len(printed) == 2
    # The superseded file is not kept.
    assert len(list((settings.MEDIA_ROOT / "documents").glob("*.pdf"))) == 1


def test_an_unpublished_report_is_not_downloadable_from_the_public_page(client, data):
    url = reverse("monitoring:public_report", args=["mun-a", data["report"].pk])
    assert client.get(url).status_code == 404


def test_pages_of_the_municipality_and_the_region(client, data, cast):
    client.login(username="coordinator_a", password=PASSWORD)
    for name in ("dashboard", "dynamics", "effectiveness"):
        page = client.get(reverse(f"monitoring:{name}", args=["mun-a"]) + "?year=2023")
        assert page.status_code == 200, name
    page = client.get(
        reverse("monitoring:dynamics", args=["mun-a"]) + "?year=2023"
    ).content.decode()
    assert reverse("assessments:school_results", args=["a1"]) in page  # a figure links to its data
    assert client.get(reverse("monitoring:region_dashboard")).status_code == 404
    client.login(username="region_operator", password=PASSWORD)
    page = client.get(reverse("monitoring:region_dashboard")).content.decode()
    assert "Район А" in page
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("monitoring:dashboard", args=["mun-a"])).status_code == 404
    client.login(username="school_team_a1", password=PASSWORD)
    assert client.get(reverse("monitoring:dashboard", args=["mun-a"])).status_code == 404
    url = reverse("monitoring:measure_detail", args=[data["measure"].pk])
    assert client.get(url).status_code == 404


def test_risk_profiles_are_counted_by_level_with_the_change(data, school_a1, school_a2):
    from opora.risks.models import ProfileFactor, RiskFactor, RiskProfile

    factor = RiskFactor.objects.get(title="Дефицит педагогических кадров")
    for school, year, level in [
        (school_a1, 2022, "medium"),
        (school_a1, 2023, "high"),
        (school_a2, 2023, "low"),
    ]:
        profile, _ = RiskProfile.objects.get_or_create(school=school, year=year)
        ProfileFactor.objects.create(
            profile=profile, factor=factor, level=level, is_priority=level == "high"
        )
    tables, blocks = tables_by_title(data["report"])
    row = next(r for r in tables["Уровни факторов риска"].rows if r[0] == factor.title)
    assert row == [factor.title, 1, 0, 1, "+1 / -1 / +1"]
    assert (
        "СОШ с. Альфа: Дефицит педагогических кадров"
        in next(b for b in blocks if b.kind == "items").items
    )


def test_decisions_of_the_year_and_their_execution(data, coordinator_a, school_a1):
    from opora.meetings import services as meetings

    group = meetings.working_group_create(
        user=coordinator_a,
        municipality=school_a1.municipality,
        name="рабочая группа",
        issuer="Управление образованием района А",
        protocol_heading="Заседания рабочей группы",
    )
    head = meetings.member_save(
        user=coordinator_a,
        group=group,
        name="Астраханцева О.В.",
        position="координатор",
        role="head",
    )
    meeting = meetings.meeting_create(
        user=coordinator_a, group=group, date=datetime.date(2023, 7, 3), chair=head, secretary=head
    )
    item = meetings.agenda_item_save(
        user=coordinator_a,
        meeting=meeting,
        title="О дорожной карте",
        vote_kind="unanimous",
        speeches=[],
    )
    done = meetings.decision_save(
        user=coordinator_a, item=item, text="Разместить отчёт", owner_school=school_a1
    )
    meetings.decision_status_update(
        user=coordinator_a, decision=done, status="done", evidence_link="", evidence_note="На сайте"
    )
    meetings.decision_save(
        user=coordinator_a, item=item, text="Провести семинар", deadline_text="до 01.08.2023"
    )
    tables, blocks = tables_by_title(data["report"])
    rows = tables["Решения заседаний"].rows
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [
        ("№ 1 от 03.07.2023", "Разместить отчёт", "исполнено", "На сайте"),
        ("№ 1 от 03.07.2023", "Провести семинар", "на исполнении", ""),
    ]
    assert tables["Решения заседаний"].marks == ["good", "bad"]
    assert "Решений: 2; исполнено — 1, на исполнении — 1; просрочено — 1." in [
        b.text for b in blocks if b.kind == "paragraph"
    ]


def test_supported_schools_are_judged_against_schools_like_them(data):
    tables, _ = tables_by_title(data["report"])
    (row,) = tables["Изменения относительно похожих школ"].rows  # A1 is the ШНОР school
    school, comparison, measures, reasons = row
    assert school == "СОШ с. Альфа"
    # A comparison, not a second verdict on effectiveness: that is the measure's, repeated.
    assert comparison in ("опередила похожие школы", "не опередила похожие школы", "не оценено")
    (measure,) = [t for title, t in tables.items() if title.startswith("Мера 1:")]
    assert measures == f"мера 1: {measure.rows[0][1]}"
    assert "похож" in reasons


def test_a_rule_may_require_beating_comparable_schools(data):
    rule = services.rule_save(
        user=None,
        code="beat-peers",
        title="Опередила похожие школы",
        params={"peers": {"metrics": ["twos"]}},
    )
    measure = data["measure"]
    measure.rule = rule
    measure.save()
    tables, _ = tables_by_title(data["report"])
    title = next(t for t in tables if t.startswith("Мера 1"))
    school, verdict, reasons = tables[title].rows[0]
    assert school == "СОШ с. Альфа"
    assert "похожих школ" in reasons


def test_dashboard_year_selector_marks_the_year_of_the_heading(client, data):
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("monitoring:dashboard", args=["mun-a"])
    page = client.get(url).content.decode()
    assert "сводка за 2022/23" in page and '<option value="2023" selected>' in page
    # A year without results (an old bookmark) is still the one selected, and says so.
    page = client.get(url, {"year": 2030}).content.decode()
    assert "сводка за 2029/30" in page
    assert '<option value="2030" selected>2029/30 (результатов нет)</option>' in page


def test_a_measure_page_states_its_rule_in_words(client, data, cast):
    # Failed before: the rule was shown as its JSON ({'results': {'kinds': [...]}}).
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("monitoring:measure_detail", args=[data["measure"].pk])
    page = client.get(url).content.decode()
    assert "'kinds'" not in page and "&#x27;kinds&#x27;" not in page
    assert "доля «2» снизилась хотя бы в" in page or "целевых показателей меры" in page
