"""The page of a table import: upload → a preview of what would change (nothing written) →
«Загрузить» loads the kept file. The registry, teachers and diagnostics pages share it."""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render

from opora.tabular import ImportRefused
from opora.uploads import preview_keep, preview_take


def import_page(
    request,
    *,
    form_class,
    service: Callable,
    describe: Callable[[object], str],
    purpose: str,
    template: str,
    loaded: str,
    done: str,
    changes_title: str = "",
):
    """`service(content=, filename=, imported_by=, dry_run=)` reads the file and returns its
    result, `describe(result)` says it in words; `loaded` is the message after loading, with
    {filename} and {summary}; `done` the page to go to then. With `changes_title` the preview
    also lists the result's `changes`."""
    if request.method == "POST" and "token" in request.POST:
        content, filename = preview_take(
            token=request.POST["token"], user=request.user, purpose=purpose
        )
        form, upload = form_class(), None
    else:
        form = form_class(request.POST or None, request.FILES or None)
        upload = form.cleaned_data["file"] if request.method == "POST" and form.is_valid() else None
        content, filename = (upload.read(), upload.name) if upload else (None, None)
    refused = None
    if content is not None:
        try:
            result = service(
                content=content, filename=filename, imported_by=request.user, dry_run=bool(upload)
            )
        except ImportRefused as error:
            refused = error
        else:
            summary = describe(result)
            if upload is None:
                messages.success(request, loaded.format(filename=filename, summary=summary))
                return redirect(done)
            preview = {
                "filename": filename,
                "summary": summary,
                "token": preview_keep(upload=upload, user=request.user, purpose=purpose),
                "action": request.path,
                "back": request.path,
            }
            if changes_title:
                preview |= {"lines_title": changes_title, "lines": result.changes}
            return render(request, "import_preview.html", preview)
    return render(
        request, template, {"form": form, "refused": refused}, status=400 if refused else 200
    )
