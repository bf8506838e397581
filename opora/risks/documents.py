"""The school's risk profile as a document: DOCX and PDF with the levels of every factor, the
answers behind them, the priority factors and the change since the year before. Anti-risk
programs are programs and export as `program-N`."""

from collections.abc import Iterator

from opora.registry.years import academic_year_label
from opora.reports.documents import Document, register
from opora.reports.docx import add_table, docx_bytes, official_document
from opora.reports.pdf import render_pdf
from opora.risks.models import RiskProfile
from opora.risks.selectors import previous_profile, questionnaire

LEVEL_COLUMNS = ["Фактор риска", "Уровень", "Баллы", "Год назад", "Приоритетный"]


def _listing() -> Iterator[Document]:
    for profile in RiskProfile.objects.select_related("school").order_by("pk"):
        year = academic_year_label(profile.year)
        title = f"Рисковый профиль: {profile.school.short_name}, {year}"
        yield Document(f"risk_profile-{profile.pk}", "risk_profile", title, ("docx", "pdf"))


def _answer_text(row) -> str:
    if row.answer is None:
        return "нет ответа"
    value, kind = row.answer.number, row.question.answer_type
    if kind == "yes_no":
        return "да" if value else "нет"
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} %" if kind == "share" else text


def _source(answer) -> str:
    if answer is None:
        return "—"
    return answer.note if answer.is_auto else "школа"


def _context(profile: RiskProfile) -> dict:
    blocks = questionnaire(profile=profile)
    before = previous_profile(profile=profile)
    levels = []
    for block in blocks:
        row = block.row
        levels.append(
            [
                block.factor.title,
                row.get_level_display() if row and row.level else "нет ответов",
                f"{row.score}".replace(".", ",") if row and row.score is not None else "—",
                block.before.get_level_display() if block.before and block.before.level else "—",
                "да" if row and row.is_priority else "",
            ]
        )
    return {
        "profile": profile,
        "school": profile.school,
        "year_label": academic_year_label(profile.year),
        "before_label": academic_year_label(before.year) if before else "",
        "levels": levels,
        "blocks": [
            (block, [(r.question.text, _answer_text(r), r.answer) for r in block.questions])
            for block in blocks
        ],
        "priorities": [b.factor.title for b in blocks if b.row and b.row.is_priority],
    }


def profile_docx(profile: RiskProfile) -> bytes:
    context = _context(profile)
    document = official_document()
    document.add_heading(f"Рисковый профиль школы на {context['year_label']} учебный год", level=1)
    document.add_paragraph(f"{profile.school.name} ({profile.school.municipality})")
    document.add_paragraph(f"Статус: {profile.get_status_display()}")
    if context["priorities"]:
        document.add_heading("Приоритетные факторы риска", level=2)
        for title in context["priorities"]:
            document.add_paragraph(title, style="List Number")
    document.add_heading("Уровни факторов риска", level=2)
    columns = list(LEVEL_COLUMNS)
    if context["before_label"]:
        columns[3] = context["before_label"]
    add_table(document, [columns, *context["levels"]], [7, 2.5, 2, 3, 2.5])
    document.add_heading("Ответы анкеты", level=2)
    for block, answers in context["blocks"]:
        document.add_paragraph(block.factor.title).runs[0].bold = True
        rows = [[text, value, _source(answer)] for text, value, answer in answers]
        add_table(document, [["Вопрос", "Ответ", "Откуда"], *rows], [9, 3, 5])
    return docx_bytes(document)


def profile_pdf(profile: RiskProfile) -> bytes:
    return render_pdf("risks/profile_print.html", _context(profile))


def _build(pk: int, file_format: str) -> bytes:
    profile = RiskProfile.objects.select_related("school__municipality").get(pk=pk)
    return {"docx": profile_docx, "pdf": profile_pdf}[file_format](profile)


register("risk_profile", listing=_listing, build=_build)
