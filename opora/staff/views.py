from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from opora.accounts.permissions import (
    can_review_route,
    can_view_school,
    edits_staff,
    edits_staff_somewhere,
    records_diagnostics,
    records_diagnostics_somewhere,
    runs_methodical_work,
    sees_whole_municipality,
    visible_municipalities,
    visible_schools,
)
from opora.downloads import file_response
from opora.import_pages import import_page
from opora.registry.models import Municipality
from opora.registry.years import current_academic_year, page_year, year_in_view
from opora.reports.documents import FORMATS, export_document
from opora.staff import forms, selectors, services
from opora.staff.models import (
    AtRiskFigure,
    MethodicalAssociation,
    ReviewRole,
    RouteActivity,
    Teacher,
    Vacancy,
)


def _filters(request) -> tuple[forms.YearFilterForm, int, str]:
    """The year (the year in view, or the latest earlier one with staff data) and the
    municipality of a municipal page."""
    default = page_year(request, years=selectors.staff_data_years(user=request.user))
    data = request.GET.copy()
    data["year"] = default
    form = forms.YearFilterForm(
        data,
        years=selectors.staff_years(user=request.user, today=timezone.localdate(), also=default),
        municipalities=selectors.municipality_choices(user=request.user),
    )
    form.is_valid()
    return form, form.cleaned_data.get("year") or default, form.cleaned_data.get("municipality", "")


def _methodical_municipalities(user) -> QuerySet[Municipality]:
    """Where the user adds courses, events and templates (a methodist: the one municipality)."""
    allowed = [m.pk for m in visible_municipalities(user) if runs_methodical_work(user, m)]
    return Municipality.objects.filter(pk__in=allowed).order_by("name")


def _route_years(user) -> list[int]:
    """The next year (plans are made ahead), the year in view and five before it (late
    entries), and the calendar's current year when it is not among them."""
    year = year_in_view(user)
    years = set(range(year + 1, year - 6, -1)) | {current_academic_year(timezone.localdate())}
    return sorted(years, reverse=True)


@login_required
def overview(request):
    form, year, municipality = _filters(request)
    return render(
        request,
        "staff/overview.html",
        {
            "form": form,
            "year": year,
            "rows": selectors.overview(user=request.user, year=year, municipality=municipality),
            "columns": selectors.OVERVIEW_COLUMNS,
            "several_municipalities": len(form.fields["municipality"].choices) > 2,
            "may_import_teachers": edits_staff_somewhere(request.user),
            "may_import_diagnostics": records_diagnostics_somewhere(request.user),
        },
    )


def _summarised_municipalities(user, code: str = "") -> list[Municipality]:
    """Municipalities whose summary document the user may take (all their schools seen)."""
    municipalities = selectors.municipality_choices(user=user)
    if code:
        municipalities = municipalities.filter(code=code)
    return [m for m in municipalities if sees_whole_municipality(user, m)]


@login_required
def deficits(request):
    form, year, municipality = _filters(request)
    return render(
        request,
        "staff/deficits.html",
        {
            "form": form,
            "year": year,
            "matrix": selectors.deficit_matrix(
                user=request.user, year=year, municipality=municipality
            ),
            "several_municipalities": len(form.fields["municipality"].choices) > 2,
            "summaries": _summarised_municipalities(request.user, municipality),
        },
    )


@login_required
def summary_export(request, code, file_format):
    """«Сводка по профессиональным дефицитам и ИОМ» of a municipality as a file."""
    found = _summarised_municipalities(request.user, code)
    if not found:
        raise Http404
    municipality = found[0]
    content = export_document(f"staff_summary-{municipality.pk}", file_format=file_format)
    name = f"staff-summary-{municipality.code}.{file_format}"
    return file_response(content, filename=name, content_type=FORMATS[file_format])


@login_required
def closure(request):
    form, year, municipality = _filters(request)
    lines = selectors.route_closure_list(user=request.user, year=year, municipality=municipality)
    return render(
        request,
        "staff/closure.html",
        {
            "form": form,
            "year": year,
            "lines": lines,
            "addressed": sum(len(line.rows) for line in lines),
            "closed": sum(line.closed for line in lines),
            "several_municipalities": len(form.fields["municipality"].choices) > 2,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_teachers(request, code):
    school = selectors.school_get(user=request.user, code=code)
    may_edit = edits_staff(request.user, school)
    teacher_form = forms.TeacherForm(request.POST or None, prefix="teacher")
    vacancy_form = forms.VacancyForm(request.POST or None, prefix="vacancy")
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if "teacher-full_name" in request.POST and teacher_form.is_valid():
            data = dict(teacher_form.cleaned_data)
            subjects = data.pop("subjects")
            teacher = services.teacher_save(
                user=request.user, school=school, teacher=None, values=data, subjects=subjects
            )
            messages.success(request, f"Педагог {teacher.full_name} добавлен.")
            return redirect("staff:school_teachers", code=school.code)
        if "vacancy-position" in request.POST and vacancy_form.is_valid():
            services.vacancy_add(user=request.user, school=school, **vacancy_form.cleaned_data)
            messages.success(request, "Вакансия добавлена.")
            return redirect("staff:school_teachers", code=school.code)
    year = page_year(request)
    return render(
        request,
        "staff/school_teachers.html",
        {
            "school": school,
            "year": year,
            "teachers": selectors.teacher_list(school=school, year=year),
            "vacancies": school.vacancies.all(),
            "staffing": school.context_values.filter(
                year=year, indicator__group="staffing"
            ).select_related("indicator"),
            "may_edit": may_edit,
            "teacher_form": teacher_form,
            "vacancy_form": vacancy_form,
        },
    )


@login_required
@require_POST
def vacancy_delete(request, pk):
    vacancy = get_object_or_404(
        Vacancy.objects.filter(school__in=visible_schools(request.user)), pk=pk
    )
    if not edits_staff(request.user, vacancy.school):
        raise PermissionDenied
    services.vacancy_delete(user=request.user, vacancy=vacancy)
    messages.success(request, "Вакансия удалена.")
    return redirect("staff:school_teachers", code=vacancy.school.code)


@login_required
@require_http_methods(["GET", "POST"])
def teachers_import(request):
    if not edits_staff_somewhere(request.user):
        raise PermissionDenied
    return import_page(
        request,
        form_class=forms.UploadForm,
        service=services.teachers_import,
        describe=lambda result: result.describe("педагогов"),
        purpose="teachers",
        template="staff/teachers_import.html",
        loaded="Файл {filename} загружен. {summary}",
        done="staff:overview",
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnostics_import(request):
    if not records_diagnostics_somewhere(request.user):
        raise PermissionDenied
    return import_page(
        request,
        form_class=forms.UploadForm,
        service=services.diagnostics_import,
        describe=lambda result: result.describe("результатов"),
        purpose="diagnostics",
        template="staff/diagnostics_import.html",
        loaded="Файл {filename} загружен. {summary}",
        done="staff:overview",
    )


@login_required
@require_http_methods(["GET", "POST"])
def teacher_detail(request, pk):
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    school = teacher.school
    may_diagnose = records_diagnostics(request.user, school)
    may_edit = edits_staff(request.user, school)
    diagnostic_form = forms.DiagnosticForm(request.POST or None, prefix="diag")
    route_form = forms.RouteCreateForm(
        request.POST or None,
        prefix="route",
        years=_route_years(request.user),
        templates=selectors.templates_for(municipality=school.municipality),
        initial={"year": year_in_view(request.user)},
    )
    if request.method == "POST":
        if "diag-instrument" in request.POST:
            if not may_diagnose:
                raise PermissionDenied
            if diagnostic_form.is_valid():
                data = dict(diagnostic_form.cleaned_data)
                found = data.pop("deficits")
                services.diagnostic_save(
                    user=request.user, teacher=teacher, values=data, deficits=found
                )
                messages.success(request, "Результат диагностики сохранён.")
                return redirect("staff:teacher_detail", pk=teacher.pk)
        elif "route-year" in request.POST:
            if not may_edit:
                raise PermissionDenied
            if route_form.is_valid():
                if teacher.routes.filter(year=route_form.cleaned_data["year"]).exists():
                    route_form.add_error("year", "ИОМ на этот учебный год уже есть.")
                else:
                    route = services.route_create(
                        user=request.user, teacher=teacher, **route_form.cleaned_data
                    )
                    messages.success(request, "ИОМ создан.")
                    return redirect("staff:route_detail", pk=route.pk)
    return render(
        request,
        "staff/teacher_detail.html",
        {
            "teacher": teacher,
            "school": school,
            "diagnostics": teacher.diagnostics.select_related("subject").prefetch_related(
                "deficits"
            ),
            "routes": teacher.routes.prefetch_related("deficits", "activities"),
            "completions": teacher.completions.select_related("course"),
            "mentors": teacher.mentors.select_related("mentor__school"),
            "mentees": teacher.mentees.select_related("mentee__school"),
            "events": teacher.events.order_by("-held_on"),
            "may_edit": may_edit,
            "may_diagnose": may_diagnose,
            "diagnostic_form": diagnostic_form,
            "route_form": route_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def teacher_edit(request, pk):
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    if not edits_staff(request.user, teacher.school):
        raise PermissionDenied
    form = forms.TeacherForm(request.POST or None, instance=teacher)
    if request.method == "POST":
        if "delete" in request.POST:
            school = teacher.school
            services.teacher_delete(user=request.user, teacher=teacher)
            messages.success(request, "Педагог исключён из списка школы.")
            return redirect("staff:school_teachers", code=school.code)
        if form.is_valid():
            data = dict(form.cleaned_data)
            subjects = data.pop("subjects")
            services.teacher_save(
                user=request.user,
                school=teacher.school,
                teacher=teacher,
                values=data,
                subjects=subjects,
            )
            messages.success(request, "Сведения о педагоге сохранены.")
            return redirect("staff:teacher_detail", pk=teacher.pk)
    return render(request, "staff/teacher_edit.html", {"teacher": teacher, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def route_detail(request, pk):
    route = selectors.route_get(user=request.user, pk=pk)
    school = route.teacher.school
    may_edit = edits_staff(request.user, school)
    may_review_school = can_review_route(request.user, route, ReviewRole.SCHOOL)
    may_review_methodist = can_review_route(request.user, route, ReviewRole.METHODIST)
    route_form = forms.RouteForm(request.POST or None, instance=route, prefix="route")
    activity_form = forms.RouteActivityForm(
        request.POST or None,
        prefix="activity",
        courses=selectors.course_list(user=request.user),
    )
    review_form = forms.ReviewForm(request.POST or None, prefix="review")
    if request.method == "POST":
        if "route-status" in request.POST:
            if not may_edit:
                raise PermissionDenied
            if route_form.is_valid():
                services.route_update(
                    user=request.user,
                    route=route,
                    status=route_form.cleaned_data["status"],
                    deficits=route_form.cleaned_data["deficits"],
                )
                messages.success(request, "ИОМ сохранён.")
                return redirect("staff:route_detail", pk=route.pk)
        elif "activity-title" in request.POST:
            if not may_edit:
                raise PermissionDenied
            if activity_form.is_valid():
                services.route_activity_save(
                    user=request.user,
                    route=route,
                    activity=None,
                    values=activity_form.cleaned_data,
                )
                messages.success(request, "Мероприятие добавлено в ИОМ.")
                return redirect("staff:route_detail", pk=route.pk)
        elif "review-verdict" in request.POST:
            role = request.POST.get("role", "")
            if not can_review_route(request.user, route, role):
                raise PermissionDenied
            if review_form.is_valid():
                services.route_review_add(
                    user=request.user, route=route, role=role, **review_form.cleaned_data
                )
                messages.success(request, "Решение по ИОМ записано.")
                return redirect("staff:route_detail", pk=route.pk)
    return render(
        request,
        "staff/route_detail.html",
        {
            "route": route,
            "teacher": route.teacher,
            "closure": selectors.route_closure_rows(route=route),
            "activities": route.activities.select_related("course"),
            "reviews": route.reviews.select_related("reviewed_by"),
            "history": route.history.select_related("history_user").order_by("-history_date")[:20],
            "may_edit": may_edit,
            "may_review_school": may_review_school,
            "may_review_methodist": may_review_methodist,
            "route_form": route_form,
            "activity_form": activity_form,
            "review_form": review_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_activity_edit(request, pk):
    activity = get_object_or_404(
        RouteActivity.objects.select_related("route__teacher__school"), pk=pk
    )
    route = selectors.route_get(user=request.user, pk=activity.route_id)  # 404 outside scope
    if not edits_staff(request.user, route.teacher.school):
        raise PermissionDenied
    form = forms.RouteActivityForm(
        request.POST or None, instance=activity, courses=selectors.course_list(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.route_activity_save(
            user=request.user, route=route, activity=activity, values=form.cleaned_data
        )
        messages.success(request, "Мероприятие ИОМ сохранено.")
        return redirect("staff:route_detail", pk=route.pk)
    return render(
        request,
        "staff/route_activity_edit.html",
        {"activity": activity, "route": route, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def templates(request):
    municipalities = _methodical_municipalities(request.user)
    form = forms.TemplateForm(request.POST or None)
    if request.method == "POST":
        if len(municipalities) != 1:
            raise PermissionDenied  # a template belongs to the one municipality of its methodist
        if form.is_valid():
            services.route_template_save(
                user=request.user, municipality=municipalities.get(), **form.cleaned_data
            )
            messages.success(request, "Шаблон ИОМ сохранён.")
            return redirect("staff:templates")
    return render(
        request,
        "staff/templates.html",
        {
            "templates": [
                t
                for m in selectors.municipality_choices(user=request.user)
                for t in selectors.templates_for(municipality=m)
            ],
            "form": form if len(municipalities) == 1 else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_list(request):
    municipalities = _methodical_municipalities(request.user)
    form = forms.CourseForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST":
        if not municipalities:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            services.course_save(
                user=request.user,
                municipality=data.pop("municipality"),
                deficits=data.pop("deficits"),
                values=data,
            )
            messages.success(request, "Курс добавлен в каталог.")
            return redirect("staff:course_list")
    return render(
        request,
        "staff/course_list.html",
        {
            "courses": selectors.course_list(user=request.user),
            "form": form if municipalities else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    teachers = Teacher.objects.filter(
        school__in=_schools_recording_courses(request.user),
        school__municipality=course.municipality,
    ).select_related("school")
    form = forms.CompletionForm(request.POST or None, teachers=teachers)
    if request.method == "POST":
        if not teachers.exists():
            raise PermissionDenied
        if form.is_valid():
            services.course_completion_save(user=request.user, course=course, **form.cleaned_data)
            messages.success(request, "Прохождение курса отмечено.")
            return redirect("staff:course_detail", pk=course.pk)
    return render(
        request,
        "staff/course_detail.html",
        {
            "course": course,
            "completions": course.completions.filter(
                teacher__school__in=visible_schools(request.user)
            ).select_related("teacher__school"),
            "form": form if teachers.exists() else None,
        },
    )


def _schools_recording_courses(user) -> list[int]:
    """Schools whose teachers' courses and mentors the user records: the school's own team,
    the territory managing it, the municipality's methodist."""
    schools = visible_schools(user).select_related("municipality")
    return [s.pk for s in schools if records_diagnostics(user, s)]


@login_required
@require_http_methods(["GET", "POST"])
def pair_list(request):
    teachers = (
        Teacher.objects.filter(school__in=_schools_recording_courses(request.user))
        .select_related("school")
        .order_by("school__short_name", "full_name")
    )
    form = forms.PairForm(request.POST or None, teachers=teachers)
    if request.method == "POST":
        if not teachers.exists():
            raise PermissionDenied
        if form.is_valid():
            services.mentoring_pair_save(user=request.user, values=form.cleaned_data)
            messages.success(request, "Наставническая пара добавлена.")
            return redirect("staff:pair_list")
    return render(
        request,
        "staff/pair_list.html",
        {
            "pairs": selectors.pair_list(user=request.user),
            "today": timezone.localdate(),
            "form": form if teachers.exists() else None,
        },
    )


def _association_form(request, municipalities, association) -> forms.AssociationForm:
    """Offered: the municipalities where the user runs methodical work and their teachers."""
    return forms.AssociationForm(
        request.POST or None,
        instance=association,
        municipalities=municipalities,
        teachers=selectors.association_leaders(municipalities=municipalities),
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_list(request):
    municipalities = _methodical_municipalities(request.user)
    form = _association_form(request, municipalities, None)
    if request.method == "POST":
        if not municipalities:
            raise PermissionDenied
        if form.is_valid():
            services.association_save(user=request.user, association=None, values=form.cleaned_data)
            messages.success(request, "Методическое объединение добавлено.")
            return redirect("staff:association_list")
    return render(
        request,
        "staff/association_list.html",
        {
            "associations": selectors.association_list(user=request.user),
            "may_edit": municipalities.exists(),
            "form": form if municipalities else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_edit(request, pk):
    association = selectors.association_get(user=request.user, pk=pk)
    if not runs_methodical_work(request.user, association.municipality):
        raise PermissionDenied
    form = _association_form(request, _methodical_municipalities(request.user), association)
    if request.method == "POST" and form.is_valid():
        services.association_save(
            user=request.user, association=association, values=form.cleaned_data
        )
        messages.success(request, "Методическое объединение сохранено.")
        return redirect("staff:association_list")
    return render(
        request, "staff/association_edit.html", {"association": association, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_list(request):
    municipalities = _methodical_municipalities(request.user)
    form = forms.EventForm(
        request.POST or None,
        municipalities=municipalities,
        schools=visible_schools(request.user).filter(municipality__in=municipalities),
        associations=MethodicalAssociation.objects.filter(municipality__in=municipalities),
    )
    if request.method == "POST":
        if not municipalities:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            event = services.event_save(
                user=request.user, municipality=data.pop("municipality"), values=data
            )
            messages.success(request, "Мероприятие добавлено. Отметьте присутствовавших.")
            return redirect("staff:event_detail", pk=event.pk)
    return render(
        request,
        "staff/event_list.html",
        {
            "events": selectors.event_list(user=request.user),
            "form": form if municipalities else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, pk):
    event = selectors.event_get(user=request.user, pk=pk)
    may_mark = runs_methodical_work(request.user, event.municipality)
    teachers = selectors.event_attendees(user=request.user, event=event)
    form = forms.AttendanceForm(
        request.POST or None,
        teachers=teachers,
        initial={"participants": list(event.participants.all())},
    )
    if request.method == "POST":
        if not may_mark:
            raise PermissionDenied
        if form.is_valid():
            services.event_attendance_save(
                user=request.user, event=event, teachers=form.cleaned_data["participants"]
            )
            messages.success(request, "Посещаемость сохранена.")
            return redirect("staff:event_detail", pk=event.pk)
    return render(
        request,
        "staff/event_detail.html",
        {
            "event": event,
            "participants": selectors.visible_participants(user=request.user, event=event),
            # A curator sees the event of the municipality, not necessarily its host school.
            "host_visible": bool(event.host_school)
            and can_view_school(request.user, event.host_school),
            "form": form if may_mark else None,
        },
    )


@login_required
def at_risk_overview(request):
    form, _, municipality = _filters(request)
    periods, lines = selectors.at_risk_overview(user=request.user, municipality=municipality)
    return render(
        request,
        "staff/at_risk_overview.html",
        {
            "form": form,
            "periods": periods,
            "lines": lines,
            "several_municipalities": len(form.fields["municipality"].choices) > 2,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_at_risk(request, code):
    school = selectors.school_get(user=request.user, code=code)
    may_edit = edits_staff(request.user, school)
    form = forms.AtRiskForm(
        request.POST or None,
        years=_route_years(request.user),
        initial={"year": year_in_view(request.user)},
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if "delete" in request.POST:
            figure = get_object_or_404(AtRiskFigure, pk=request.POST["delete"], school=school)
            services.at_risk_delete(user=request.user, figure=figure)
            messages.success(request, "Строка удалена.")
            return redirect("staff:school_at_risk", code=school.code)
        if form.is_valid():
            services.at_risk_save(user=request.user, school=school, values=form.cleaned_data)
            messages.success(request, "Сведения об обучающихся с рисками сохранены.")
            return redirect("staff:school_at_risk", code=school.code)
    return render(
        request,
        "staff/school_at_risk.html",
        {
            "school": school,
            "figures": selectors.at_risk_list(school=school),
            "may_edit": may_edit,
            "form": form,
        },
    )
