from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from opora.accounts.permissions import (
    can_fill_submission,
    can_manage_municipality,
    can_review_submission,
    sees_region_summary,
    sees_whole_municipality,
    visible_municipalities,
)
from opora.downloads import file_response
from opora.monitoring import public, selectors, services
from opora.monitoring.documents import KIND, published_report_pdf
from opora.monitoring.effectiveness import KIND_LABELS
from opora.monitoring.forms import CampaignForm, CampaignStatusForm, MeasureForm, ReviewForm
from opora.monitoring.lists import list_in_view
from opora.monitoring.measures import measure_get, measure_rows, rule_list
from opora.monitoring.models import AnnualReport, CampaignKind, CampaignStatus, SubmissionStatus
from opora.monitoring.report import build, conclusion_fields
from opora.monitoring.report_actions import EffectivenessSection
from opora.monitoring.report_data import report_data
from opora.monitoring.report_schools import DynamicsSection, ListExitSection
from opora.monitoring.results import municipality_dynamics, report_years
from opora.monitoring.summaries import municipality_summary, region_summaries
from opora.programs.models import Indicator
from opora.registry.models import School
from opora.registry.years import deadlines_as_of, latest_up_to, page_year, year_in_view
from opora.replica import replica_reads
from opora.reports import charts
from opora.reports.documents import FORMATS, export_document
from opora.risks import selectors as risk_selectors


@login_required
def index(request):
    """Monitoring home: campaigns, and per municipality its dashboard, dynamics and reports."""
    # A school team and a curator take part in campaigns; the municipality's pages are not
    # theirs (its published reports are on the public page).
    municipalities = [
        m
        for m in visible_municipalities(request.user).order_by("name")
        if sees_whole_municipality(request.user, m)
    ]
    reports = selectors.report_list(user=request.user).filter(municipality__in=municipalities)
    return render(
        request,
        "monitoring/index.html",
        {
            "campaigns": selectors.campaign_list(user=request.user),
            "municipalities": municipalities,
            "reports": reports,
            "regional": sees_region_summary(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request, code):
    municipality = selectors.municipality_get(user=request.user, code=code)
    if not can_manage_municipality(request.user, municipality):
        raise PermissionDenied
    indicators = Indicator.objects.filter(
        program__municipality=municipality, program__school__isnull=True
    ).select_related("school")
    form = CampaignForm(
        request.POST or None, indicators=indicators, initial={"year": year_in_view(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                user=request.user,
                municipality=municipality,
                title=data["title"],
                kind=data["kind"],
                year=data["year"],
                measured_on=data["measured_on"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                indicators=list(data["indicators"]),
                questions=data["questions"].splitlines(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Кампания создана. Откройте сбор, когда будете готовы.")
            return redirect("monitoring:campaign_detail", pk=campaign.pk)
    return render(
        request, "monitoring/campaign_form.html", {"form": form, "municipality": municipality}
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    manages = can_manage_municipality(request.user, campaign.municipality)
    form = CampaignStatusForm(request.POST or None, initial={"status": campaign.status})
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            services.campaign_status_change(
                user=request.user, campaign=campaign, status=form.cleaned_data["status"]
            )
            messages.success(request, "Статус кампании изменён.")
            return redirect("monitoring:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "monitoring/campaign_detail.html",
        {
            "campaign": campaign,
            "completeness": selectors.campaign_completeness(user=request.user, campaign=campaign),
            "municipal_indicators": selectors.municipal_indicators(campaign=campaign),
            "manages": manages,
            "status_form": form,
            "today": timezone.localdate(),
            "hint": selectors.KIND_HINTS[campaign.kind],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request, pk):
    submission = selectors.submission_get(user=request.user, pk=pk)
    campaign = submission.campaign
    indicators = selectors.campaign_indicators(campaign=campaign, school=submission.school)
    may_fill = (
        can_fill_submission(request.user, submission)
        and submission.status in services.EDITABLE
        and campaign.status == CampaignStatus.OPEN
    )
    may_review = (
        can_review_submission(request.user, submission)
        and submission.status == SubmissionStatus.SUBMITTED
    )
    review_form = ReviewForm(request.POST or None if "decision" in request.POST else None)
    if request.method == "POST":
        if "decision" in request.POST:
            if not may_review:
                raise PermissionDenied
            if review_form.is_valid():
                try:
                    services.submission_review(
                        user=request.user,
                        submission=submission,
                        accept=review_form.cleaned_data["decision"] == "accept",
                        comment=review_form.cleaned_data["comment"],
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, "Решение по отчёту сохранено.")
                    return redirect("monitoring:campaign_detail", pk=campaign.pk)
        else:
            if not may_fill:
                raise PermissionDenied
            values = {
                i.pk: (
                    request.POST.get(f"value-{i.pk}", ""),
                    request.POST.get(f"link-{i.pk}", ""),
                )
                for i in indicators
            }
            answers = {
                q: (
                    request.POST.get(f"answer-{n}", ""),
                    request.POST.get(f"answer-link-{n}", ""),
                )
                for n, q in enumerate(campaign.questions)
            }
            try:
                services.submission_save(
                    user=request.user,
                    submission=submission,
                    values=values,
                    answers=answers,
                    submit=False,
                )
                if "submit" in request.POST:
                    services.submission_submit(user=request.user, submission=submission)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                text = "Отчёт сдан на проверку." if "submit" in request.POST else "Сохранено."
                messages.success(request, text)
            return redirect("monitoring:submission_detail", pk=submission.pk)
    saved = {v.indicator_id: v for v in submission.values.exclude(indicator=None)}
    answered = {v.question: v for v in submission.values.filter(indicator=None)}
    return render(
        request,
        "monitoring/submission_detail.html",
        {
            "submission": submission,
            "campaign": campaign,
            "items": [(i, saved.get(i.pk)) for i in indicators],
            "questions": [(n, q, answered.get(q)) for n, q in enumerate(campaign.questions)],
            "may_fill": may_fill,
            "may_review": may_review,
            "review_form": review_form,
            "results_count": School.objects.get(pk=submission.school_id)
            .results.filter(year=campaign.year)
            .count()
            if campaign.kind == CampaignKind.MSOKO
            else None,
            "history": submission.history.order_by("-history_date")[:20],
        },
    )


@login_required
def dashboard(request, code):
    municipality = selectors.municipality_get(user=request.user, code=code)
    if not sees_whole_municipality(request.user, municipality):
        raise Http404
    # The dashboard of a year shows the list in force in it and beside it the year's results,
    # or, before they are in, the results the list was made from (a list for Y is made from the
    # results of Y − 1), its schools grouped by that list.
    year = page_year(request)
    results_year = latest_up_to(year, report_years(municipality=municipality)) or year
    dynamics = municipality_dynamics(municipality=municipality, year=results_year, list_year=year)
    own = (
        dynamics
        if results_year == year
        else municipality_dynamics(municipality=municipality, year=year, pooled=False)
    )
    measures = measure_rows(municipality=municipality, year=year, dynamics=own)
    summary = municipality_summary(
        municipality=municipality,
        year=year,
        today=deadlines_as_of(year, timezone.localdate()),
        measures=measures,
    )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "municipality": municipality,
            "year": year,
            "results_year": results_year,
            "years": report_years(municipality=municipality),
            "summary": summary,
            "listing": list_in_view(municipality=municipality, year=year),
            "chart": _groups_chart(dynamics),
            "manages": can_manage_municipality(request.user, municipality),
            # The report of the results beside the list: it presents the list they made.
            "report": AnnualReport.objects.filter(
                municipality=municipality, year=results_year
            ).first(),
            "map": _risk_map(request.user, municipality, year),
        },
    )


def _risk_map(user, municipality, year):
    """The heat map of the year, when any school has filled its risk profile."""
    found = risk_selectors.heat_map(user=user, municipality=municipality, year=year)
    return found if any(row.profile for row in found.rows) else None


def _groups_chart(dynamics) -> str:
    """Доля «2» of ШНОР, the other schools, the municipality and the region, per assessment."""
    if not dynamics.assessments:
        return ""
    labels = [
        f"{KIND_LABELS.get(k, k)} {dynamics.labels.get(s, s)} {g} кл."
        for k, s, g in dynamics.assessments
    ]
    series = {}
    for group in dynamics.group_names:
        rows = {
            (r["kind"], r["subject"], r["grade"]): r["twos"]
            for r in dynamics.groups.filter(dynamics.groups["school_code"] == group).iter_rows(
                named=True
            )
        }
        series[group] = [rows.get(key) for key in dynamics.assessments]
    return charts.svg(
        charts.bars_chart(labels=labels, series=series, title="Доля «2», %, по группам школ")
    )


@login_required
@replica_reads
def region_dashboard(request):
    if not sees_region_summary(request.user):
        raise Http404
    year = page_year(request)
    summaries = region_summaries(
        user=request.user, today=deadlines_as_of(year, timezone.localdate()), year=year
    )
    return render(
        request,
        "monitoring/region_dashboard.html",
        {
            "summaries": summaries,
            "chart": _region_chart(summaries),
            "year": year,
            "results_year": year - 1,
        },
    )


def _region_chart(summaries) -> str:
    """Per municipality: the share of schools in ШНОР, of indicators reached, of activities
    done."""
    if not summaries:
        return ""
    return charts.cached_svg(
        charts.bars_chart,
        labels=[s.municipality.name for s in summaries],
        series={
            "школ в ШНОР, %": [100 * s.shnor / s.schools if s.schools else None for s in summaries],
            "показателей достигнуто, %": [
                _share(s.indicators["achieved"], s.indicators) for s in summaries
            ],
            "мероприятий выполнено, %": [
                _share(s.activities["done"], s.activities, skip="overdue") for s in summaries
            ],
        },
        title="Муниципалитеты: ШНОР, показатели, дорожные карты",
    )


def _share(part: int, counts: dict, skip: str = "") -> float | None:
    total = sum(v for k, v in counts.items() if k != skip)
    return 100 * part / total if total else None


def _blocks_page(request, code, sections):
    municipality = selectors.municipality_get(user=request.user, code=code)
    if not sees_whole_municipality(request.user, municipality):
        raise Http404
    year = page_year(request, years=report_years(municipality=municipality))
    data = report_data(municipality=municipality, year=year)
    blocks = [b for section in sections for b in section.render(data)]
    return municipality, year, data, blocks


@login_required
def dynamics(request, code):
    municipality, year, _, blocks = _blocks_page(request, code, [DynamicsSection()])
    blocks = [b for b in blocks if b.kind != "conclusion"]
    return render(
        request,
        "monitoring/dynamics.html",
        {
            "municipality": municipality,
            "year": year,
            "years": report_years(municipality=municipality),
            "blocks": blocks,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def effectiveness(request, code):
    municipality, year, data, blocks = _blocks_page(
        request, code, [EffectivenessSection(), ListExitSection()]
    )
    manages = can_manage_municipality(request.user, municipality)
    form = _measure_form(request, municipality)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            services.measure_save(
                user=request.user, municipality=municipality, year=year, **form.cleaned_data
            )
            messages.success(request, "Мера добавлена.")
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "monitoring/effectiveness.html",
        {
            "municipality": municipality,
            "year": year,
            "years": report_years(municipality=municipality),
            "blocks": [b for b in blocks if b.kind != "conclusion"],
            "measures": data.measures,
            "form": form if manages else None,
        },
    )


def _measure_form(request, municipality, measure=None):
    initial = {}
    if measure is not None:
        initial = {
            "track": measure.track,
            "text": measure.text,
            "schools": measure.schools.all(),
            "indicators": measure.indicators.all(),
            "rule": measure.rule,
            "conclusion": measure.conclusion,
        }
    return MeasureForm(
        request.POST or None,
        initial=initial,
        schools=School.objects.filter(municipality=municipality).order_by("short_name"),
        indicators=Indicator.objects.filter(program__municipality=municipality).select_related(
            "school"
        ),
        rules=rule_list(municipality=municipality),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_detail(request, pk):
    measure = measure_get(user=request.user, pk=pk)
    if not sees_whole_municipality(request.user, measure.municipality):
        raise Http404
    manages = can_manage_municipality(request.user, measure.municipality)
    form = _measure_form(request, measure.municipality, measure)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            services.measure_save(
                user=request.user,
                municipality=measure.municipality,
                year=measure.year,
                measure=measure,
                **form.cleaned_data,
            )
            messages.success(request, "Мера сохранена.")
            return redirect("monitoring:measure_detail", pk=measure.pk)
    # Judging needs the schools' own dynamics only, not the region's pooled figures.
    dynamics = municipality_dynamics(
        municipality=measure.municipality, year=measure.year, pooled=False
    )
    rows = measure_rows(municipality=measure.municipality, year=measure.year, dynamics=dynamics)
    return render(
        request,
        "monitoring/measure_detail.html",
        {
            "measure": measure,
            "row": next(r for r in rows if r.measure.pk == measure.pk),
            "form": form if manages else None,
            "history": measure.history.order_by("-history_date")[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, code, year):
    municipality = selectors.municipality_get(user=request.user, code=code)
    if not sees_whole_municipality(request.user, municipality):
        raise Http404
    manages = can_manage_municipality(request.user, municipality)
    report = AnnualReport.objects.filter(municipality=municipality, year=year).first()
    if report is None and not manages:
        raise Http404
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        report = services.report_open(user=request.user, municipality=municipality, year=year)
        if request.POST.get("export") in FORMATS:
            return redirect(
                "monitoring:report_export", pk=report.pk, file_format=request.POST["export"]
            )
        if "publish" in request.POST:
            services.report_publish(
                user=request.user, report=report, published=request.POST["publish"] == "1"
            )
            messages.success(
                request,
                "Отчёт опубликован на открытой странице."
                if report.is_published
                else "Отчёт снят с публикации.",
            )
        elif "requisites" in request.POST:
            try:
                services.report_requisites_save(
                    user=request.user,
                    report=report,
                    meeting_id=request.POST.get("meeting", ""),
                    appendix_number=request.POST.get("appendix_number", ""),
                    signer_position=request.POST.get("signer_position", ""),
                    signer_name=request.POST.get("signer_name", ""),
                )
                messages.success(request, "Реквизиты отчёта сохранены.")
            except ValidationError as error:
                for problem in error.messages:
                    messages.error(request, problem)
        else:
            services.report_conclusions_save(
                user=request.user,
                report=report,
                conclusions={
                    key: request.POST.get(f"conclusion-{key}", "") for key, _ in conclusion_fields()
                },
            )
            messages.success(request, "Выводы сохранены.")
        return redirect("monitoring:report_page", code=code, year=year)
    if report is None:
        # Shown, not saved: a GET changes nothing. The coordinator's first save, publication
        # or request for a file creates the report.
        report = AnnualReport(
            municipality=municipality, year=year, title=services.report_title(municipality, year)
        )
    data = report_data(municipality=municipality, year=year, report=report)
    return render(
        request,
        "monitoring/report_page.html",
        {
            "report": report,
            "municipality": municipality,
            "blocks": build(data),
            "manages": manages,
            "meetings": selectors.report_meetings(municipality=municipality) if manages else [],
            "history": report.history.order_by("-history_date")[:20] if report.pk else [],
        },
    )


@login_required
def report_export(request, pk, file_format):
    report = selectors.report_get(user=request.user, pk=pk)  # 404 outside the scope
    if not report.is_published and not sees_whole_municipality(request.user, report.municipality):
        raise Http404
    content = export_document(f"{KIND}-{report.pk}", file_format=file_format)
    name = f"report-{report.municipality.code}-{report.year}.{file_format}"
    return file_response(content, filename=name, content_type=FORMATS[file_format])


def public_page(request, code):
    """No login: only what the municipality has approved or published."""
    return render(request, "monitoring/public.html", {"page": public.public_page(code=code)})


def public_report(request, code, pk):
    page = public.public_page(code=code)
    report = next((r for r in page.reports if r.pk == pk), None)
    if report is None:
        raise Http404
    return file_response(
        published_report_pdf(report),
        filename=f"report-{code}-{report.year}.pdf",
        content_type=FORMATS["pdf"],
        inline=True,
    )
