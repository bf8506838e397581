"""Every official document of the demo (`export_document --list`) comes out in the form of
ГОСТ Р 7.0.97: its stamp cites the order in the genitive with the date before the number, its
table headers repeat on every page, pages are numbered top centre from page 2, the type is Times
New Roman (14 pt body, tables at least 11 pt) set on styles and runs, and no system text
(rule codes, file names, statuses, «None») gets into it.

Every document is checked as DOCX and as PDF."""

import io
import re
import subprocess
import zipfile

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn

from opora.reports import layout as L
from opora.reports.documents import document_list, export_document
from opora.reports.pdf import render_pdf_document

pytestmark = pytest.mark.django_db

SYSTEM_TEXT = ["shnor-", "docs/", "версия 1", "seed", "запланировано", "None"]
STAMP = re.compile(r"(приказом|к приказу) (\S+)")
NOMINATIVE_HEADS = {"Отдел", "Управление", "Министерство", "Департамент", "Комитет"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def check_stamp(text: str) -> list[str]:
    problems = []
    for match in STAMP.finditer(text):
        if match.group(2) in NOMINATIVE_HEADS:
            problems.append(f"орган в именительном падеже: «{match.group(0)}»")
    if re.search(r"(приказом|к приказу)[^\n]*\n?[^\n]*№ ?\S* от \d", text):
        problems.append("номер перед датой в грифе")
    if re.search(r"№ от", text):
        problems.append("«№ от» без номера")
    return problems


def check_system_text(text: str) -> list[str]:
    return [f"служебный текст «{word}»" for word in SYSTEM_TEXT if word in text]


def check_docx(content: bytes) -> tuple[list[str], str]:
    problems = []
    document = WordDocument(io.BytesIO(content))
    styles = zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml").decode()
    if "Theme=" in styles or "theme=" in styles.replace("w:themeColor", ""):
        problems.append("шрифт стиля привязан к теме")
    normal = document.styles["Normal"]
    if normal.font.name != "Times New Roman" or normal.font.size.pt != 14:
        problems.append(f"основной текст: {normal.font.name} {normal.font.size.pt}")
    for level in (1, 2):
        if document.styles[f"Heading {level}"].font.name != "Times New Roman":
            problems.append(f"заголовок {level} не Times New Roman")
    first = document.sections[0]
    if first._sectPr.find(qn("w:titlePg")) is None:
        problems.append("нет особого первого листа (номер на первой странице)")
    if 'instr=" PAGE "' not in first.header._element.xml:
        problems.append("нет номера страницы в верхнем колонтитуле")
    for table in document.tables:
        bordered = table._tbl.tblPr.find(qn("w:tblBorders")) is not None
        if not bordered:
            continue  # the signature block
        if table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is None:
            problems.append("строка заголовка таблицы не повторяется")
        for size in table._tbl.iter(qn("w:sz")):
            if int(size.get(qn("w:val"))) < 22:
                problems.append("текст таблицы мельче 11 pt")
                break
    for fonts in document.element.body.iter(qn("w:rFonts")):
        if fonts.get(qn("w:ascii")) != "Times New Roman":
            problems.append(f"шрифт {fonts.get(qn('w:ascii'))} в тексте")
            break
    return problems, _docx_text(document)


def _pages(content: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")


def check_pdf(content: bytes) -> tuple[list[str], str]:
    problems = []
    pages = [page for page in _pages(content) if page.strip()]
    first_line = [line.strip() for line in pages[0].splitlines() if line.strip()][0]
    if first_line.isdigit():
        problems.append("номер на первой странице")
    if len(pages) > 1:
        top = [line.strip() for line in pages[1].splitlines() if line.strip()][0]
        if top != "2":
            problems.append(f"вверху второй страницы не её номер: «{top}»")
    fonts = subprocess.run(
        ["pdffonts", "-"], input=content, capture_output=True, check=False
    ).stdout.decode()
    if not re.search(r"Liberation-?Serif|Times", fonts):
        problems.append("шрифт не Times New Roman / Liberation Serif")
    return problems, "\n".join(pages)


def test_every_demo_document_is_in_the_official_form(demo):
    documents = document_list()
    assert {d.kind for d in documents} >= {
        "program",
        "protocol",
        "risk_profile",
        "staff_summary",
        "annual_report",
        "order",
    }
    problems = {}
    for document in documents:
        found, text = check_docx(export_document(document.id, file_format="docx"))
        found += check_stamp(text)
        found += check_system_text(text)
        if found:
            problems[f"{document.id}.docx"] = sorted(set(found))
    for document in documents:
        if "pdf" not in document.formats:
            continue
        found, text = check_pdf(export_document(document.id, file_format="pdf"))
        found += check_stamp(text)
        found += check_system_text(text)
        if found:
            problems[f"{document.id}.pdf"] = sorted(set(found))
    assert problems == {}


def test_the_checks_catch_the_old_stamp():
    old = "Утверждена приказом Отдел образования администрации района № 121 от 24.02.2022"
    assert len(check_stamp(old)) == 2
    new = "УТВЕРЖДЕНА\nприказом Отдела образования администрации района\nот 24.02.2022 № 121"
    assert check_stamp(new) == []
    assert check_stamp("Утверждена приказом № от 14.06.2022") != []


def test_a_long_table_repeats_its_header_on_every_pdf_page():
    rows = [[str(n), f"Мероприятие {n}: " + "слово " * 30] for n in range(1, 80)]
    document = L.OfficialDocument(
        title="Проба",
        blocks=[
            L.Table(header=[["№ п/п", "Содержание мероприятия"]], rows=rows, widths_cm=[2, 14])
        ],
    )
    pages = [page for page in _pages(render_pdf_document(document)) if page.strip()]
    assert len(pages) > 2
    for number, page in enumerate(pages, 1):
        assert "Содержание мероприятия" in page, f"на странице {number} нет заголовка таблицы"
