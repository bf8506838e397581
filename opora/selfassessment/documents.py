"""The self-assessment as a справка (DOCX and PDF from one structure: heading, a table of the
cycle's steps with their scores, then the evidence listed per step) and the region's table of
municipalities × steps as XLSX. The builder is small on purpose: `spravka` gives the content,
the document layer lays it out."""

from collections.abc import Iterator
from dataclasses import dataclass

from opora.exports import xlsx_workbook_bytes
from opora.registry.years import academic_year_label
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx
from opora.reports.pdf import render_pdf_document
from opora.selfassessment.models import SelfAssessment, Step
from opora.selfassessment.selectors import AssessmentView, TableRow, assessment_view

KIND = "self_assessment"
STEP_COLUMNS = ["№", "Шаг управленческого цикла", "Баллы", "Оценка"]


@dataclass
class Spravka:
    title: str
    subtitle: str
    steps_table: list[list]
    sections: list[tuple[str, list[str]]]  # step heading → lines (criterion, evidence, gaps)
    closing: list[str]


def spravka(view: AssessmentView) -> Spravka:
    municipality, assessment = view.municipality, view.assessment
    rows = [STEP_COLUMNS]
    sections = []
    for step in view.steps:
        rows.append([step.number, step.label, f"{step.points} из {step.max_points}", step.level[1]])
        lines = []
        for row in step.criteria:
            c = row.criterion
            lines.append(f"{c.number}. {c.text} — {row.points} из {c.max_points}.")
            lines += [f"Подтверждение: {item['summary']}." for item in row.accepted]
            if row.answer and row.answer.file:
                lines.append("Подтверждение: файл муниципалитета приложен.")
            if row.answer and row.answer.comment:
                lines.append(f"Пояснение муниципалитета: {row.answer.comment}")
            if row.is_gap:
                lines.append(f"Не подтверждено. Что нужно: {row.closes}")
        sections.append((f"{step.number}. {step.label}", lines))
    rows.append(["", "Итого", f"{view.points} из {view.max_points}", f"{view.percent or 0} %"])
    status = assessment.get_status_display() if assessment else "не начата"
    closing = [f"Состояние самооценки: {status}."]
    if assessment and assessment.review_comment:
        closing.append(f"Комментарий региона: {assessment.review_comment}")
    return Spravka(
        title="СПРАВКА",
        subtitle=(
            f"о результатах самооценки муниципалитета «{municipality.name}» по направлению "
            "«Система работы со "
            "школами с низкими результатами обучения и/или школами, функционирующими в "
            f"неблагоприятных социальных условиях» за {academic_year_label(view.year)} учебный год "
            f"(критерии: {view.criteria_set.title})"
        ),
        steps_table=rows,
        sections=sections,
        closing=closing,
    )


def spravka_document(content: Spravka) -> L.OfficialDocument:
    """The справка as the document layer draws it (reports/layout.py)."""
    blocks: list = [
        L.Heading(content.title),
        L.Paragraph(content.subtitle, align=L.CENTER),
        L.Table(
            header=[content.steps_table[0]],
            rows=content.steps_table[1:],
            widths_cm=[1.0, 9.0, 3.0, 4.0],
            font_pt=L.MIN_TABLE_PT,
        ),
    ]
    for heading, lines in content.sections:
        blocks.append(L.Heading(heading, level=2))
        blocks += [L.Paragraph(line) for line in lines]
    blocks += [L.Paragraph(line) for line in content.closing]
    return L.OfficialDocument(title=f"{content.title} {content.subtitle}", blocks=blocks)


def spravka_docx(content: Spravka) -> bytes:
    return render_docx(spravka_document(content))


def spravka_pdf(content: Spravka) -> bytes:
    return render_pdf_document(spravka_document(content))


def build_spravka(assessment: SelfAssessment, file_format: str) -> bytes:
    content = spravka(assessment_view(municipality=assessment.municipality, year=assessment.year))
    return spravka_docx(content) if file_format == "docx" else spravka_pdf(content)


def _listing() -> Iterator[Document]:
    for assessment in SelfAssessment.objects.select_related("municipality").order_by("pk"):
        yield Document(f"{KIND}-{assessment.pk}", KIND, str(assessment), ("docx", "pdf"))


def _build(pk: int, file_format: str) -> bytes:
    return build_spravka(SelfAssessment.objects.get(pk=pk), file_format)


register(KIND, listing=_listing, build=_build)


def table_xlsx(rows: list[TableRow], *, year_label: str) -> bytes:
    """The region's table: a municipality a row, each step its points and level in words."""
    header = ["Муниципалитет", "Состояние"]
    header += [f"{n}. {label}" for n, label in enumerate(Step.labels, start=1)]
    header += ["Итого, %", "Изменение к прошлому году, п. п."]
    lines = [[f"Самооценка муниципалитетов за {year_label}"], header]
    for row in rows:
        view = row.view
        if view is None:
            lines.append([row.municipality.name, "не начата"])
            continue
        steps = {step.step: step for step in view.steps}
        cells = [
            f"{steps[s].points} из {steps[s].max_points} — {steps[s].level[1]}"
            if s in steps
            else "—"
            for s in Step.values
        ]
        status = view.assessment.get_status_display() if view.assessment else "не начата"
        lines.append([row.municipality.name, status, *cells, view.percent, row.change])
    return xlsx_workbook_bytes({"Самооценка": lines})
