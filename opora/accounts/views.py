from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from opora.accounts import selectors, services
from opora.accounts.forms import AccountRoleForm, InviteForm, PasswordChangeForm
from opora.accounts.permissions import can_manage_account, manageable_accounts, manages_accounts
from opora.links import local_next
from opora.paging import paginate


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _site_url(request) -> str:
    """Links in letters lead to the address the sender opened Opora at."""
    return request.build_absolute_uri("/")


@login_required
def user_list(request):
    if not manages_accounts(request.user):
        raise PermissionDenied
    search = request.GET.get("q", "").strip()
    accounts = paginate(request, selectors.account_list(user=request.user, search=search))
    manageable = manageable_accounts(request.user, accounts.rows)
    for account in accounts.rows:
        account.manageable = account.pk in manageable
    return render(request, "accounts/user_list.html", {"accounts": accounts, "search": search})


@login_required
@require_http_methods(["GET", "POST"])
def user_invite(request):
    if not manages_accounts(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, _ = services.account_invite(
                user=request.user,
                site_url=_site_url(request),
                email=data["email"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                position=data["position"],
                role=data["role"],
                scope=data["scope"],
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, f"Приглашение отправлено на {account.email}.")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_invite.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    account = selectors.account_get(user=request.user, pk=pk)
    if not can_manage_account(request.user, account):
        raise PermissionDenied
    form = AccountRoleForm(request.POST or None, user=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_change_role(
                user=request.user, account=account, role=data["role"], scope=data["scope"]
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(
                request,
                f"«{account}»: роль и место работы изменены ({account.get_role_display()}).",
            )
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_edit.html",
        {
            "form": form,
            "account": account,
            "history": selectors.account_role_history(account=account),
        },
    )


@login_required
@require_POST
def user_deactivate(request, pk):
    account = selectors.account_get(user=request.user, pk=pk)
    services.account_set_active(user=request.user, account=account, active=False)
    messages.success(request, f"Учётная запись «{account}» отключена: войти с ней нельзя.")
    return redirect("accounts:user_list")


@login_required
@require_POST
def user_activate(request, pk):
    account = selectors.account_get(user=request.user, pk=pk)
    services.account_set_active(user=request.user, account=account, active=True)
    messages.success(request, f"Учётная запись «{account}» снова включена.")
    return redirect("accounts:user_list")


@login_required
@require_POST
def user_password_link(request, pk):
    account = selectors.account_get(user=request.user, pk=pk)
    try:
        services.account_send_password_link(
            user=request.user, account=account, site_url=_site_url(request)
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Ссылка для входа отправлена на {account.email}.")
    return redirect("accounts:user_list")


@login_required
@require_POST
def year_choose(request):
    """The academic year picked in the header; back to the page it was picked on, which then
    opens on that year (its own `?year=` is dropped: it would show the year picked before)."""
    try:
        services.year_in_view_set(user=request.user, year_text=request.POST.get("year", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(_without_year(local_next(request, request.POST.get("next")) or "/"))


def _without_year(path: str) -> str:
    route, _, query = path.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "year"]
    return f"{route}?{urlencode(kept)}" if kept else route
