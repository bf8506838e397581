"""The self-assessment as a справка (DOCX and PDF from one structure: heading, a table of the
cycle's steps with their scores, then the evidence listed per step) and the region's table of
municipalities × steps as XLSX. The builder is small on purpose: `spravka` gives the content,
the two writers only lay it out, so it can move to a shared document layer as it is."""

from collections.abc import Iterator
from dataclasses import dataclass

from opora.exports import xlsx_workbook_bytes
from opora.registry.years import academic_year_label
from opora.reports.documents import Document, register
from opora.reports.docx import add_table, docx_bytes, official_document
from opora.reports.pdf import render_pdf
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
            f"(критерии: {view.criteria_set})"
        ),
        steps_table=rows,
        sections=sections,
        closing=closing,
    )


def spravka_docx(content: Spravka) -> bytes:
    document = official_document(body_pt=14)
    document.add_heading(content.title, level=1)
    document.add_paragraph(content.subtitle)
    add_table(document, content.steps_table, [1.0, 9.0, 3.0, 4.0], font_pt=11)
    for heading, lines in content.sections:
        document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(line)
    for line in content.closing:
        document.add_paragraph(line)
    return docx_bytes(document)


def spravka_pdf(content: Spravka) -> bytes:
    return render_pdf("selfassessment/spravka_print.html", {"spravka": content})


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
