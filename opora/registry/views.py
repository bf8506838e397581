from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from opora.accounts.permissions import can_edit_school, can_import_files, visible_municipalities
from opora.import_pages import import_page
from opora.paging import paginate
from opora.registry import selectors, services
from opora.registry.forms import RegistryUploadForm, SchoolContextForm, SchoolFilterForm, SchoolForm
from opora.registry.models import ContextIndicator, ContextUnit
from opora.registry.years import year_in_view


@login_required
def school_list(request):
    form = SchoolFilterForm(request.GET, municipalities=visible_municipalities(request.user))
    form.is_valid()
    data = form.cleaned_data
    filters = selectors.SchoolFilter(
        query=data.get("q", ""),
        municipality=data.get("municipality", ""),
        school_type=data.get("school_type", ""),
        locality=data.get("locality", ""),
        small_only=data.get("small", False),
        sort=data.get("sort") or "name",
    )
    schools = paginate(request, selectors.school_list(user=request.user, filters=filters))
    # The source notes of the one municipality shown: the user's own, or the one filtered on.
    shown = visible_municipalities(request.user)
    if filters.municipality:
        shown = shown.filter(code=filters.municipality)
    shown = list(shown[:2])
    return render(
        request,
        "registry/school_list.html",
        {
            "form": form,
            "schools": schools,
            "sort": filters.sort,
            "can_import": can_import_files(request.user),
            "several_municipalities": form.fields["municipality"].choices[2:] != [],
            "noted_municipality": shown[0] if len(shown) == 1 else None,
        },
    )


@login_required
def school_detail(request, code):
    school = selectors.school_get(user=request.user, code=code)
    years, sections = selectors.school_context(school=school)
    return render(
        request,
        "registry/school_detail.html",
        {
            "school": school,
            "branches": school.branches.order_by("short_name"),
            "contingents": school.contingents.order_by("year"),
            "years": years,
            "sections": sections,
            "can_edit": can_edit_school(request.user, school),
            "current_year": year_in_view(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request, code):
    school = _editable_school(request, code)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        services.school_update(user=request.user, school=school, values=form.cleaned_data)
        messages.success(request, "Сведения о школе сохранены.")
        return redirect("registry:school_detail", code=school.code)
    return render(request, "registry/school_edit.html", {"school": school, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def school_context_edit(request, code, year):
    school = _editable_school(request, code)
    indicators = list(ContextIndicator.objects.all())
    form = SchoolContextForm(
        request.POST or None,
        indicators=indicators,
        initial=_context_initial(school, year, indicators),
    )
    if request.method == "POST" and form.is_valid():
        services.school_context_save(
            user=request.user,
            school=school,
            year=year,
            contingent=form.contingent(),
            values=form.context_values(),
        )
        messages.success(request, "Условия работы школы сохранены.")
        return redirect("registry:school_detail", code=school.code)
    return render(
        request, "registry/school_context_edit.html", {"school": school, "form": form, "year": year}
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request):
    if not can_import_files(request.user):
        raise PermissionDenied
    return import_page(
        request,
        form_class=RegistryUploadForm,
        service=services.school_registry_import,
        describe=lambda result: result.describe(),
        purpose="registry",
        template="registry/registry_import.html",
        loaded="Реестр загружен. {summary}",
        done="registry:school_list",
        changes_title="Изменения в сведениях о школах",
    )


@login_required
def municipality_list(request):
    return render(
        request,
        "registry/municipality_list.html",
        {"municipalities": selectors.municipality_list(user=request.user)},
    )


def _editable_school(request, code):
    school = selectors.school_get(user=request.user, code=code)
    if not can_edit_school(request.user, school):
        raise PermissionDenied
    return school


def _context_initial(school, year, indicators) -> dict:
    contingent = school.contingents.filter(year=year).first()
    initial = {}
    if contingent:
        initial.update(
            total=contingent.total,
            grades_1_4=contingent.grades_1_4,
            grades_5_9=contingent.grades_5_9,
            grades_10_11=contingent.grades_10_11,
        )
    units = {i.pk: i for i in indicators}
    for value in school.context_values.filter(year=year):
        indicator = units[value.indicator_id]
        if indicator.unit == ContextUnit.TEXT:
            initial[f"ctx_{indicator.code}"] = value.text
        elif indicator.unit == ContextUnit.YES_NO:
            initial[f"ctx_{indicator.code}"] = "yes" if value.number else "no"
        else:
            initial[f"ctx_{indicator.code}"] = value.number.normalize()
    return initial
