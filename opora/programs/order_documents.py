"""An order (приказ) as the document it is: the issuer, «ПРИКАЗ», date and number, place, title,
basis, the points, who controls, the signatory, and what it approves — its programs and lists —
as numbered appendices «Приложение № N к приказу … от … № …». Drawn by the document layer."""

from collections.abc import Iterator

from django.db.models import Q

from opora.programs.documents import program_blocks
from opora.programs.models import Order
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import render_docx
from opora.reports.pdf import render_pdf_document

KIND = "order"


def _person(text: str) -> tuple[str, str]:
    """«В.В. Булыгин, Начальник Управления» → the position and the name, as a signature has them."""
    name, _, position = text.partition(", ")
    return position, name


def _appendices(order: Order) -> list[tuple[str, list]]:
    """What the order approves, each as a title and the blocks of its text."""
    found = [
        (program.name, program_blocks(program, stamp=False)) for program in order.programs.all()
    ]
    for run in order.identification_runs.select_related("municipality", "region"):
        verdicts = run.verdicts.filter(flagged=True).select_related("school")
        schools = sorted((v.school for v in verdicts), key=lambda s: s.name)
        rows = [[str(n), school.name] for n, school in enumerate(schools, 1)]
        title = order.title.removeprefix("Об утверждении ").strip() or "Перечень школ"
        blocks = [
            L.Heading(title[:1].upper() + title[1:]),
            L.Table(header=[["№ п/п", "Наименование школы"]], rows=rows, widths_cm=[1.5, 15]),
        ]
        found.append((title, blocks))
    return found


def order_document(order: Order) -> L.OfficialDocument:
    issuer = [part.upper() for part in order.issuer.split(", ")] if order.issuer else []
    number = f" № {order.number}" if order.number else ""
    blocks: list = [
        L.Issuer(issuer),
        L.Paragraph("ПРИКАЗ", bold=True, align=L.CENTER, space_before_pt=12),
        L.Paragraph(f"{order.date:%d.%m.%Y}{number}", align=L.CENTER, space_before_pt=12),
    ]
    if order.place:
        blocks.append(L.Paragraph(order.place, align=L.CENTER))
    if order.title:
        blocks.append(L.Paragraph(order.title, bold=True, align=L.CENTER, space_before_pt=12))
    basis = order.basis_text
    if order.basis:
        cited = order.basis
        basis = (
            f"Во исполнение приказа {cited.requisites().issuer_genitive} "
            f"{cited.requisites().dated()} «{cited.title}»"
        )
    if basis:
        blocks.append(L.Paragraph(basis.rstrip(" .,") + ",", indent=True, space_before_pt=12))
    blocks.append(L.Paragraph("ПРИКАЗЫВАЮ:", bold=True, space_before_pt=6))
    points = [str(point) for point in order.points]
    blocks += [L.Paragraph(point, indent=True) for point in points]
    if order.controller and not any("онтрол" in point for point in points):
        blocks.append(
            L.Paragraph(
                f"{len(points) + 1}. Контроль за исполнением приказа возложить на "
                f"{order.controller.rstrip('.')}.",
                indent=True,
            )
        )
    if order.signatory:
        blocks.append(L.Signatures([_person(order.signatory)]))
    appendices = _appendices(order)
    for number, (_, appendix) in enumerate(appendices, 1):
        blocks.append(L.PageBreak())
        blocks.append(
            L.Stamp.appendix(
                number=number if len(appendices) > 1 else None, order=order.requisites()
            )
        )
        blocks += appendix
        if any(isinstance(b, L.Landscape) for b in appendix):
            blocks.append(L.Portrait())
    if isinstance(blocks[-1], L.Portrait):
        blocks.pop()
    return L.OfficialDocument(title=f"Приказ {order}", blocks=blocks)


def _title(order: Order) -> str:
    return f"Приказ {order}: {order.title or order.issuer}"


def issued_orders():
    """Orders with points or approving something in the app: a law or a decree a program only
    cites (a basis) is not an order the department issues, and exports as nothing."""
    return Order.objects.filter(
        ~Q(points=[]) | Q(programs__isnull=False) | Q(identification_runs__isnull=False)
    ).distinct()


def _listing() -> Iterator[Document]:
    for order in issued_orders().order_by("pk"):
        yield Document(f"{KIND}-{order.pk}", KIND, _title(order), ("docx", "pdf"))


def _build(pk: int, file_format: str) -> bytes:
    document = order_document(Order.objects.select_related("basis").get(pk=pk))
    return render_docx(document) if file_format == "docx" else render_pdf_document(document)


register(KIND, listing=_listing, build=_build)
