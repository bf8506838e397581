from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from opora import locking
from opora.accounts.permissions import can_manage_working_group, can_update_decision
from opora.downloads import file_response
from opora.meetings import selectors, services
from opora.meetings.documents import BUILDERS, meeting_protocol, protocol_filename
from opora.meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DecisionStatusForm,
    GroupForm,
    MeetingForm,
    MemberForm,
)
from opora.meetings.models import AgendaItem, Decision, Meeting, ProtocolStatus
from opora.meetings.protocol import officer, place_lines
from opora.registry.years import deadline_day
from opora.reports.documents import FORMATS


def _form_page(request, form, *, title, crumbs, submit="Сохранить", intro=""):
    return render(
        request,
        "meetings/form_page.html",
        {"form": form, "title": title, "crumbs": crumbs, "submit": submit, "intro": intro},
    )


def _save(form, call):
    """Run a service with the form's data; its validation errors land on the form."""
    try:
        return call()
    except locking.EditConflict as conflict:
        locking.keep_refused(form, conflict, model=form._meta.model)
        return None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def _seen(model) -> dict:
    return {"seen": locking.edit_token(model)}


def _manager_only(request, group):
    if not can_manage_working_group(request.user, group):
        raise PermissionDenied


def _group_crumbs(group):
    return [
        (reverse("meetings:group_list"), "Рабочая группа"),
        (group.get_absolute_url(), group.name),
    ]


@login_required
def group_list(request):
    return render(
        request,
        "meetings/group_list.html",
        {
            "groups": selectors.group_list(user=request.user),
            "can_create": bool(selectors.group_municipalities(user=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    municipalities = selectors.group_municipalities(user=request.user)
    if not municipalities:
        raise PermissionDenied
    municipality = municipalities[0]
    if request.GET.get("municipality"):
        municipality = next(
            (m for m in municipalities if m.code == request.GET["municipality"]), None
        )
        if municipality is None:
            raise Http404
    form = GroupForm(request.POST or None, region=municipality.region)
    if request.method == "POST" and form.is_valid():
        group = _save(
            form,
            lambda: services.working_group_create(
                user=request.user, municipality=municipality, **form.cleaned_data
            ),
        )
        if group:
            messages.success(request, "Рабочая группа создана. Добавьте её состав.")
            return redirect(group.get_absolute_url())
    return _form_page(
        request,
        form,
        title=f"Новая рабочая группа: {municipality}",
        crumbs=[(reverse("meetings:group_list"), "Рабочая группа")],
    )


@login_required
def group_detail(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    today = timezone.localdate()
    members = list(group.members.select_related("account"))
    return render(
        request,
        "meetings/group_detail.html",
        {
            "group": group,
            "current": [m for m in members if m.is_active_on(today)],
            "former": [m for m in members if not m.is_active_on(today)],
            "meetings": group.meetings.select_related("chair").order_by("-date", "-number"),
            "open_decisions": selectors.decision_list(user=request.user, today=today).filter(
                item__meeting__group=group
            ),
            "manages": can_manage_working_group(request.user, group),
            "changes": selectors.member_changes(group=group)[:50],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    _manager_only(request, group)
    form = GroupForm(request.POST or None, instance=group, region=group.municipality.region)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if _save(
            form, lambda: services.working_group_update(user=request.user, group=group, **values)
        ):
            messages.success(request, "Сведения о группе сохранены.")
            return redirect(group.get_absolute_url())
    return _form_page(request, form, title="Сведения о группе", crumbs=_group_crumbs(group))


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk, member_pk=None):
    group = selectors.group_get(user=request.user, pk=pk)
    _manager_only(request, group)
    member = get_object_or_404(group.members, pk=member_pk) if member_pk else None
    form = MemberForm(request.POST or None, instance=member, municipality=group.municipality)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if _save(
            form,
            lambda: services.member_save(user=request.user, group=group, member=member, **values),
        ):
            messages.success(request, "Состав группы сохранён.")
            return redirect(group.get_absolute_url())
    title = f"Член группы: {member}" if member else "Добавить члена группы"
    intro = (
        "Чтобы вывести из состава, укажите дату выхода: человек останется в протоколах прошлых "
        "заседаний и в истории состава."
        if member
        else ""
    )
    return _form_page(request, form, title=title, crumbs=_group_crumbs(group), intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    _manager_only(request, group)
    head = group.members.filter(role="head", left_on__isnull=True).first()
    secretary = group.members.filter(role="secretary", left_on__isnull=True).first()
    form = MeetingForm(
        request.POST or None,
        group=group,
        initial={"date": timezone.localdate(), "chair": head, "secretary": secretary},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        meeting = _save(
            form, lambda: services.meeting_create(user=request.user, group=group, **values)
        )
        if meeting:
            messages.success(request, f"{meeting} создано. Отметьте присутствующих.")
            return redirect(meeting.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Новое заседание",
        crumbs=_group_crumbs(group),
        intro="Номер присваивается следующий по порядку. Нерешённые решения прошлых заседаний "
        "попадут в повестку отдельным вопросом «Об исполнении решений предыдущих заседаний».",
    )


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    content = meeting_protocol(meeting)
    today = deadline_day(request.user)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "p": content,
            "chair": officer(content["chair"]) if content["chair"] else "",
            "secretary": officer(content["secretary"]) if content["secretary"] else "",
            "place_lines": place_lines(content),
            "items": meeting.items.prefetch_related(
                "decisions__owner_member", "decisions__owner_school", "reviewed_decisions"
            ),
            "quorum": services.meeting_quorum(meeting),
            "manages": can_manage_working_group(request.user, meeting.group),
            "editable": meeting.status == ProtocolStatus.DRAFT,
            "revisions": meeting.revisions.select_related("finalised_by"),
            "changes": selectors.protocol_changes(meeting=meeting)[:100],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _manager_only(request, meeting.group)
    form = MeetingForm(
        request.POST or None, instance=meeting, group=meeting.group, initial=_seen(Meeting)
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if _save(
            form, lambda: services.meeting_update(user=request.user, meeting=meeting, **values)
        ):
            messages.success(request, "Сведения о заседании сохранены.")
            return redirect(meeting.get_absolute_url())
    return _form_page(request, form, title=f"{meeting}: сведения", crumbs=_meeting_crumbs(meeting))


def _meeting_crumbs(meeting):
    return [*_group_crumbs(meeting.group), (meeting.get_absolute_url(), str(meeting))]


@login_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _manager_only(request, meeting.group)
    members = services.members_on(meeting.group, meeting.date)
    form = AttendanceForm(request.POST or None, members=members, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        quorum = _save(
            form,
            lambda: services.attendance_save(
                user=request.user, meeting=meeting, **form.attendance()
            ),
        )
        if quorum:
            state = "кворум есть" if quorum.reached else "кворума нет"
            messages.success(
                request,
                f"Присутствие сохранено: {quorum.present} из {quorum.members} членов группы, "
                f"{state}.",
            )
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "meetings/attendance_form.html",
        {"form": form, "meeting": meeting, "crumbs": _meeting_crumbs(meeting)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk, item_pk=None):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _manager_only(request, meeting.group)
    item = get_object_or_404(meeting.items, pk=item_pk) if item_pk else None
    form = AgendaItemForm(request.POST or None, instance=item, initial=_seen(AgendaItem))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        speeches = values.pop("speeches")
        saved = _save(
            form,
            lambda: services.agenda_item_save(
                user=request.user, meeting=meeting, item=item, speeches=speeches, **values
            ),
        )
        if saved:
            messages.success(request, f"Вопрос {saved.number} сохранён.")
            return redirect(f"{meeting.get_absolute_url()}#item-{saved.number}")
    title = f"Вопрос {item.number}" if item else "Новый вопрос повестки"
    return _form_page(request, form, title=title, crumbs=_meeting_crumbs(meeting))


@login_required
@require_POST
def item_delete(request, pk, item_pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    try:
        services.agenda_item_delete(user=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Вопрос удалён из повестки.")
    return redirect(meeting.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request, pk, item_pk, decision_pk=None):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _manager_only(request, meeting.group)
    item = get_object_or_404(meeting.items, pk=item_pk)
    decision = get_object_or_404(item.decisions, pk=decision_pk) if decision_pk else None
    form = DecisionForm(
        request.POST or None, instance=decision, group=meeting.group, initial=_seen(Decision)
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        saved = _save(
            form,
            lambda: services.decision_save(
                user=request.user, item=item, decision=decision, **values
            ),
        )
        if saved:
            messages.success(request, f"Решение {item.number}.{saved.number} сохранено.")
            return redirect(f"{meeting.get_absolute_url()}#item-{item.number}")
    title = f"Решение {item.number}.{decision.number}" if decision else "Новое решение"
    return _form_page(
        request,
        form,
        title=f"{title} (вопрос {item.number})",
        crumbs=_meeting_crumbs(meeting),
        intro="Срок пишите как в протоколе: «до 01.09.2024», «в течение года», «постоянно». "
        "По сроку решение попадёт в просроченные на главной странице ответственного и "
        "координатора.",
    )


@login_required
@require_POST
def decision_delete(request, pk, item_pk, decision_pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    decision = get_object_or_404(item.decisions, pk=decision_pk)
    try:
        services.decision_delete(user=request.user, decision=decision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Решение удалено.")
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_finalise(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.meeting_finalise(user=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, "Протокол не утверждён: " + " ".join(error.messages))
    else:
        messages.success(request, "Протокол окончательный: теперь его можно распечатать.")
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_revise(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.meeting_new_revision(user=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Открыта редакция {meeting.revision}; редакция {meeting.revision - 1} сохранена.",
        )
    return redirect(meeting.get_absolute_url())


@login_required
def protocol_export(request, pk, file_format, revision=None):
    meeting = selectors.meeting_get(user=request.user, pk=pk)  # 404 outside the scope
    if revision is None:
        content = meeting_protocol(meeting)
    else:
        revision = int(revision)
        content = get_object_or_404(meeting.revisions, number=revision).content
    return file_response(
        BUILDERS[file_format](content),
        filename=protocol_filename(meeting, file_format, revision),
        content_type=FORMATS[file_format],
    )


@login_required
def decision_list(request):
    state = request.GET.get("state", "open")
    if state not in ("open", "overdue", "all"):
        state = "open"
    today = deadline_day(request.user)
    return render(
        request,
        "meetings/decision_list.html",
        {
            "decisions": selectors.decision_list(user=request.user, state=state, today=today)[:500],
            "state": state,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request, pk):
    decision = selectors.decision_get(user=request.user, pk=pk)
    may_update = can_update_decision(request.user, decision)
    form = DecisionStatusForm(
        request.POST or None,
        initial={
            "status": decision.status,
            "evidence_link": decision.evidence_link,
            "evidence_note": decision.evidence_note,
        },
    )
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            services.decision_status_update(
                user=request.user, decision=decision, **form.cleaned_data
            )
            messages.success(request, "Состояние решения сохранено.")
            return redirect("meetings:decision_detail", pk=decision.pk)
    meeting = decision.item.meeting
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": decision,
            "meeting": meeting,
            "sees_meeting": selectors.sees_group(user=request.user, group_id=meeting.group_id),
            "form": form if may_update else None,
            "changes": selectors.decision_changes(decision=decision),
            "today": deadline_day(request.user),
        },
    )
