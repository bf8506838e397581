from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from opora.accounts.permissions import (
    can_assign_curators,
    can_edit_partnership,
    can_edit_school_program,
    can_fill_risk_profile,
    can_manage_municipality,
    can_review_school,
    can_view_school,
    visible_municipalities,
    visible_schools,
)
from opora.downloads import file_response
from opora.programs.models import ProgramStatus
from opora.programs.school_programs import school_program_save
from opora.registry.selectors import school_get
from opora.registry.years import page_year, requested_year, year_in_view
from opora.reports.documents import FORMATS, export_document
from opora.risks import curatorship, profiles, selectors
from opora.risks.forms import (
    ActivityFormSet,
    AssignForm,
    CommentForm,
    IndicatorFormSet,
    PartnershipForm,
    PlanItemForm,
    PrioritiesForm,
    ProgramForm,
    QuestionnaireForm,
    ReviewNoteForm,
    VisitForm,
    rows_of,
)
from opora.risks.models import CuratorAssignment, JointPlanItem, ProfileStatus
from opora.risks.notifications import notification_read
from opora.risks.partnerships import joint_plan_item_add, joint_plan_item_done, partnership_create
from opora.risks.planning import school_programs_create
from opora.risks.reviews import (
    review_comment_add,
    school_program_approve,
    school_program_return,
    school_program_submit,
)


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def index(request):
    """The municipal view: a heat map of schools × risk factors; a school team goes straight to
    its own school."""
    if request.user.school_id:
        return redirect("risks:school", code=request.user.school.code)
    municipality = selectors.municipality_for(
        user=request.user, code=request.GET.get("municipality")
    )
    years = selectors.profile_years(user=request.user, municipality=municipality)
    year = page_year(request, years=years)
    return render(
        request,
        "risks/index.html",
        {
            "municipality": municipality,
            "municipalities": visible_municipalities(request.user).order_by("name"),
            "years": years,
            "year": year,
            "map": selectors.heat_map(user=request.user, municipality=municipality, year=year)
            if municipality
            else None,
            "assigns": municipality and can_assign_curators(request.user, municipality),
        },
    )


@login_required
def school(request, code):
    school = school_get(user=request.user, code=code)
    return render(
        request,
        "risks/school.html",
        {
            "page": selectors.school_page(user=request.user, school=school),
            "current_year": year_in_view(request.user),
            "can_fill": can_fill_risk_profile(request.user, school),
            "can_review": can_review_school(request.user, school),
            "visit_form": VisitForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def profile_open(request, code):
    school = school_get(user=request.user, code=code)
    year = requested_year(request, default=year_in_view(request.user), data=request.POST)
    profile = profiles.profile_open(school=school, year=year, user=request.user)
    return redirect("risks:profile", code=school.code, year=profile.year)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request, code, year):
    profile = selectors.profile_get(user=request.user, school_code=code, year=year)
    blocks = selectors.questionnaire(profile=profile)
    may_fill = can_fill_risk_profile(request.user, profile.school)
    editable = may_fill and profile.status == ProfileStatus.DRAFT
    form = QuestionnaireForm(request.POST or None, blocks=blocks)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                profiles.profile_answers_save(
                    profile=profile, user=request.user, answers=form.answers()
                )
            except ValidationError as error:
                _error(request, error)
            else:
                messages.success(request, "Ответы сохранены, уровни рисков пересчитаны.")
                return redirect("risks:profile", code=code, year=year)
    rows = [b.row for b in blocks if b.row]
    return render(
        request,
        "risks/profile.html",
        {
            "profile": profile,
            "blocks": blocks,
            "form": form if editable else None,
            "priorities_form": PrioritiesForm(rows=rows) if editable else None,
            "priorities": [r for r in rows if r.is_priority],
            "previous": selectors.previous_profile(profile=profile),
            "may_fill": may_fill,
            "may_review": can_review_school(request.user, profile.school)
            and profile.status == ProfileStatus.SUBMITTED,
            "programs": [link.program for link in profile.programs.select_related("program")],
            "note_form": ReviewNoteForm(),
        },
    )


@login_required
@require_POST
def profile_action(request, code, year, action):
    profile = selectors.profile_get(user=request.user, school_code=code, year=year)
    try:
        if action == "priorities":
            profiles.profile_priorities_save(
                profile=profile, user=request.user, factor_codes=request.POST.getlist("factors")
            )
            messages.success(request, "Приоритетные факторы сохранены.")
        elif action == "submit":
            profiles.profile_submit(profile=profile, user=request.user)
            messages.success(request, "Профиль отправлен куратору на верификацию.")
        elif action in ("verify", "return"):
            profiles.profile_review(
                profile=profile,
                user=request.user,
                verified=action == "verify",
                note=request.POST.get("note", ""),
                today=timezone.localdate(),
            )
            messages.success(request, f"Профиль: {profile.get_status_display()}.")
        elif action == "programs":
            created = school_programs_create(profile=profile, user=request.user)
            messages.success(request, f"Создано документов: {len(created)}.")
    except ValidationError as error:
        _error(request, error)
    return redirect("risks:profile", code=code, year=year)


@login_required
def profile_export(request, code, year, file_format):
    profile = selectors.profile_get(user=request.user, school_code=code, year=year)
    content = export_document(f"risk_profile-{profile.pk}", file_format=file_format)
    name = f"risk-profile-{profile.school.code}-{profile.year}.{file_format}"
    return file_response(content, filename=name, content_type=FORMATS[file_format])


@login_required
@require_http_methods(["GET", "POST"])
def program_work(request, pk):
    """A school program on its way to approval: the school adapts it, the curator comments,
    returns or approves."""
    program = selectors.school_program_get(user=request.user, pk=pk)
    editable = can_edit_school_program(request.user, program) and (
        program.status == ProgramStatus.DRAFT
    )
    goal = program.goals.first()
    activities = list(program.activities.order_by("position", "pk"))
    form = ProgramForm(
        request.POST or None,
        initial={
            "goal": program.passport.get("goal") or (goal.text if goal else ""),
            "tasks": "\n".join(t.text for t in goal.tasks.all()) if goal else "",
            "executors": program.passport.get("executors", ""),
        },
    )
    activity_set = ActivityFormSet(
        request.POST or None,
        prefix="activities",
        initial=[
            {
                "id": a.pk,
                "text": a.text,
                "period": a.period,
                "responsible": a.responsible,
                "implementation_indicator": a.implementation_indicator,
            }
            for a in activities
        ],
    )
    indicator_set = IndicatorFormSet(
        request.POST or None,
        prefix="indicators",
        initial=[
            {
                "id": i.pk,
                "name": i.name,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": next((t.value for t in i.targets.all()), ""),
            }
            for i in program.indicators.prefetch_related("targets")
        ],
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid() and activity_set.is_valid() and indicator_set.is_valid():
            try:
                school_program_save(
                    program=program,
                    user=request.user,
                    goal=form.cleaned_data["goal"],
                    tasks=form.task_list(),
                    executors=form.cleaned_data["executors"],
                    activities=rows_of(activity_set),
                    indicators=rows_of(indicator_set),
                )
            except ValidationError as error:
                _error(request, error)
            else:
                messages.success(request, "Программа сохранена.")
                return redirect("risks:program_work", pk=program.pk)
    reviews = can_review_school(request.user, program.school)
    return render(
        request,
        "risks/program_work.html",
        {
            "program": program,
            "goal": goal,
            "activities": activities,
            "indicators": program.indicators.prefetch_related("targets"),
            "editable": editable,
            "form": form,
            "activity_set": activity_set,
            "indicator_set": indicator_set,
            "may_submit": can_edit_school_program(request.user, program)
            and program.status == ProgramStatus.DRAFT,
            "reviews": reviews and program.status == ProgramStatus.REVIEW,
            "comment_form": CommentForm(activities=activities) if reviews else None,
            "note_form": ReviewNoteForm(),
            "thread": selectors.review_thread(program=program),
            "open_comments": selectors.open_comments(program=program),
        },
    )


@login_required
@require_POST
def program_action(request, pk, action):
    program = selectors.school_program_get(user=request.user, pk=pk)
    note = request.POST.get("note", "").strip()
    try:
        if action == "submit":
            school_program_submit(program=program, user=request.user)
            messages.success(request, "Программа направлена куратору на согласование.")
        elif action == "comment":
            activities = list(program.activities.all())
            form = CommentForm(request.POST, activities=activities)
            if not form.is_valid():
                raise ValidationError("Выберите, к чему замечание, и напишите его.")
            review_comment_add(
                program=program,
                user=request.user,
                text=form.cleaned_data["text"],
                **form.pointed_at(),
            )
            messages.success(request, "Замечание добавлено.")
        elif action == "return":
            school_program_return(program=program, user=request.user, note=note)
            messages.success(request, "Программа возвращена школе на доработку.")
        elif action == "approve":
            school_program_approve(program=program, user=request.user, note=note)
            messages.success(request, "Программа согласована и утверждена.")
    except ValidationError as error:
        _error(request, error)
    return redirect("risks:program_work", pk=program.pk)


@login_required
@require_POST
def visit_add(request, code):
    school = school_get(user=request.user, code=code)
    if not can_review_school(request.user, school):
        raise PermissionDenied
    form = VisitForm(request.POST)
    if form.is_valid():
        curatorship.visit_save(school=school, user=request.user, **form.cleaned_data)
        messages.success(request, "Запись о выезде (консультации) добавлена.")
    else:
        messages.error(request, "Укажите вид, дату и цель.")
    return redirect("risks:school", code=school.code)


@login_required
@require_http_methods(["GET", "POST"])
def curators(request):
    municipality = selectors.municipality_for(
        user=request.user, code=request.GET.get("municipality")
    )
    if municipality is None or not can_assign_curators(request.user, municipality):
        raise PermissionDenied
    schools = visible_schools(request.user).filter(municipality=municipality).order_by("short_name")
    candidates = selectors.curator_candidates(user=request.user, municipality=municipality)
    form = AssignForm(request.POST or None, schools=schools, curators=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            curatorship.curator_assign(
                user=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, "Куратор закреплён за школой.")
            return redirect(f"{request.path}?municipality={municipality.code}")
    return render(
        request,
        "risks/curators.html",
        {
            "municipality": municipality,
            "form": form,
            "assignments": selectors.assignments(user=request.user, municipality=municipality),
        },
    )


@login_required
@require_POST
def curator_unassign(request, pk):
    assignment = get_object_or_404(
        CuratorAssignment.objects.filter(school__in=visible_schools(request.user)), pk=pk
    )
    curatorship.curator_unassign(
        assignment=assignment, user=request.user, today=timezone.localdate()
    )
    messages.success(request, f"{assignment.curator} снят со школы {assignment.school}.")
    url = reverse("risks:curators")
    return redirect(f"{url}?municipality={assignment.school.municipality.code}")


@login_required
@require_http_methods(["GET", "POST"])
def partnerships(request):
    schools = visible_schools(request.user).order_by("municipality__name", "short_name")
    manages = any(
        can_manage_municipality(request.user, m) for m in visible_municipalities(request.user)
    )
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = PartnershipForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            created = partnership_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, "Партнёрство школ создано.")
            return redirect("risks:partnership", pk=created.pk)
    return render(
        request,
        "risks/partnerships.html",
        {
            "partnerships": selectors.partnerships(user=request.user),
            "form": form if manages else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership(request, pk):
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    if request.method == "POST" and not can_edit_partnership(request.user, partnership):
        raise PermissionDenied
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        joint_plan_item_add(partnership=partnership, user=request.user, **form.cleaned_data)
        messages.success(request, "Мероприятие добавлено в совместный план.")
        return redirect("risks:partnership", pk=partnership.pk)
    return render(
        request,
        "risks/partnership.html",
        {
            "partnership": partnership,
            "form": form,
            "may_edit": can_edit_partnership(request.user, partnership),
            # A school team sees its partner's name, not the partner's risk profile.
            "opens": {
                school.code: can_view_school(request.user, school)
                for school in (partnership.leader, partnership.partner)
            },
        },
    )


@login_required
@require_POST
def plan_item_done(request, pk):
    item = get_object_or_404(
        JointPlanItem.objects.filter(partnership__in=selectors.partnerships(user=request.user)),
        pk=pk,
    )
    joint_plan_item_done(item=item, user=request.user, done=request.POST.get("done") == "1")
    return redirect("risks:partnership", pk=item.partnership_id)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        notification_read(user=request.user)
        messages.success(request, "Все уведомления отмечены прочитанными.")
        return redirect("risks:notifications")
    return render(
        request,
        "risks/notifications.html",
        {"notifications": selectors.notifications(user=request.user)[:200]},
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(selectors.notifications(user=request.user), pk=pk)
    notification_read(user=request.user, notification_ids=[notification.pk])
    return redirect(notification.link or "risks:notifications")
