from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from opora.accounts.permissions import can_import_files, visible_municipalities
from opora.assessments import selectors, services
from opora.assessments.forms import ResultsFilterForm, ResultsUploadForm
from opora.assessments.metrics import METRICS
from opora.assessments.models import ImportStatus, ResultImportJob
from opora.identification.peers import METRICS as FAIR_METRICS
from opora.identification.selectors import school_fair_change
from opora.paging import paginate
from opora.registry.selectors import school_get
from opora.registry.years import page_year, years_of
from opora.reports import charts

METRIC_LABELS = {metric: label for metric, (_, label, _) in FAIR_METRICS.items()}


@login_required
def results_table(request):
    years = years_of(selectors.result_years, request.user)
    municipalities = visible_municipalities(request.user)
    query = request.GET.copy()
    shown = page_year(request, years=years)  # also says when `?year=` does not parse
    query["year"] = shown if years else ""
    form = ResultsFilterForm(query, years=years, municipalities=municipalities)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or (years[0] if years else None)
    metric = data.get("metric") or "twos"
    sort = data.get("sort") or "school"
    columns, rows = [], []
    if year:
        columns, rows = selectors.results_matrix(
            user=request.user,
            year=year,
            metric=metric,
            municipality=data.get("municipality", ""),
            kind=data.get("kind", ""),
            sort=sort,
        )
    return render(
        request,
        "assessments/results_table.html",
        {
            "form": form,
            "year": year,
            "metric": metric,
            "metric_label": METRICS[metric],
            "columns": columns,
            "rows": paginate(request, rows),
            "sort": sort,
            "several_municipalities": len(municipalities) > 1,
            "can_import": can_import_files(request.user),
        },
    )


@login_required
def school_results(request, code):
    school = school_get(user=request.user, code=code)
    years, rows = selectors.school_results(school=school)
    shown_years = sorted(years[:2])  # the latest year against the one before
    chart_data = (
        {
            metric: charts.svg(
                charts.bars_chart(
                    labels=[r.label for r in rows],
                    series=charts.years_series(
                        shown_years,
                        {y: [r.by_year.get(y, {}).get(metric) for r in rows] for y in shown_years},
                    ),
                    title=f"{METRICS[metric].capitalize()}, %",
                )
            )
            for metric in ("quality", "twos")
        }
        if rows
        else {}
    )
    return render(
        request,
        "assessments/school_results.html",
        {
            "school": school,
            "years": years,
            "rows": rows,
            "charts": chart_data,
            # The raw change beside the change against comparable schools (identification).
            "fair": school_fair_change(user=request.user, school=school) if rows else None,
            "references": (
                selectors.school_reference_rows(school=school, rows=rows, year=years[0])
                if rows
                else []
            ),
            "metric_labels": METRIC_LABELS,
            "sources": selectors.school_result_sources(school=school) if rows else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def results_import(request):
    if not can_import_files(request.user):
        raise PermissionDenied  # not even the form; a POST would be refused by the service too
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.result_import_enqueue(
            upload=form.cleaned_data["file"], imported_by=request.user
        )
        return redirect("assessments:import_job", pk=job.pk)
    return render(request, "assessments/results_import.html", {"form": form})


@login_required
def import_job(request, pk):
    job = get_object_or_404(ResultImportJob, pk=pk, created_by=request.user)
    status = 400 if job.status == ImportStatus.REFUSED else 200
    return render(request, "assessments/import_job.html", {"job": job}, status=status)


@login_required
@require_POST
def import_confirm(request, pk):
    """«Загрузить» under a preview: load the file as previewed; a second press does nothing."""
    job = get_object_or_404(ResultImportJob, pk=pk, created_by=request.user)
    if not services.result_import_confirm(job=job, user=request.user):
        messages.info(request, "Этот файл уже загружен или его предпросмотр устарел.")
    return redirect("assessments:import_job", pk=job.pk)
