"""The protocol as an official document, in the layout of seed 000's «Протокол №1», drawn by the
document layer (reports/layout.py) to DOCX and PDF."""

from collections.abc import Iterator

from opora.meetings.models import Meeting, ProtocolStatus
from opora.meetings.protocol import officer, place_lines, protocol_content
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx
from opora.reports.pdf import render_pdf_document


def meeting_protocol(meeting: Meeting) -> dict:
    """A final protocol prints as it was signed (its kept revision); a draft prints live."""
    if meeting.status == ProtocolStatus.FINAL:
        kept = meeting.revisions.filter(number=meeting.revision).first()
        if kept is not None:
            return kept.content
    return protocol_content(meeting)


def protocol_document(content: dict) -> L.OfficialDocument:
    """The protocol in seed 000's order of parts: issuer, heading, number and date, place,
    chair and secretary, who was present, the agenda, then each item's СЛУШАЛИ / ВЫСТУПИЛИ /
    ПОСТАНОВИЛИ and vote, and the signatures."""

    def line(text="", *, label="", before=0, bold=False, align=L.JUSTIFY):
        return L.Paragraph(text, label=label, bold=bold, align=align, space_before_pt=before)

    blocks: list = [L.Issuer([content["issuer"]])]
    blocks.append(line(content["heading"], bold=True, align=L.CENTER, before=12))
    blocks.append(line(f"Протокол №{content['number']}", bold=True, align=L.CENTER, before=12))
    blocks.append(line(f"от {content['date']} г.", bold=True, align=L.CENTER))
    if content["revision"] > 1:
        blocks.append(line(f"(редакция {content['revision']})", align=L.CENTER))
    blocks += [line(text, before=6) for text in place_lines(content)]
    if content["chair"]:
        blocks.append(line(f"{officer(content['chair'])};", label="Председатель:", before=12))
    if content["secretary"]:
        blocks.append(line(f"{officer(content['secretary'])};", label="Секретарь:"))
    blocks.append(line(label="Присутствовали:", before=12))
    if content["present_heading"]:
        blocks.append(line(content["present_heading"]))
    blocks += [line(f"{person};") for person in content["present"]]
    for label, people in (
        ("Отсутствовали:", content["absent"]),
        ("Приглашённые:", content["guests"]),
    ):
        if people:
            blocks.append(line(label=label, before=6))
            blocks += [line(f"{person};") for person in people]
    blocks.append(line("ПОВЕСТКА ДНЯ", bold=True, align=L.CENTER, before=12))
    blocks += [line(f"{item['number']}. {item['title']}") for item in content["items"]]
    for item in content["items"]:
        heard = item["heard"] or item["title"]
        blocks.append(line(heard, label=f"{item['number']}. СЛУШАЛИ:", before=12))
        if item["speeches"]:
            blocks.append(line(label="ВЫСТУПИЛИ:", before=6))
            blocks += [line(speech) for speech in item["speeches"]]
        blocks += [line(text) for text in item["reviewed"]]
        if item["decisions"]:
            blocks.append(line(label="ПОСТАНОВИЛИ:", before=6))
            blocks += [line(decision) for decision in item["decisions"]]
        if item["vote"]:
            blocks.append(line(item["vote"], before=6))
    if content["signatures"]:
        blocks.append(L.Signatures(list(content["signatures"])))
    return L.OfficialDocument(
        title=f"Протокол №{content['number']} от {content['date']}",
        blocks=blocks,
        draft=content["draft"],
    )


def protocol_docx(content: dict) -> bytes:
    return render_docx(protocol_document(content))


def protocol_pdf(content: dict) -> bytes:
    return render_pdf_document(protocol_document(content))


BUILDERS = {"docx": protocol_docx, "pdf": protocol_pdf}


def protocol_filename(meeting: Meeting, file_format: str, revision: int | None = None) -> str:
    suffix = f"-ред{revision}" if revision else ""
    return f"protocol-{meeting.number}-{meeting.date:%Y%m%d}{suffix}.{file_format}"


def _listing() -> Iterator[Document]:
    for meeting in Meeting.objects.select_related("group__municipality").order_by("pk"):
        title = (
            f"Протокол №{meeting.number} от {meeting.date:%d.%m.%Y} "
            f"({meeting.group.municipality}, {meeting.get_status_display()})"
        )
        yield Document(f"protocol-{meeting.pk}", "protocol", title, tuple(BUILDERS))


def _build(pk: int, file_format: str) -> bytes:
    meeting = Meeting.objects.select_related("group", "chair", "secretary").get(pk=pk)
    return BUILDERS[file_format](meeting_protocol(meeting))


register("protocol", listing=_listing, build=_build)
