from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from opora.accounts.permissions import (
    can_adapt_criteria,
    can_edit_self_assessment,
    can_review_self_assessment,
    visible_regions,
)
from opora.downloads import file_response
from opora.monitoring.forms import ReviewForm
from opora.registry.years import academic_year_label, page_year
from opora.reports.documents import FORMATS
from opora.selfassessment import evidence, selectors, services
from opora.selfassessment.documents import build_spravka, table_xlsx
from opora.selfassessment.forms import CriterionForm
from opora.selfassessment.models import Status, Step


def _table_year(request, municipalities) -> int:
    years = selectors.assessment_years(municipalities=municipalities)
    return page_year(request, years=years)


def _number(text: str | None) -> int:
    """A primary key from a form; anything else finds nothing."""
    return int(text) if text and text.isdigit() else 0


@login_required
def index(request):
    """The table of municipalities × steps of the cycle: the region's whole, a municipality's
    own row; a school team or a curator reads no municipality whole, so the table is empty."""
    municipalities = selectors.table_municipalities(user=request.user)
    year = _table_year(request, municipalities)
    rows = selectors.region_table(user=request.user, year=year)
    return render(
        request,
        "selfassessment/index.html",
        {
            "rows": rows,
            "year": year,
            "years": selectors.assessment_years(municipalities=municipalities),
            "steps": Step.choices,
        },
    )


@login_required
def table_export(request):
    municipalities = selectors.table_municipalities(user=request.user)
    year = _table_year(request, municipalities)
    rows = selectors.region_table(user=request.user, year=year)
    return file_response(
        table_xlsx(rows, year_label=academic_year_label(year)),
        filename=f"Самооценка муниципалитетов {academic_year_label(year).replace('/', '-')}.xlsx",
        content_type=FORMATS["xlsx"],
    )


def _answers(request, view) -> dict[int, dict]:
    """What the coordinator's form says for each criterion."""
    return {
        row.criterion.pk: {
            "accepted": request.POST.getlist(f"accept-{row.criterion.pk}"),
            "comment": request.POST.get(f"comment-{row.criterion.pk}", ""),
            "file": request.FILES.get(f"file-{row.criterion.pk}"),
            "remove_file": bool(request.POST.get(f"remove-{row.criterion.pk}")),
        }
        for step in view.steps
        for row in step.criteria
    }


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, code, year):
    municipality = selectors.municipality_get(user=request.user, code=code)
    view = selectors.assessment_view(municipality=municipality, year=year)
    assessment = view.assessment
    edits = can_edit_self_assessment(request.user, municipality) and (
        assessment is None or assessment.is_editable
    )
    reviews = (
        can_review_self_assessment(request.user, municipality)
        and assessment is not None
        and assessment.status == Status.SUBMITTED
    )
    review_form = ReviewForm(request.POST if "decision" in request.POST else None)
    errors: list[str] = []
    if request.method == "POST":
        if "decision" in request.POST:
            if not can_review_self_assessment(request.user, municipality):
                raise PermissionDenied
            if assessment is None:
                errors = ["Самооценка за этот год не открыта: проверять нечего."]
            elif review_form.is_valid():
                try:
                    services.self_assessment_review(
                        user=request.user,
                        assessment=assessment,
                        accept=review_form.cleaned_data["decision"] == "accept",
                        comment=review_form.cleaned_data["comment"],
                    )
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(request, "Решение по самооценке сохранено.")
                    return redirect("selfassessment:detail", code=code, year=year)
        else:
            if not can_edit_self_assessment(request.user, municipality):
                raise PermissionDenied
            try:
                opened = services.self_assessment_open(
                    user=request.user, municipality=municipality, year=year
                )
                services.answers_save(
                    user=request.user, assessment=opened, answers=_answers(request, view)
                )
                if "submit" in request.POST:
                    services.self_assessment_submit(user=request.user, assessment=opened)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    "Самооценка отправлена в регион."
                    if "submit" in request.POST
                    else "Ответы сохранены.",
                )
                return redirect("selfassessment:detail", code=code, year=year)
    return render(
        request,
        "selfassessment/detail.html",
        {
            "view": view,
            "municipality": municipality,
            "year": year,
            "edits": edits,
            "reviews": reviews,
            "review_form": review_form,
            "errors": errors,
            "years": selectors.assessment_years(municipalities=[municipality]),
            "history": assessment.history.select_related("history_user")[:20] if assessment else [],
        },
        status=400 if errors else 200,
    )


@login_required
def export(request, code, year, file_format):
    municipality = selectors.municipality_get(user=request.user, code=code)
    assessment = municipality.self_assessments.filter(year=year).first()
    if assessment is None or file_format not in ("docx", "pdf"):
        raise Http404
    return file_response(
        build_spravka(assessment, file_format),
        filename=f"Самооценка {municipality.name} {academic_year_label(year).replace('/', '-')}"
        f".{file_format}",
        content_type=FORMATS[file_format],
    )


@login_required
def answer_file(request, pk):
    answer = selectors.answer_get(user=request.user, pk=pk)
    if not answer.file:
        raise Http404
    with answer.file.open("rb") as stored:
        content = stored.read()
    return file_response(
        content,
        filename=answer.file.name.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request):
    """The criteria sets: the built-in one and the region's versions; the region's operator
    makes a version of its own from any of them."""
    sets = list(selectors.criteria_sets(user=request.user))
    regions = [r for r in visible_regions(request.user) if can_adapt_criteria(request.user, r)]
    if request.method == "POST":
        if not regions:
            raise PermissionDenied
        base = selectors.criteria_set_get(user=request.user, pk=_number(request.POST.get("base")))
        created = services.criteria_version_create(user=request.user, base=base, region=regions[0])
        messages.success(request, f"Создана версия {created.version}: меняйте её формулировки.")
        return redirect("selfassessment:criteria_set", pk=created.pk)
    return render(request, "selfassessment/criteria.html", {"sets": sets, "adapts": bool(regions)})


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set(request, pk):
    criteria_set = selectors.criteria_set_get(user=request.user, pk=pk)
    adapts = not criteria_set.is_built_in and can_adapt_criteria(request.user, criteria_set.region)
    errors: list[str] = []
    if request.method == "POST":
        if not adapts:
            raise PermissionDenied
        criterion = criteria_set.criteria.filter(pk=_number(request.POST.get("criterion"))).first()
        form = CriterionForm(request.POST)
        if criterion is None:
            errors = ["Такого критерия в этой версии нет."]
        elif form.is_valid():
            try:
                services.criterion_update(
                    user=request.user, criterion=criterion, **form.cleaned_data
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"Критерий {criterion.number} изменён.")
                return redirect("selfassessment:criteria_set", pk=pk)
        else:
            errors = [f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items()]
    rows = [
        (
            c,
            evidence.KINDS[c.evidence].label if c.evidence in evidence.KINDS else c.evidence,
            CriterionForm(
                initial={"text": c.text, "scoring": c.scoring, "max_points": c.max_points},
                auto_id=f"id_%s_{c.pk}",
            )
            if adapts
            else None,
        )
        for c in criteria_set.criteria.order_by("position", "pk")
    ]
    return render(
        request,
        "selfassessment/criteria_set.html",
        {"criteria_set": criteria_set, "rows": rows, "adapts": adapts, "errors": errors},
        status=400 if errors else 200,
    )
