"""The demo protocol is seed 000's «Протокол №1 от 03.07.2023 г.»: its DOCX holds every line
of the original, in the original order, and its decisions are tracked with their states."""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as WordDocument

from opora.demo.services import DEMO_PASSWORD
from opora.meetings.models import DecisionStatus, Meeting, WorkingGroup
from opora.meetings.selectors import overdue_decisions
from opora.reports.documents import export_document

pytestmark = pytest.mark.django_db

# The protocol part of seed 000 as the source text gives it (lines 1–52 of the seed).
SEED = Path(__file__).parent / "seed_000_protocol.txt"


@pytest.fixture
def protocol(demo):
    return Meeting.objects.get(group__municipality__code="ivanteevka", number=1)


def words(text: str) -> list[str]:
    """Letters and digits only: the seed's converted text differs from a typed protocol in
    dashes, spaces and markup, not in words."""
    return re.findall(r"[0-9a-zа-я]+", text.lower().replace("ё", "е"))


def docx_text(content: bytes) -> list[str]:
    document = WordDocument(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


def test_demo_protocol_docx_has_every_line_of_seed_000_in_order(protocol):
    content = export_document(f"protocol-{protocol.pk}", file_format="docx")
    produced = words(" ".join(docx_text(content)))
    at = 0
    seed_lines = [line for line in SEED.read_text("utf-8").splitlines() if words(line)]
    assert len(seed_lines) > 20
    for line in seed_lines:
        wanted = words(line)
        found = next(
            (i for i in range(at, len(produced)) if produced[i : i + len(wanted)] == wanted), None
        )
        assert found is not None, f"нет строки протокола-образца (или не по порядку): {line!r}"
        at = found + len(wanted)

    # The layout: header, number and date, председатель, присутствовали, повестка, the item,
    # the vote and the chair's signature, as seed 000 lays them out.
    document = WordDocument(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    markers = [
        "Управление образованием администрации Ивантеевского муниципального района",
        "Протокол №1",
        "от 03.07.2023 г.",
        "Председатель: муниципальный координатор – Астраханцева О.В.;",
        "Присутствовали:",
        "Тьютор-консультант:",
        "ПОВЕСТКА ДНЯ",
        "ПОСТАНОВИЛИ:",
        "1. Информацию принять к сведению.",
        "Голосовали единогласно.",
    ]
    positions = [paragraphs.index(m) for m in markers]
    assert positions == sorted(positions)
    assert paragraphs[1].startswith("Заседания рабочей группы муниципальной команды")
    assert (
        sum(
            p.startswith(("Гладилова", "Мазалева", "Тюркина", "Кочнева", "Бабухина", "Лобанова"))
            for p in paragraphs
        )
        == 6
    )
    assert "ПРОЕКТ" not in paragraphs  # a final protocol is not marked as a draft
    assert "Секретарь" not in " ".join(paragraphs)  # seed 000's protocol has none
    assert document.styles["Normal"].font.name == "Times New Roman"
    signature = [c.text for c in document.tables[0].rows[0].cells]
    assert signature == ["Председатель", "____________", "О.В. Астраханцева"]


def test_demo_decisions_are_tracked_and_other_seeds_give_their_groups(protocol):
    decisions = list(protocol.items.get().decisions.order_by("number"))
    assert [d.status for d in decisions] == [
        DecisionStatus.NOTED,
        DecisionStatus.DONE,
        DecisionStatus.OPEN,
    ]
    third = decisions[2]
    assert third.due_on == datetime.date(2024, 8, 31)
    assert third.schools.count() == 9  # every school (branches have no head of their own)
    assert third.programs.count() == 2  # «Приложение 2» may be either 2023/24 roadmap
    assert protocol.revisions.get().number == 1
    coordinator = protocol.group.members.get(role="head").account
    assert list(overdue_decisions(user=coordinator, today=datetime.date(2024, 9, 2))) == [third]

    # The other seeds: the groups and coordinators they name.
    groups = {g.municipality.code: g for g in WorkingGroup.objects.select_related("order")}
    assert set(groups) == {"ivanteevka", "pirovskoe", "terbuny", "svobodny"}
    assert groups["svobodny"].order.number == "116"
    pirovskoe = groups["pirovskoe"].members.get(name="Крисанова Л.Г.")
    assert pirovskoe.account.username == "coord_pirovskoe"
    assert groups["pirovskoe"].members.count() == 6
    assert not groups["terbuny"].members.exists()  # seed 002 names the group, not its people
    call_command("load_demo", stdout=io.StringIO())  # loading again changes nothing
    assert WorkingGroup.objects.count() == 4
    assert Meeting.objects.count() == 1


def test_protocol_downloads_and_who_sees_the_decisions(client, protocol, tmp_path):
    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    pdf = client.get(reverse("meetings:protocol_export", args=[protocol.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    output = tmp_path / "protocol.docx"
    call_command(
        "export_document",
        f"protocol-{protocol.pk}",
        "--format",
        "docx",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    assert "Протокол №1" in docx_text(output.read_bytes())
    listing = io.StringIO()
    call_command("export_document", "--list", stdout=listing)
    assert f"protocol-{protocol.pk}\tprotocol\tПротокол №1 от 03.07.2023" in listing.getvalue()
    # The demo stands at the end of 2023/24 (31.08.2024), the last day of the decision's term
    # «в 2023-2024 учебном году»: open, not yet overdue.
    home = client.get(reverse("home")).content.decode()
    assert "Просроченных решений рабочей группы" not in home


def test_a_revision_downloads_under_its_russian_name(client, protocol):
    client.login(username="coord_ivanteevka", password=DEMO_PASSWORD)
    url = reverse("meetings:revision_export", args=[protocol.pk, 1, "docx"])
    response = client.get(url)
    assert response.status_code == 200
    # RFC 6266: a non-ASCII name goes as `filename*`, percent-encoded UTF-8.
    name = quote("protocol-1-20230703-ред1.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"


def test_school_team_sees_the_decision_addressed_to_all_heads(client, protocol):
    client.login(username="school_barteneva", password=DEMO_PASSWORD)
    decisions = list(client.get(reverse("meetings:decision_list")).context["decisions"])
    assert [d.number for d in decisions] == [3]
    assert client.get(reverse("meetings:meeting_detail", args=[protocol.pk])).status_code == 404
