from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from opora.api import services
from opora.api.forms import TokenForm


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's API keys: issue one (shown once), see when each was last used, revoke."""
    form = TokenForm(request.POST or None)
    issued_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, issued_key = services.token_issue(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error.message_dict["name"])
        else:
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "issued_key": issued_key, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, f"Ключ {token} отозван: запросы с ним больше не принимаются.")
    return redirect("api_keys:token_list")
