from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from opora import locking
from opora.accounts.permissions import (
    can_create_program,
    can_enter_indicator_value,
    can_issue_order,
    can_manage_municipality,
    can_update_activity,
    creates_programs,
    curates_schools,
    is_school_team,
)
from opora.downloads import file_response
from opora.links import local_next
from opora.programs import selectors, services
from opora.programs.achievement import chart_points
from opora.programs.forms import (
    ActivityForm,
    ComputeForm,
    CopyForm,
    IndicatorSourceForm,
    IndicatorValueForm,
    OrderForm,
    PassportForm,
    ProgramForm,
    StatusForm,
    TablesUploadForm,
)
from opora.programs.models import Activity, Indicator, IndicatorValue, Order
from opora.programs.order_documents import issued_orders
from opora.registry.years import deadline_day
from opora.reports import charts
from opora.reports.documents import FORMATS, DocumentError, export_document
from opora.tabular import ImportRefused
from opora.uploads import preview_keep, preview_take


@login_required
def program_list(request):
    return render(
        request,
        "programs/program_list.html",
        {
            "programs": selectors.program_list(user=request.user),
            "creates": creates_programs(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request):
    """A new program from a blank form or a template, for a territory or school in scope."""
    if not creates_programs(request.user):
        raise PermissionDenied
    municipalities, schools = selectors.program_territories(user=request.user)
    for name, scope in (("municipality", municipalities), ("school", schools)):
        chosen = request.POST.get(name, "")
        if chosen and not (chosen.isdigit() and scope.filter(pk=chosen).exists()):
            raise Http404  # out of scope: answered as if it did not exist
    form = ProgramForm(
        request.POST or None,
        municipalities=municipalities,
        schools=schools,
        initial={"municipality": municipalities.first()} if municipalities.count() == 1 else {},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(
                user=request.user,
                municipality=data["municipality"],
                school=data["school"],
                kind=data["kind"],
                name=data["name"],
                start_year=data["start_year"],
                end_year=data["end_year"],
                passport=form.passport(),
                template=data["template"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Программа создана (черновик).")
            return redirect("programs:program_detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form})


@login_required
def program_detail(request, pk):
    program = selectors.program_get(user=request.user, pk=pk)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "goals": program.goals.prefetch_related("tasks"),
            "indicators": selectors.indicator_rows(program=program),
            "roadmap": selectors.roadmap(program=program),
            "roadmap_tree": selectors.roadmap_by_risk_factor(program=program),
            "today": deadline_day(request.user),
            "manages": can_manage_municipality(request.user, program.municipality),
            "copies": can_create_program(request.user, program.municipality, program.school),
            "upload_form": TablesUploadForm(),
            "status_form": StatusForm(
                orders=Order.objects.filter(region=program.municipality.region),
                allowed=services.TRANSITIONS[program.status],
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("program"), pk=pk)
    selectors.program_get(user=request.user, pk=indicator.program_id)  # 404 outside the scope
    schools = selectors.value_schools(user=request.user, indicator=indicator)
    if schools is not None:
        may_enter = schools.exists()
    else:
        may_enter = can_enter_indicator_value(request.user, indicator)
    seen = {"seen": locking.edit_token(IndicatorValue)}
    form = IndicatorValueForm(request.POST or None, schools=schools, initial=seen)
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.indicator_value_save(
                    indicator=indicator, user=request.user, **form.cleaned_data
                )
            except locking.EditConflict as conflict:
                locking.keep_refused(form, conflict, model=IndicatorValue)
            else:
                messages.success(request, "Значение показателя сохранено.")
                return redirect("programs:indicator_detail", pk=indicator.pk)
    row = selectors.indicator_row(indicator=indicator)
    manages = can_manage_municipality(request.user, indicator.program.municipality)
    return render(
        request,
        "programs/indicator_detail.html",
        {
            "row": row,
            "indicator": indicator,
            "form": form if may_enter else None,
            "source_label": selectors.indicator_source_label(indicator),
            "source_form": _source_form(indicator) if manages else None,
            "compute_form": ComputeForm() if manages and indicator.source else None,
            "chart": charts.svg(charts.targets_and_values_chart(**chart_points(row)))
            if row.targets or row.values
            else "",
            "history": IndicatorValue.history.filter(indicator_id=indicator.pk).order_by(
                "-history_date"
            )[:50],
        },
    )


def _source_form(indicator: Indicator) -> IndicatorSourceForm:
    chosen = indicator.source_filter
    return IndicatorSourceForm(
        initial={
            "source": indicator.source,
            "kind": chosen.get("kind", ""),
            "subject": chosen.get("subject", ""),
            "grades": ", ".join(str(g) for g in chosen.get("grades", [])),
            "population": indicator.source_population,
        }
    )


def _managed_indicator(request, pk) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("program"), pk=pk)
    selectors.program_get(user=request.user, pk=indicator.program_id)  # 404 outside the scope
    if not can_manage_municipality(request.user, indicator.program.municipality):
        raise PermissionDenied
    return indicator


@login_required
@require_POST
def indicator_source(request, pk):
    indicator = _managed_indicator(request, pk)
    form = IndicatorSourceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.indicator_source_save(
            indicator=indicator,
            user=request.user,
            source=form.cleaned_data["source"],
            results_filter=form.results_filter(),
            population=form.cleaned_data["population"],
        )
    except ValidationError as error:
        messages.error(request, "Источник не сохранён: " + "; ".join(error.messages))
    else:
        messages.success(request, "Способ расчёта показателя сохранён.")
    return redirect("programs:indicator_detail", pk=indicator.pk)


@login_required
@require_POST
def indicator_compute(request, pk):
    indicator = _managed_indicator(request, pk)
    form = ComputeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        saved = services.indicator_values_compute(
            indicator=indicator, user=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, "Значение не рассчитано: " + "; ".join(error.messages))
    else:
        messages.success(request, f"Рассчитано значений: {len(saved)}.")
    return redirect("programs:indicator_detail", pk=indicator.pk)


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request, pk):
    activity = get_object_or_404(Activity.objects.select_related("program"), pk=pk)
    selectors.program_get(user=request.user, pk=activity.program_id)  # 404 outside the scope
    may_update = can_update_activity(request.user, activity)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "status": activity.status,
            "evidence_link": activity.evidence_link,
            "comment": activity.comment,
        },
    )
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            services.activity_update(activity=activity, user=request.user, **form.cleaned_data)
            messages.success(request, "Статус мероприятия сохранён.")
            return redirect("programs:activity_detail", pk=activity.pk)
    return render(
        request,
        "programs/activity_detail.html",
        {
            "activity": activity,
            "form": form if may_update else None,
            "history": activity.history.order_by("-history_date")[:50],
            "today": deadline_day(request.user),
        },
    )


@login_required
def activity_evidence(request, pk):
    """The evidence file, only to those who see the program (uploads are never served directly)."""
    activity = get_object_or_404(Activity, pk=pk)
    selectors.program_get(user=request.user, pk=activity.program_id)  # 404 outside the scope
    return _download(activity.evidence_file)


@login_required
def my_activities(request):
    today = deadline_day(request.user)
    return render(
        request,
        "programs/my_activities.html",
        {
            "activities": selectors.my_activities(user=request.user)[:300],
            "today": today,
            "school_team": is_school_team(request.user),
            "curator": curates_schools(request.user),
        },
    )


@login_required
def program_export(request, pk, file_format):
    program = selectors.program_get(user=request.user, pk=pk)  # 404 outside the scope
    content = export_document(f"program-{program.pk}", file_format=file_format)
    return file_response(
        content, filename=f"program-{program.pk}.{file_format}", content_type=FORMATS[file_format]
    )


@login_required
@require_POST
def program_import(request, pk):
    """XLSX upload → preview (nothing written) → «Загрузить» loads the kept file."""
    program = selectors.program_get(user=request.user, pk=pk)
    if not can_manage_municipality(request.user, program.municipality):
        raise PermissionDenied
    purpose = f"program-{program.pk}"
    if "token" in request.POST:
        content, filename = preview_take(
            token=request.POST["token"], user=request.user, purpose=purpose
        )
        upload = None
    else:
        form = TablesUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("programs:program_detail", pk=program.pk)
        upload = form.cleaned_data["file"]
        content, filename = upload.read(), upload.name
    try:
        summary = services.program_tables_import(
            program=program,
            content=content,
            filename=filename,
            user=request.user,
            dry_run=upload is not None,
        )
    except ImportRefused as refused:
        messages.error(request, refused.describe())
    else:
        if upload is not None:
            return render(
                request,
                "import_preview.html",
                {
                    "filename": filename,
                    "summary": summary,
                    "token": preview_keep(upload=upload, user=request.user, purpose=purpose),
                    "action": request.path,
                    "back": reverse("programs:program_detail", args=[program.pk]),
                },
            )
        messages.success(request, f"Файл {filename} загружен. {summary}")
    return redirect("programs:program_detail", pk=program.pk)


@login_required
@require_POST
def program_status(request, pk):
    program = selectors.program_get(user=request.user, pk=pk)
    if not can_manage_municipality(request.user, program.municipality):
        raise PermissionDenied
    form = StatusForm(request.POST, orders=Order.objects.filter(region=program.municipality.region))
    if form.is_valid():
        try:
            services.program_status_change(program=program, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Статус программы: {program.get_status_display()}.")
    return redirect("programs:program_detail", pk=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def program_passport(request, pk):
    program = selectors.program_get(user=request.user, pk=pk)
    if not can_manage_municipality(request.user, program.municipality):
        raise PermissionDenied
    form = PassportForm(request.POST or None, initial=program.passport)
    if request.method == "POST" and form.is_valid():
        services.program_passport_save(
            program=program, user=request.user, passport=form.cleaned_data
        )
        messages.success(request, "Паспорт программы сохранён.")
        return redirect("programs:program_detail", pk=program.pk)
    return render(
        request,
        "programs/program_passport.html",
        {"program": program, "form": form, "changes": selectors.passport_changes(program=program)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_copy(request, pk):
    """Copy to the next period: the page shows the new title and years, and asks whether the
    activities keep their addressee schools."""
    program = selectors.program_get(user=request.user, pk=pk)
    if not can_create_program(request.user, program.municipality, program.school):
        raise PermissionDenied
    form = CopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = services.program_copy_to_next_period(
            program=program,
            user=request.user,
            keep_schools=form.cleaned_data["addressees"] == "keep",
        )
        messages.success(request, "Создан черновик программы на следующий период.")
        return redirect("programs:program_detail", pk=copy.pk)
    period = services.next_period(program)
    return render(
        request,
        "programs/program_copy.html",
        {
            "program": program,
            "form": form,
            "name": period.shifted(program.name),
            "first": period.first + period.shift,
            "last": period.last + period.shift,
            "shift": period.shift,
        },
    )


@login_required
def order_list(request):
    orders = list(selectors.order_list(user=request.user))
    issued = set(issued_orders().filter(pk__in=[o.pk for o in orders]).values_list("pk", flat=True))
    for order in orders:
        order.editable = can_issue_order(
            request.user, region=order.region, municipality=order.municipality
        )
        order.issued_here = order.pk in issued
    return render(
        request,
        "programs/order_list.html",
        {"orders": orders, "can_add": selectors.order_territory(user=request.user) is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request, pk=None):
    """Record a new order of the user's territory, or correct one (with its scan)."""
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk) if pk else None
    territory = (
        (order.region, order.municipality)
        if order
        else selectors.order_territory(user=request.user)
    )
    if territory is None or not can_issue_order(
        request.user, region=territory[0], municipality=territory[1]
    ):
        raise PermissionDenied
    orders = selectors.order_list(user=request.user).exclude(pk=pk)
    initial = {name: getattr(order, name) for name in services.ORDER_FIELDS} if order else {}
    if order:
        initial["controller"] = order.controller
    form = OrderForm(request.POST or None, request.FILES or None, orders=orders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            saved = services.order_save(
                user=request.user,
                region=territory[0],
                municipality=territory[1],
                fields=data,
                file=upload,
                order=order,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Приказ {saved} сохранён.")
            return redirect(_back_to(request) or "programs:order_list")
    return render(request, "programs/order_form.html", {"form": form, "order": order})


def _back_to(request) -> str | None:
    """The page that sent the user to add an order (the list to approve), when it is one of
    Opora's own: `next` is taken only as a local path, never another site or a script."""
    return local_next(request, request.GET.get("next"))


@login_required
def order_file(request, pk):
    """The scanned order, only to those who see the order (uploads are never served directly)."""
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk)
    return _download(order.file)


@login_required
def order_export(request, pk, file_format):
    """The order as a приказ with its appendices, to those who see the order; an act it only
    cites (a law) is not a document Opora issues."""
    order = get_object_or_404(selectors.order_list(user=request.user), pk=pk)
    try:
        content = export_document(f"order-{order.pk}", file_format=file_format)
    except DocumentError:
        raise Http404 from None
    return file_response(
        content, filename=f"prikaz-{order.pk}.{file_format}", content_type=FORMATS[file_format]
    )


def _download(stored) -> FileResponse:
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.split("/")[-1])
