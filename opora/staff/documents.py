"""«Сводка по профессиональным дефицитам и ИОМ» of a municipality for its latest academic year
with data: deficits by subject and school, whether ИОМ close them, courses, mentoring, the
schools' staff figures and students at risk by period (counts only). One list of sections feeds
the DOCX, the XLSX and the PDF, so the three never disagree."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from opora.exports import xlsx_workbook_bytes
from opora.registry.models import Municipality
from opora.registry.years import academic_year_label, current_academic_year
from opora.reports import layout as L
from opora.reports.documents import Document, register
from opora.reports.docx import LANDSCAPE_WIDTH_CM, render_docx
from opora.reports.pdf import render_pdf_document
from opora.staff import indicators, selectors
from opora.staff.models import MentoringPair, RouteStatus, Teacher

KIND = "staff_summary"
TITLE = "Сводка по профессиональным дефицитам и ИОМ"


@dataclass
class Section:
    title: str
    sheet: str  # the XLSX sheet's name: at most 31 characters
    rows: list[list]  # the first row is the header
    widths_cm: list[float]
    note: str = ""
    landscape: bool = False
    numeric: set[int] = field(default_factory=set)  # columns aligned right in the PDF


@dataclass
class Summary:
    municipality: Municipality
    year: int
    facts: list[str]
    sections: list[Section]

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)


def _listing() -> Iterator[Document]:
    with_data = Municipality.objects.filter(
        Q(schools__teachers__isnull=False) | Q(schools__at_risk_figures__isnull=False)
    ).distinct()
    for municipality in with_data.order_by("pk"):
        yield Document(
            f"{KIND}-{municipality.pk}",
            KIND,
            f"{TITLE}: {municipality.name}",
            ("docx", "xlsx", "pdf"),
        )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _share(numerator: float, denominator: float) -> str:
    """«66,7 % (2 из 3)»; nothing to divide by → «—»."""
    if not denominator:
        return "—"
    return f"{_number(100 * numerator / denominator)} % ({int(numerator)} из {int(denominator)})"


def _split(first: list[float], count: int, total: float) -> list[float]:
    """`first` widths, then `count` equal columns filling the rest of the page."""
    rest = (total - sum(first)) / count if count else 0
    return first + [round(rest, 2)] * count


def summary(municipality: Municipality) -> Summary:
    schools = municipality.schools.order_by("short_name")
    year = selectors.latest_year(schools=schools) or current_academic_year(timezone.localdate())
    overview = selectors.overview_rows(schools=schools, year=year)
    totals = {
        code: (
            sum(r.shares[code][0] for r in overview if r.shares[code]),
            sum(r.shares[code][1] for r in overview if r.shares[code]),
        )
        for code in selectors.OVERVIEW_COLUMNS
    }
    matrix = selectors.deficit_matrix_of(schools=schools, year=year)
    lines = selectors.closure_lines(schools=schools, year=year)
    addressed = sum(len(line.rows) for line in lines)
    closed = sum(line.closed for line in lines)
    teachers = sum(r.teachers for r in overview)
    facts = [
        f"Педагогов в списках школ: {teachers}.",
        f"Прошли диагностику профессиональных дефицитов: {_share(*totals['staff_diagnosed'])}.",
        f"Реализуют ИОМ: {_share(*totals['staff_route'])}; дефицитов, на которые направлены ИОМ: "
        f"{addressed}, устранено по повторной диагностике: {closed}.",
        f"Прошли курсы повышения квалификации: {_share(*totals['staff_course'])}.",
        f"Молодые специалисты с наставником: {_share(*totals['staff_mentoring'])}.",
        f"Участвовали в методических мероприятиях: {_share(*totals['staff_events'])}.",
    ]
    sections = [
        _deficit_kinds(matrix),
        _route_closure(lines),
        _courses(municipality, year),
        _mentoring(municipality, year),
        _deficit_matrix(matrix),
        _school_figures(overview, totals),
        _at_risk(schools),
    ]
    return Summary(municipality, year, facts, sections)


def _deficit_kinds(matrix) -> Section:
    rows = [["Дефицит", "Вид", "Педагогов с дефицитом", "Из них с ИОМ на этот дефицит"]]
    rows += [
        [deficit.name, deficit.get_area_display(), having, with_route]
        for deficit, having, with_route in matrix.by_deficit
    ]
    return Section(
        "Выявленные дефициты и ИОМ, направленные на них",
        "Дефициты и ИОМ",
        rows,
        [8.0, 3.4, 2.8, 2.8],
        note="По последней диагностике каждого педагога по каждому предмету за учебный год; "
        "ИОМ-черновики не учитываются.",
        numeric={2, 3},
    )


def _route_closure(lines) -> Section:
    per_school = defaultdict(lambda: [0, 0, 0, 0])  # routes, completed, deficits, closed
    names = {}
    for line in lines:
        school = line.route.teacher.school
        names[school.pk] = school.short_name
        counts = per_school[school.pk]
        counts[0] += 1
        counts[1] += line.route.status == RouteStatus.COMPLETED
        counts[2] += len(line.rows)
        counts[3] += line.closed
    rows = [["Школа", "ИОМ", "Из них завершены", "Дефицитов в ИОМ", "Устранено"]]
    for pk, (routes, completed, deficits, closed) in per_school.items():
        rows.append([names[pk], routes, completed, deficits, _share(closed, deficits)])
    if len(per_school) > 1:
        sums = [sum(c[i] for c in per_school.values()) for i in range(4)]
        rows.append(["Всего", sums[0], sums[1], sums[2], _share(sums[3], sums[2])])
    return Section(
        "ИОМ педагогов и устранение дефицитов",
        "Устранение дефицитов",
        rows,
        [6.0, 2.0, 2.6, 2.8, 3.6],
        note="Дефицит устранён, если после последней диагностики, которая его выявила, педагог "
        "прошёл диагностику по тому же предмету и дефицит не выявлен.",
        numeric={1, 2, 3, 4},
    )


def _courses(municipality: Municipality, year: int) -> Section:
    courses = municipality.courses.annotate(
        completed=Count(
            "completions",
            filter=Q(completions__completed_on__range=indicators.year_dates(year)),
            distinct=True,
        )
    ).order_by("starts_on", "title")
    rows = [["Программа", "Кто проводит", "Часов", "Сроки", "Прошли в учебном году"]]
    for course in courses:
        dates = " – ".join(f"{d:%d.%m.%Y}" for d in (course.starts_on, course.ends_on) if d)
        rows.append(
            [
                course.title,
                course.provider,
                course.hours or "—",
                dates or "по графику",
                course.completed,
            ]
        )
    return Section(
        "Курсы повышения квалификации (КПК)",
        "КПК",
        rows,
        [6.6, 3.2, 1.4, 3.6, 2.2],
        numeric={2, 4},
    )


def _mentoring(municipality: Municipality, year: int) -> Section:
    pairs = (
        MentoringPair.objects.filter(mentee__school__municipality=municipality)
        .select_related("mentor__school", "mentee__school")
        .order_by("mentee__school__short_name", "mentee__full_name")
    )
    rows = [["Молодой специалист", "Школа", "Наставник", "Сроки"]]
    for pair in pairs:
        if not pair.is_active_in(year):
            continue
        mentor = pair.mentor.full_name
        if pair.mentor.school_id != pair.mentee.school_id:
            mentor += f" ({pair.mentor.school.short_name})"
        ends = f"{pair.ends_on:%d.%m.%Y}" if pair.ends_on else "по настоящее время"
        rows.append(
            [
                pair.mentee.full_name,
                pair.mentee.school.short_name,
                mentor,
                f"{pair.starts_on:%d.%m.%Y} – {ends}",
            ]
        )
    young = Teacher.objects.filter(school__municipality=municipality, is_young_specialist=True)
    return Section(
        "Наставничество",
        "Наставничество",
        rows,
        [4.2, 4.4, 4.4, 4.0],
        note=f"Наставнические пары, работавшие в учебном году; молодых специалистов в списках "
        f"школ: {young.count()}.",
    )


def _deficit_matrix(matrix) -> Section:
    rows = [["Школа", *(s.name for s in matrix.subjects)]]
    for school, cells in matrix.rows:
        rows.append([school.short_name, *(_share(c.with_deficits, c.diagnosed) for c in cells)])
    if len(matrix.rows) > 1:
        rows.append(["Всего", *(_share(c.with_deficits, c.diagnosed) for c in matrix.totals)])
    return Section(
        "Профессиональные дефициты по предметам и школам",
        "Дефициты по предметам",
        rows,
        _split([4.5], len(matrix.subjects), LANDSCAPE_WIDTH_CM),
        note="Доля педагогов с выявленными дефицитами среди прошедших диагностику по предмету "
        "в учебном году (по последней диагностике каждого педагога).",
        landscape=True,
        numeric=set(range(1, len(rows[0]))),
    )


def _school_figures(overview, totals) -> Section:
    columns = selectors.OVERVIEW_COLUMNS
    rows = [["Школа", "Педагогов", *columns.values()]]
    shown = [r for r in overview if r.teachers or any(r.shares.values())]
    for row in shown:
        rows.append(
            [
                row.school.short_name,
                row.teachers,
                *(_share(*row.shares[c]) if row.shares[c] else "—" for c in columns),
            ]
        )
    rows.append(
        ["Всего", sum(r.teachers for r in overview), *(_share(*totals[c]) for c in columns)]
    )
    note = (
        "От числа педагогов школы; наставничество — от молодых специалистов, устранение "
        "дефицитов — от дефицитов, на которые направлены ИОМ, планы сопровождения — от "
        "обучающихся с рисками."
    )
    without = [r.school.short_name for r in overview if r not in shown]
    if without:
        note += " Нет ни списка педагогов, ни сведений об обучающихся: " + ", ".join(without) + "."
    return Section(
        "Показатели школ, которые программы используют как целевые",
        "Показатели школ",
        rows,
        _split([4.1, 2.1], len(columns), LANDSCAPE_WIDTH_CM),
        note=note,
        landscape=True,
        numeric=set(range(1, len(rows[0]))),
    )


def _at_risk(schools) -> Section:
    periods, lines = selectors.at_risk_table(schools=schools)
    rows = [
        [
            "Школа",
            "Учебный год",
            "Период",
            "Обучающихся",
            "С рисками неуспешности",
            "С планом сопровождения",
            "Улучшили результаты",
        ]
    ]
    for line in lines:
        for (year, period), cell in zip(periods, line.cells, strict=True):
            if cell is None:
                continue
            students, at_risk, with_plan, improved = cell
            rows.append(
                [
                    line.school.short_name,
                    academic_year_label(year),
                    period,
                    "—" if students is None else students,
                    "—" if at_risk is None else _share(at_risk, students or 0),
                    "—" if with_plan is None else with_plan,
                    "не указано" if improved is None else improved,
                ]
            )
    return Section(
        "Обучающиеся с рисками учебной неуспешности",
        "Обучающиеся с рисками",
        rows,
        _split([6.0, 2.4, 3.0], 4, LANDSCAPE_WIDTH_CM),
        note="Только числа, без персональных данных; для школы — строка «школа в целом, все "
        "предметы», иначе сумма по классам.",
        landscape=True,
        numeric={3, 4, 5, 6},
    )


def summary_document(data: Summary) -> L.OfficialDocument:
    """The summary as the document layer draws it: facts, then one numbered table a section,
    the wide ones on landscape pages, the «Всего» row bold."""
    title = f"{TITLE} за {data.year_label} учебный год"
    invented = Teacher.objects.filter(school__municipality=data.municipality, is_demo=True)
    blocks: list = [L.example_mark("педагоги и их данные")] if invented.exists() else []
    blocks += [
        L.Heading(title),
        L.Paragraph(data.municipality.name, align=L.CENTER),
        L.Paragraph(f"Сформирована {timezone.localdate():%d.%m.%Y}.", space_before_pt=6),
    ]
    blocks += [L.Paragraph(f"– {fact}", indent=True) for fact in data.facts]
    landscape = False
    for number, section in enumerate(data.sections, start=1):
        if section.landscape and not landscape:
            blocks.append(L.Landscape())
            landscape = True
        blocks.append(L.Heading(f"{number}. {section.title}", level=2))
        if len(section.rows) == 1:
            blocks.append(L.Paragraph("Сведений нет."))
            continue
        rows = [
            [L.Cell(str(v), bold=True) for v in row] if row[0] == "Всего" else row
            for row in section.rows[1:]
        ]
        blocks.append(
            L.Table(
                header=[section.rows[0]],
                rows=rows,
                widths_cm=section.widths_cm,
                font_pt=L.MIN_TABLE_PT if landscape else L.TABLE_PT,
                numeric=section.numeric,
            )
        )
        if section.note:
            blocks.append(L.Paragraph(section.note, size_pt=12))
    return L.OfficialDocument(title=f"{title}: {data.municipality.name}", blocks=blocks)


def summary_docx(data: Summary) -> bytes:
    return render_docx(summary_document(data))


def summary_xlsx(data: Summary) -> bytes:
    return xlsx_workbook_bytes(
        {section.sheet: section.rows for section in data.sections if len(section.rows) > 1}
    )


def summary_pdf(data: Summary) -> bytes:
    return render_pdf_document(summary_document(data))


def _build(pk: int, file_format: str) -> bytes:
    data = summary(Municipality.objects.get(pk=pk))
    return {"docx": summary_docx, "xlsx": summary_xlsx, "pdf": summary_pdf}[file_format](data)


register(KIND, listing=_listing, build=_build)
