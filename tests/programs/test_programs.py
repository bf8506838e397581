"""Programs as the seeds write them: passport, goals, indicators with targets and values,
a roadmap whose periods become dates; who sees them and who may mark activities done."""

import datetime

import pytest
from django.urls import reverse

from opora.accounts.models import User
from opora.programs.models import Activity, ActivityStatus, IndicatorValue, Program
from opora.programs.selectors import indicator_rows, my_activities, roadmap_by_risk_factor
from opora.programs.services import orders_save, program_create_from_document
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2023, 12, 1)
DOCUMENT = {
    "key": "roadmap",
    "level": "municipal",
    "school": None,
    "kind": "roadmap",
    "name": "Дорожная карта по повышению качества образования ШНОР на 2023-2024 гг.",
    "order": "o116",
    "status": "approved",
    "period": "2023-2024 гг.",
    "start_year": 2023,
    "end_year": 2024,
    "passport": {"coordinator": "Мирошниченко С.В.", "goal": ""},
    "flags": ["В приложении пункт 3 повторяет пункт 2."],
    "goals": [
        {
            "number": "1",
            "text": "Повысить качество",
            "risk_factor": None,
            "tasks": [{"number": "1.1", "text": "Диагностика"}],
        }
    ],
    "indicators": [
        {
            "number": "1",
            "name": "Доля школ с программами профилактики",
            "section": "Трек 3",
            "unit": "percent",
            "invariant": None,
            "level": None,
            "task": "1.1",
            "scope": "municipality",
            "school": None,
            "baseline": {"year": 2022, "value": "67"},
            "targets": {"2023": "100"},
            "actuals": {"2023-01": "100"},
            "direction": "up",
            "note": "",
        },
        {
            "number": "2",
            "name": "Доля обучающихся, нуждающихся в адресной поддержке",
            "section": "Трек 3",
            "unit": "percent",
            "invariant": None,
            "level": None,
            "task": None,
            "scope": "school",
            "school": "a1",
            "baseline": None,
            "targets": {"2023": "9"},
            "actuals": {"2023-01": "13"},
            "direction": "down",
            "note": "",
        },
    ],
    "activities": [
        {
            "number": "1",
            "section": "Адресность",
            "task": "1.1",
            "text": "Анализ результатов ВПР",
            "period": "Октябрь 2023",
            "responsible": "Мирошниченко С.В.",
            "addressees": ["a1"],
            "expected_result": "Справка",
            "implementation_indicator": "",
        },
        {
            "number": "2",
            "section": "Адресность",
            "task": None,
            "text": "Семинар для ШНОР",
            "period": "в течение года",
            "responsible": "УО",
            "addressees": "ШНОР",
            "expected_result": "",
            "implementation_indicator": "",
        },
        {
            "number": "3",
            "section": "Мониторинг",
            "task": None,
            "text": "Мониторинг динамики",
            "period": "май 2024",
            "responsible": "УО",
            "addressees": ["a2"],
            "expected_result": "",
            "implementation_indicator": "",
        },
    ],
}
ORDERS = [
    {
        "key": "o116",
        "issuer": "Управление образования",
        "number": "116",
        "date": "2023-02-17",
        "title": "Об утверждении плана мероприятий",
        "basis": "",
        "signatory": "В.В. Булыгин",
        "controller": "",
        "points": ["1. Утвердить план."],
    }
]


@pytest.fixture
def program(cast, municipality_a, school_a1, school_a2):
    orders = orders_save(user=None, municipality=municipality_a, orders=ORDERS)
    return program_create_from_document(
        user=None, municipality=municipality_a, data=DOCUMENT, orders=orders
    )


def test_document_becomes_a_program_with_dated_activities(program):
    assert program.order.number == "116" and program.status == "approved"
    assert program.passport == {"coordinator": "Мирошниченко С.В."}  # empty fields are not kept
    first, second, third = program.activities.all()
    assert (first.period_kind, first.starts_on, first.ends_on) == (
        "month",
        datetime.date(2023, 10, 1),
        datetime.date(2023, 10, 31),
    )
    assert first.task.number == "1.1"
    assert [s.code for s in first.schools.all()] == ["a1"]
    assert second.addressees == "ШНОР" and second.ends_on == datetime.date(2023, 12, 31)
    assert first.is_overdue(TODAY) and not third.is_overdue(TODAY)


def test_a_roadmap_without_risk_factors_keeps_the_documents_sections(program):
    assert roadmap_by_risk_factor(program=program) == []


def test_a_roadmap_by_risk_factor_nests_activities_under_their_goal_and_task(program):
    goal = program.goals.get()
    goal.risk_factor = "Несформированность внутришкольной системы оценки качества образования"
    goal.save()
    (branch, unplaced) = roadmap_by_risk_factor(program=program)
    assert branch.goal == goal
    assert [(leaf.task.number, [a.number for a in leaf.activities]) for leaf in branch.tasks] == [
        ("1.1", ["1"])
    ]
    # Activities the document ties to no task are kept, not lost, under their own heading.
    assert unplaced.goal is None
    assert [a.number for a in unplaced.tasks[0].activities] == ["2", "3"]


def test_an_order_cited_twice_is_stored_once(program, municipality_a):
    orders_save(user=None, municipality=municipality_a, orders=ORDERS)
    assert program.order.__class__.objects.count() == 1


def test_indicators_report_achievement_against_the_target_of_their_year(program):
    rows = {r.indicator.number: r for r in indicator_rows(program=program)}
    assert rows["1"].status_label == "достигнут"  # 100 of 100
    assert rows["2"].status_label == "не достигнут"  # should fall to 9 %, was 13 %
    assert rows["1"].targets == {2023: "100"}


def test_school_sees_municipal_programs_but_updates_only_its_own_activities(client, program):
    client.login(username="school_team_a1", password=PASSWORD)
    assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 200
    own, _, other = program.activities.all()
    form = {
        "status": "done",
        "evidence_link": "https://school.example/report",
        "comment": "Справка готова",
    }
    assert client.post(reverse("programs:activity_detail", args=[own.pk]), form).status_code == 302
    assert (
        client.post(reverse("programs:activity_detail", args=[other.pk]), form).status_code == 403
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == ("done", "planned")
    latest = own.history.order_by("-history_date").first()
    assert (latest.status, latest.history_user.username) == ("done", "school_team_a1")


def test_a_school_attaches_an_evidence_file_that_only_the_programs_readers_download(
    client, program
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    own = program.activities.first()
    client.login(username="school_team_a1", password=PASSWORD)
    url = reverse("programs:activity_detail", args=[own.pk])
    form = {"status": "done", "evidence_link": "", "comment": ""}
    refused = client.post(url, {**form, "evidence_file": SimpleUploadedFile("x.html", b"<p>")})
    assert "файл «x.html» другого вида" in refused.content.decode()
    own.refresh_from_db()
    assert own.status == "planned" and not own.evidence_file
    scan = SimpleUploadedFile("spravka.pdf", b"%PDF-1.4 spravka")
    client.post(url, {**form, "evidence_file": scan})
    own.refresh_from_db()
    assert own.status == "done"
    download = client.get(reverse("programs:activity_evidence", args=[own.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 spravka"
    client.post(url, {**form, "comment": "Дополнено"})  # no new file: the old one stays
    own.refresh_from_db()
    assert own.evidence_file.read() == b"%PDF-1.4 spravka"
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("programs:activity_evidence", args=[own.pk])).status_code == 404


def test_outsiders_do_not_see_the_program(client, program):
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 404
    activity = program.activities.first()
    assert client.get(reverse("programs:activity_detail", args=[activity.pk])).status_code == 404
    assert program not in client.get(reverse("programs:program_list")).context["programs"]


def test_coordinator_enters_an_indicator_value_and_history_keeps_it(client, program, cast):
    indicator = program.indicators.get(number="2")
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("programs:indicator_detail", args=[indicator.pk])
    response = client.post(
        url, {"measured_on": "01.01.2024", "value": "8", "evidence_link": ""}, follow=True
    )
    assert "Значение показателя сохранено." in response.content.decode()
    value = IndicatorValue.objects.get(indicator=indicator, measured_on=datetime.date(2024, 1, 1))
    assert value.entered_by == cast["coordinator_a"]
    assert "<svg" in response.content.decode()  # targets against values


def test_school_enters_values_only_of_its_own_indicators(client, program, cast):
    own = program.indicators.get(number="2")  # scope: school a1
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(
        reverse("programs:indicator_detail", args=[own.pk]),
        {"measured_on": "01.01.2024", "value": "8"},
    )
    assert response.status_code == 302
    assert (
        own.values.get(measured_on=datetime.date(2024, 1, 1)).entered_by == cast["school_team_a1"]
    )
    indicator = program.indicators.get(number="1")  # the municipality's
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(
        reverse("programs:indicator_detail", args=[indicator.pk]),
        {"measured_on": "01.01.2024", "value": "1"},
    )
    assert response.status_code == 403


def test_my_activities_lists_what_is_addressed_to_the_school(program, cast):
    school = my_activities(user=cast["school_team_a1"])
    assert [a.number for a in school] == ["1"]
    coordinator = my_activities(user=cast["coordinator_a"])
    assert [a.number for a in coordinator] == ["1", "2", "3"]  # by end date
    Activity.objects.filter(number="1").update(status=ActivityStatus.DONE)
    assert list(my_activities(user=cast["school_team_a1"])) == []


def test_program_page_flags_the_documents_inconsistencies(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    page = client.get(reverse("programs:program_detail", args=[program.pk])).content.decode()
    assert "В исходном документе есть расхождения" in page
    assert "В приложении пункт 3 повторяет пункт 2." in page
    assert Program.objects.count() == 1


def test_home_page_shows_overdue_activities(client, program, settings, cast):
    # The school works in 2023/24, which is over: deadlines count as of its last day, by which
    # October 2023 was long past.
    User.objects.filter(username="school_team_a1").update(academic_year=2024)
    client.login(username="school_team_a1", password=PASSWORD)
    page = client.get(reverse("home")).content.decode()
    assert "Просроченных мероприятий дорожных карт на 31.08.2024:" in page
    assert "Анализ результатов ВПР" in page


def test_program_exports_as_docx_and_xlsx_in_the_seeds_columns(client, program):
    import io

    import openpyxl
    from docx import Document

    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(reverse("programs:program_export", args=[program.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Целевые показатели", "Дорожная карта"]
    roadmap = list(book["Дорожная карта"].values)
    assert roadmap[0][:4] == ("№", "Раздел", "Мероприятие", "Сроки")
    assert roadmap[1][:4] == ("1", "Адресность", "Анализ результатов ВПР", "Октябрь 2023")
    response = client.get(reverse("programs:program_export", args=[program.pk, "docx"]))
    document = Document(io.BytesIO(response.content))
    # ГОСТ Р 7.0.97: the order in the genitive, the date before the number.
    assert [p.text for p in document.paragraphs[:3]] == [
        "УТВЕРЖДЕНА",
        "приказом Управления образования",
        "от 17.02.2023 № 116",
    ]
    passport = document.tables[0]
    assert passport.cell(1, 1).text == DOCUMENT["name"]
    assert document.sections[-1].orientation == 1  # the roadmap is landscape


def test_export_is_refused_outside_the_scope(client, program):
    client.login(username="coordinator_b", password=PASSWORD)
    assert (
        client.get(reverse("programs:program_export", args=[program.pk, "docx"])).status_code == 404
    )


def test_export_document_command_lists_and_writes(program, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("export_document", "--list", stdout=out)
    assert f"program-{program.pk}\tprogram\t{DOCUMENT['name']}\tdocx,xlsx,pdf" in out.getvalue()
    target = tmp_path / "p.docx"
    call_command(
        "export_document",
        f"program-{program.pk}",
        "--format",
        "docx",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert target.read_bytes().startswith(b"PK")
    call_command(
        "export_document",
        f"program-{program.pk}",
        "--format",
        "pdf",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert DOCUMENT["name"] in _pdf_text(target.read_bytes())
    with pytest.raises(CommandError, match="Документа «program-0» нет"):
        call_command("export_document", "program-0", "--output", str(target))


def _pdf_text(content: bytes) -> str:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def _xlsx(client, program) -> bytes:
    return client.get(reverse("programs:program_export", args=[program.pk, "xlsx"])).content


def _sheets(content: bytes) -> dict:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return {name: list(book[name].values) for name in book.sheetnames}


def test_exporting_and_importing_again_gives_the_same_program(client, program):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="coordinator_a", password=PASSWORD)
    exported = _xlsx(client, program)
    url = reverse("programs:program_import", args=[program.pk])
    preview = client.post(url, {"file": SimpleUploadedFile("program.xlsx", exported)})
    assert "Будет загружено показателей: 2, мероприятий: 3" in preview.content.decode()
    response = client.post(url, {"token": preview.context["token"]}, follow=True)
    assert "Загружено показателей: 2, мероприятий: 3." in response.content.decode()
    assert _sheets(_xlsx(client, program)) == _sheets(exported)
    assert IndicatorValue.objects.filter(indicator__program=program).count() == 2  # values kept
    assert [s.code for s in program.activities.first().schools.all()] == ["a1"]


def test_a_bad_sheet_is_refused_whole_with_row_and_column(client, program):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="coordinator_a", password=PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(_xlsx(client, program)))
    book["Дорожная карта"]["I3"] = "почти готово"
    book["Дорожная карта"]["C2"] = "Изменённый текст"
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("programs:program_import", args=[program.pk]),
        {"file": SimpleUploadedFile("program.xlsx", buffer.getvalue())},
        follow=True,
    )
    page = response.content.decode()
    assert "лист «Дорожная карта» не загружен, данные не изменены." in page
    assert "строка 3, столбец «Статус»: неизвестный статус «почти готово»" in page
    assert program.activities.first().text == "Анализ результатов ВПР"


def test_school_team_cannot_import_tables(client, program):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="coordinator_a", password=PASSWORD)
    exported = _xlsx(client, program)
    client.login(username="school_team_a1", password=PASSWORD)
    response = client.post(
        reverse("programs:program_import", args=[program.pk]),
        {"file": SimpleUploadedFile("program.xlsx", exported)},
    )
    assert response.status_code == 403


def test_status_moves_along_the_workflow_and_approval_needs_an_order(client, program, cast):
    from django.core.exceptions import ValidationError

    from opora.programs.services import program_status_change

    coordinator = cast["coordinator_a"]
    program_status_change(program=program, user=coordinator, status="in_progress")
    with pytest.raises(
        ValidationError, match="Из статуса «реализуется» нельзя перейти в «черновик»"
    ):
        program_status_change(program=program, user=coordinator, status="draft")
    draft = Program.objects.create(
        municipality=program.municipality, level="municipal", kind="roadmap", name="Черновик"
    )
    program_status_change(program=draft, user=coordinator, status="review")
    with pytest.raises(ValidationError, match="ссылается на приказ"):
        program_status_change(program=draft, user=coordinator, status="approved")
    program_status_change(program=draft, user=coordinator, status="approved", order=program.order)
    assert (draft.status, draft.order.number) == ("approved", "116")


def test_passport_changes_are_kept_with_who_and_when(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    url = reverse("programs:program_passport", args=[program.pk])
    client.post(url, {"coordinator": "Иванова А.А.", "goal": "Повысить качество образования"})
    changes = client.get(url).context["changes"]
    assert [(c.field, c.before, c.after, c.who.username) for c in changes] == [
        ("Координатор", "Мирошниченко С.В.", "Иванова А.А.", "coordinator_a"),
        ("Цель", "", "Повысить качество образования", "coordinator_a"),
    ]
    client.login(username="school_team_a1", password=PASSWORD)
    assert client.post(url, {"coordinator": "Взлом"}).status_code == 403


def test_copy_to_the_next_period_is_a_draft_with_the_plan_but_no_progress(client, program):
    Activity.objects.filter(program=program).update(status="done")
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.post(
        reverse("programs:program_copy", args=[program.pk]), {"addressees": "keep"}
    )
    copy = Program.objects.exclude(pk=program.pk).get()
    assert response["Location"] == reverse("programs:program_detail", args=[copy.pk])
    assert (copy.status, copy.start_year, copy.end_year) == ("draft", 2025, 2026)
    assert copy.indicators.count() == 2 and copy.activities.count() == 3
    assert set(copy.activities.values_list("status", flat=True)) == {"planned"}
    assert not IndicatorValue.objects.filter(indicator__program=copy).exists()
    assert [s.code for s in copy.activities.first().schools.all()] == ["a1"]
    assert copy.goals.get().tasks.get().number == "1.1"


def test_program_page_offers_only_the_next_statuses(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    form = client.get(reverse("programs:program_detail", args=[program.pk])).context["status_form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        "in_progress"
    ]  # it is approved


def test_orders_page_lists_the_orders_of_the_territory_with_their_programs(client, program):
    client.login(username="coordinator_a", password=PASSWORD)
    orders = list(client.get(reverse("programs:order_list")).context["orders"])
    assert [(o.number, [p.pk for p in o.programs.all()]) for o in orders] == [("116", [program.pk])]
    client.login(username="coordinator_b", password=PASSWORD)
    assert list(client.get(reverse("programs:order_list")).context["orders"]) == []


def test_the_order_file_goes_only_to_those_who_see_the_order(client, program):
    from django.core.files.base import ContentFile

    program.order.file.save("prikaz-116.pdf", ContentFile(b"%PDF-1.4 scan"))
    url = reverse("programs:order_file", args=[program.order.pk])
    client.login(username="coordinator_a", password=PASSWORD)
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    client.login(username="coordinator_b", password=PASSWORD)
    assert client.get(url).status_code == 404


def test_an_each_school_indicator_takes_one_value_per_school(
    client, program, cast, school_a1, school_a2
):
    from opora.programs.models import Indicator, IndicatorTarget

    indicator = Indicator.objects.create(
        program=program,
        number="3",
        name="Доля педагогов с ИОМ",
        unit="percent",
        scope="each_school",
        higher_is_better=True,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2024, value="не менее 50%")
    url = reverse("programs:indicator_detail", args=[indicator.pk])
    client.login(username="school_team_a1", password=PASSWORD)
    assert list(client.get(url).context["form"].fields["school"].queryset) == [school_a1]
    client.post(url, {"school": school_a1.pk, "measured_on": "01.01.2024", "value": "60"})
    response = client.post(
        url, {"school": school_a2.pk, "measured_on": "01.01.2024", "value": "10"}
    )
    assert "Выберите корректный вариант" in response.content.decode()  # not the team's school
    client.login(username="coordinator_a", password=PASSWORD)
    client.post(url, {"school": school_a2.pk, "measured_on": "01.01.2024", "value": "40"})
    values = {v.school.code: v.value for v in indicator.values.all()}
    assert values == {"a1": "60", "a2": "40"}
    row = next(r for r in indicator_rows(program=program) if r.indicator == indicator)
    assert row.status_label == "не достигнут"  # a2 is below 50 %
    client.post(url, {"school": school_a2.pk, "measured_on": "01.01.2024", "value": "55"})
    row = next(r for r in indicator_rows(program=program) if r.indicator == indicator)
    assert (
        row.status_label == "достигнут"
    )  # every school reached it; the value was replaced, not added
    assert indicator.values.count() == 2
