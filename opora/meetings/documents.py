"""The protocol as an official document, in the layout of seed 000's «Протокол №1»: DOCX
(Times New Roman, as municipal offices type it) and PDF (the common print template)."""

import io
from collections.abc import Iterator

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from opora.meetings.models import Meeting, ProtocolStatus
from opora.meetings.protocol import officer, place_lines, protocol_content
from opora.reports.documents import Document, register
from opora.reports.pdf import render_pdf

CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def meeting_protocol(meeting: Meeting) -> dict:
    """A final protocol prints as it was signed (its kept revision); a draft prints live."""
    if meeting.status == ProtocolStatus.FINAL:
        kept = meeting.revisions.filter(number=meeting.revision).first()
        if kept is not None:
            return kept.content
    return protocol_content(meeting)


def protocol_docx(content: dict) -> bytes:
    document = WordDocument()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    # East-Asian font slot too, or Word shows Cyrillic in the theme font on some systems.
    normal.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia",
        "Times New Roman",
    )
    section = document.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    def paragraph(text="", *, bold=False, align=JUSTIFY, before=0, label=""):
        p = document.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(before)
        if label:
            p.add_run(label).bold = True
            text = f" {text}" if text else ""
        if text:
            p.add_run(text).bold = bold
        return p

    if content["draft"]:
        paragraph("ПРОЕКТ", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(content["issuer"], bold=True, align=CENTER)
    paragraph(content["heading"], bold=True, align=CENTER, before=12)
    paragraph(f"Протокол №{content['number']}", bold=True, align=CENTER, before=12)
    paragraph(f"от {content['date']} г.", bold=True, align=CENTER)
    if content["revision"] > 1:
        paragraph(f"(редакция {content['revision']})", align=CENTER)
    for line in place_lines(content):
        paragraph(line, before=6)
    if content["chair"]:
        paragraph(f"{officer(content['chair'])};", label="Председатель:", before=12)
    if content["secretary"]:
        paragraph(f"{officer(content['secretary'])};", label="Секретарь:")
    paragraph(label="Присутствовали:", before=12)
    if content["present_heading"]:
        paragraph(content["present_heading"])
    for person in content["present"]:
        paragraph(f"{person};")
    if content["absent"]:
        paragraph(label="Отсутствовали:", before=6)
        for person in content["absent"]:
            paragraph(f"{person};")
    if content["guests"]:
        paragraph(label="Приглашённые:", before=6)
        for person in content["guests"]:
            paragraph(f"{person};")
    paragraph("ПОВЕСТКА ДНЯ", bold=True, align=CENTER, before=12)
    for item in content["items"]:
        paragraph(f"{item['number']}. {item['title']}")
    for item in content["items"]:
        paragraph(item["heard"] or item["title"], label=f"{item['number']}. СЛУШАЛИ:", before=12)
        if item["speeches"]:
            paragraph(label="ВЫСТУПИЛИ:", before=6)
            for speech in item["speeches"]:
                paragraph(speech)
        for line in item["reviewed"]:
            paragraph(line)
        if item["decisions"]:
            paragraph(label="ПОСТАНОВИЛИ:", before=6)
            for decision in item["decisions"]:
                paragraph(decision)
        if item["vote"]:
            paragraph(item["vote"], before=6)
    if content["signatures"]:
        table = document.add_table(rows=len(content["signatures"]), cols=3)
        for row, (role, name) in zip(table.rows, content["signatures"], strict=True):
            for cell, text, align in zip(
                row.cells,
                (role, "____________", name),
                (WD_ALIGN_PARAGRAPH.LEFT, CENTER, WD_ALIGN_PARAGRAPH.RIGHT),
                strict=True,
            ):
                cell.text = text
                cell.paragraphs[0].alignment = align
                cell.paragraphs[0].paragraph_format.space_before = Pt(24)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def protocol_pdf(content: dict) -> bytes:
    return render_pdf(
        "meetings/protocol_print.html",
        {
            "p": content,
            "chair": officer(content["chair"]) if content["chair"] else "",
            "secretary": officer(content["secretary"]) if content["secretary"] else "",
            "place_lines": place_lines(content),
        },
    )


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
