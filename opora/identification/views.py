import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from opora.accounts.permissions import (
    can_approve_identification,
    draws_up_regional_lists,
    runs_identification,
    visible_municipalities,
)
from opora.downloads import file_response
from opora.exports import csv_bytes, xlsx_workbook_bytes
from opora.identification import selectors, services
from opora.identification.exports import verdict_table, warning_rows
from opora.identification.forms import ApproveForm, ParamsForm, RunForm
from opora.identification.models import IdentificationRun, RunStatus, WarningRun
from opora.identification.peers import METRICS
from opora.identification.rules import CLUSTERING, KIND_LABELS, thresholds_text
from opora.programs.selectors import order_list
from opora.registry.models import ContextIndicator, Municipality, Region, School
from opora.registry.selectors import school_get
from opora.registry.years import requested_year, year_in_view

METRIC_LABELS = {metric: label for metric, (_, label, _) in METRICS.items()}


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    form = _run_form(request)
    if form is not None and request.method == "POST" and form.is_valid():
        region, municipality = _territory(request.user, form.cleaned_data["municipality"])
        outcome = services.identification_compute(
            user=request.user,
            rule_set=form.cleaned_data["rule_set"],
            year=form.cleaned_data["year"],
            region=region,
            municipality=municipality,
        )
        run = services.identification_save(user=request.user, outcome=outcome)
        return redirect("identification:run_detail", pk=run.pk)
    return render(
        request,
        "identification/index.html",
        {
            "form": form,
            "rule_sets": selectors.rule_set_list(user=request.user),
            "runs": selectors.run_list(user=request.user).order_by("-created_at")[:100],
            "kind_labels": KIND_LABELS,
        },
    )


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    before = selectors.previous_run(run=run)
    return render(
        request,
        "identification/run_detail.html",
        {
            "run": run,
            "verdicts": selectors.run_verdicts(user=request.user, run=run),
            "before": before,
            "changes": selectors.run_changes(user=request.user, run=run, before=before)
            if before
            else [],
            "can_approve": run.status == RunStatus.DRAFT
            and can_approve_identification(request.user, run),
            "approve_form": ApproveForm(orders=_approving_orders(request, run)),
            "categories": selectors.category_counts(user=request.user, run=run)
            if run.rule_set.kind == CLUSTERING
            else [],
            "kind_label": KIND_LABELS[run.rule_set.kind],
            "thresholds": thresholds_text(run.rule_set.kind, run.params)
            if run.rule_set.kind in ParamsForm.KINDS
            else "",
            "weights": _weights(run.params.get("weights") or {}),
        },
    )


def _weights(weights: dict) -> list[tuple[str, float]]:
    """An index's weights by the names of its indicators, not their codes."""
    names = dict(ContextIndicator.objects.filter(code__in=weights).values_list("code", "name"))
    return [(names.get(code, code), weight) for code, weight in weights.items()]


def _approving_orders(request, run):
    """Orders that may approve the run: the region's and, for a municipal run, its own."""
    orders = order_list(user=request.user).filter(region=run.region)
    return orders.filter(Q(municipality__isnull=True) | Q(municipality=run.municipality))


@login_required
@require_POST
def run_approve(request, pk):
    run = _run(request, pk)
    if not runs_identification(request.user):
        raise PermissionDenied
    form = ApproveForm(request.POST, orders=_approving_orders(request, run))
    if not form.is_valid():
        messages.error(request, "Выберите приказ, которым утверждён список.")
        return redirect("identification:run_detail", pk=run.pk)
    try:
        services.identification_approve(user=request.user, run=run, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Список утверждён. Программы и мониторинг используют его.")
    return redirect("identification:run_detail", pk=run.pk)


@login_required
def run_export(request, pk):
    run = _run(request, pk)
    verdicts = list(selectors.run_verdicts(user=request.user, run=run))
    frame = pl.DataFrame(
        {
            "school_code": [v.school.code for v in verdicts],
            "flagged": [v.flagged for v in verdicts],
            "reasons": [v.reasons for v in verdicts],
        },
        schema={"school_code": pl.String, "flagged": pl.Boolean, "reasons": pl.List(pl.String)},
    )
    return file_response(
        csv_bytes(verdict_table(frame, rule_code=run.rule_set.code)),
        filename=f"identification-{run.pk}.csv",
        content_type="text/csv",
    )


@login_required
@require_http_methods(["GET", "POST"])
def try_parameters(request):
    run_form = _run_form(request, data=request.POST or request.GET or None)
    if run_form is None:
        raise PermissionDenied
    # Only the rules whose thresholds can be tried here are offered; one chosen on the
    # identification page that is not says why.
    rule_field = run_form.fields["rule_set"]
    rule_field.queryset = rule_field.queryset.filter(kind__in=ParamsForm.KINDS)
    if not run_form.is_valid():
        if run_form.has_error("rule_set", "invalid_choice"):
            messages.info(
                request,
                "Здесь пробуют пороги правил о низких результатах, индексе ШНСУ и "
                "объективности; параметры других правил меняет администратор в справочнике "
                "«Правила выявления».",
            )
        return render(request, "identification/try.html", {"run_form": run_form})
    rule_set = run_form.cleaned_data["rule_set"]
    year = run_form.cleaned_data["year"]
    region, municipality = _territory(request.user, run_form.cleaned_data["municipality"])
    params_form = ParamsForm(
        request.POST or None,
        kind=rule_set.kind,
        initial=ParamsForm.initial_from(rule_set.kind, rule_set.params),
    )
    context = {"run_form": run_form, "params_form": params_form, "rule_set": rule_set, "year": year}
    if request.method == "POST" and params_form.is_valid():
        tried = params_form.params(rule_set.params)
        compute = dict(
            user=request.user,
            rule_set=rule_set,
            year=year,
            region=region,
            municipality=municipality,
        )
        outcome = services.identification_compute(**compute, params=tried)
        if "save" in request.POST:
            run = services.identification_save(user=request.user, outcome=outcome)
            messages.success(
                request,
                f"Сохранён вариант «{run.rule_set.title}» для территории "
                f"«{run.rule_set.owner_name}» и список по нему. Встроенное правило не изменилось.",
            )
            return redirect("identification:run_detail", pk=run.pk)
        current = services.identification_compute(**compute)
        context.update(difference=_difference(current, outcome), outcome=outcome, current=current)
    return render(request, "identification/try.html", context)


def _difference(current, tried) -> dict:
    reasons = dict(tried.verdicts.select("school_code", "reasons").iter_rows())
    before = dict(current.verdicts.select("school_code", "reasons").iter_rows())
    names = dict(School.objects.filter(code__in=list(reasons)).values_list("code", "short_name"))
    entered = sorted(tried.flagged_codes - current.flagged_codes)
    left = sorted(current.flagged_codes - tried.flagged_codes)
    return {
        "entered": [(names[c], reasons[c]) for c in entered],
        "left": [(names[c], before[c], reasons[c]) for c in left],
        "kept": len(tried.flagged_codes & current.flagged_codes),
    }


def _run(request, pk):
    try:
        return selectors.run_list(user=request.user).get(pk=pk)
    except IdentificationRun.DoesNotExist:
        raise Http404 from None


def _run_form(request, data=None):
    """The form to start a run, or None when the user's role does not run identification.
    A rule set not offered to the user (another territory's variant) answers 404."""
    user = request.user
    if not runs_identification(user):
        return None
    data = data if data is not None else (request.POST or None)
    chosen = (data or {}).get("rule_set", "")
    if chosen.isdecimal() and not selectors.visible_rule_sets(user=user).filter(pk=chosen).exists():
        raise Http404
    whole_region = user.region.name if draws_up_regional_lists(user) else None
    return RunForm(
        data,
        rule_sets=selectors.rule_set_list(user=user),
        municipalities=visible_municipalities(user),
        whole_region=whole_region,
        initial={"year": selectors.next_identification_year(user=user, year=year_in_view(user))},
    )


def _territory(user, municipality_code: str) -> tuple[Region, Municipality | None]:
    if not municipality_code:
        return user.region, None
    municipality = get_object_or_404(visible_municipalities(user), code=municipality_code)
    return municipality.region, municipality


# --- Fair change and the risk group --------------------------------------------------------------


@login_required
def school_fair_change(request, code):
    school = school_get(user=request.user, code=code)
    year = requested_year(request, default=None)
    fair = selectors.school_fair_change(user=request.user, school=school, year=year)
    return render(
        request,
        "identification/fair_change.html",
        {"school": school, "year": year, "fair": fair, "metric_labels": METRIC_LABELS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_group(request):
    if request.method == "POST" and not runs_identification(request.user):
        raise PermissionDenied
    form = _run_form(request)
    if form is not None:
        form.fields["rule_set"].queryset = selectors.list_rule_sets(user=request.user)
    if form is not None and request.method == "POST" and form.is_valid():
        region, municipality = _territory(request.user, form.cleaned_data["municipality"])
        try:
            run = services.warning_run_create(
                user=request.user,
                rule_set=form.cleaned_data["rule_set"],
                year=form.cleaned_data["year"],
                region=region,
                municipality=municipality,
            )
        except PermissionDenied:
            raise Http404 from None
        return redirect("identification:risk_group_run", pk=run.pk)
    return render(
        request,
        "identification/risk_group.html",
        {
            "form": form,
            "runs": selectors.warning_run_list(user=request.user).order_by("-created_at")[:100],
        },
    )


@login_required
def risk_group_run(request, pk):
    run = _warning_run(request, pk)
    municipality = request.GET.get("municipality", "")
    return render(
        request,
        "identification/risk_group_run.html",
        {
            "run": run,
            "entries": selectors.warning_entries(
                user=request.user, run=run, municipality=municipality
            ),
            "municipality": municipality,
            "municipalities": selectors.warning_municipality_counts(user=request.user, run=run)
            if run.municipality_id is None
            else [],
        },
    )


@login_required
def risk_group_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    run = _warning_run(request, pk)
    municipality = request.GET.get("municipality", "")
    rows = warning_rows(
        selectors.warning_entries(user=request.user, run=run, municipality=municipality)
    )
    name = f"risk-group-{run.pk}{'-' + municipality if municipality else ''}"
    if fmt == "xlsx":
        return file_response(
            xlsx_workbook_bytes({"Группа риска": rows}),
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return file_response(csv_bytes(rows), filename=f"{name}.csv", content_type="text/csv")


def _warning_run(request, pk):
    try:
        return selectors.warning_run_list(user=request.user).get(pk=pk)
    except WarningRun.DoesNotExist:
        raise Http404 from None
