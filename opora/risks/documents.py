"""The school's risk profile as a document: DOCX and PDF with the levels of every factor, the
answers behind them, the priority factors and the change since the year before. Anti-risk
programs are programs and export as `program-N`."""

from collections.abc import Iterator

from opora.registry.years import academic_year_label
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx
from opora.reports.pdf import render_pdf_document
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


def profile_document(profile: RiskProfile) -> L.OfficialDocument:
    context = _context(profile)
    title = f"Рисковый профиль школы на {context['year_label']} учебный год"
    blocks: list = [L.example_mark("ответы анкеты")] if profile.is_example else []
    blocks += [
        L.Heading(title),
        L.Paragraph(f"{profile.school.name} ({profile.school.municipality})", align=L.CENTER),
    ]
    if context["priorities"]:
        blocks.append(L.Heading("Приоритетные факторы риска", level=2))
        blocks += [L.Paragraph(f"{n}. {title}") for n, title in enumerate(context["priorities"], 1)]
    columns = list(LEVEL_COLUMNS)
    if context["before_label"]:
        columns[3] = context["before_label"]
    blocks.append(L.Heading("Уровни факторов риска", level=2))
    blocks.append(L.Table(header=[columns], rows=context["levels"], widths_cm=[7, 2.5, 2, 3, 2.5]))
    blocks.append(L.Heading("Ответы анкеты", level=2))
    for block, answers in context["blocks"]:
        rows = [[text, value, _source(answer)] for text, value, answer in answers]
        blocks.append(
            L.Table(
                header=[["Вопрос", "Ответ", "Откуда"]],
                rows=rows,
                widths_cm=[9, 3, 5],
                caption=block.factor.title,
            )
        )
    return L.OfficialDocument(title=f"{title}: {profile.school.short_name}", blocks=blocks)


def profile_docx(profile: RiskProfile) -> bytes:
    return render_docx(profile_document(profile))


def profile_pdf(profile: RiskProfile) -> bytes:
    return render_pdf_document(profile_document(profile))


def _build(pk: int, file_format: str) -> bytes:
    profile = RiskProfile.objects.select_related("school__municipality").get(pk=pk)
    return {"docx": profile_docx, "pdf": profile_pdf}[file_format](profile)


register("risk_profile", listing=_listing, build=_build)
