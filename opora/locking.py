"""Optimistic locking: when two people edit the same record, the second save is refused with
who changed it and when, and the refused value is shown back so nothing typed is lost.

Every official record keeps its history (django-simple-history), and history ids only grow, so
the highest history id of a model at the moment a form is shown says what its user has seen:

    # showing the form
    form = SomeForm(initial={"seen": locking.edit_token(Protocol)})
    # saving, inside the service's transaction, with the row locked
    protocol = Protocol.objects.select_for_update().get(pk=pk)
    locking.ensure_unchanged(protocol, seen=form.cleaned_data["seen"], yours=new_text)
    ... save ...

The check and the save are one step only inside the service's transaction: PostgreSQL locks
the row (`select_for_update`); SQLite has no row locks, but each transaction takes the write
lock as it begins (`transaction_mode: IMMEDIATE` in settings), so of two saves at the same
moment the second waits and then finds the first in the history.

A form that may create a record (a value on a new date) also checks the record it would create:
when someone else created it meanwhile, the unique constraint fails and `conflict_with` reports
that record (see `opora.programs.services.indicator_value_save`).

The token is taken from the whole model's history, so a page with many records (an indicator's
values) needs one hidden field. Views catch `EditConflict`, show its message, keep the user's
input in the form and give it a fresh token (`keep_refused`): sending it again then overwrites
knowingly, and the history keeps the overwritten version.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max, Model
from django.utils import timezone


class EditConflict(ValidationError):
    """Someone else saved the record after this user opened the form."""


def edit_token(model: type[Model]) -> int:
    """What a form shown now has seen: the model's highest history id (0 with no history)."""
    return model.history.aggregate(seen=Max("history_id"))["seen"] or 0


def keep_refused(form, conflict: EditConflict, *, model: type[Model]) -> None:
    """Show the refusal on the bound form and keep what was typed, with a fresh token: sending
    the form again then overwrites knowingly, and the history keeps the overwritten version."""
    form.data = form.data.copy()
    form.data["seen"] = edit_token(model)
    form.add_error(None, conflict)


def ensure_unchanged(instance: Model, *, seen: int, yours: str | None = None) -> None:
    """Refuse the save if `instance` has a history entry newer than `seen`."""
    newer = instance.history.filter(history_id__gt=seen).order_by("-history_id").first()
    if newer is not None:
        raise conflict_with(newer, yours=yours)


def conflict_with(record, *, yours: str | None = None) -> EditConflict:
    """The refusal naming who saved `record` (a history entry or a live record) and when.
    `yours` is a short value to repeat in the message; a long text (a protocol's) is not
    repeated: it stays in the form."""
    entry = record if hasattr(record, "history_id") else record.history.latest()
    when = timezone.localtime(entry.history_date)
    params = {
        "who": _person(entry.history_user),
        "time": f"{when:%H:%M}",
        "date": f"{when:%d.%m.%Y}",
        "yours": yours,
    }
    if yours is None:
        return EditConflict(
            "Эту запись изменил(а) %(who)s в %(time)s %(date)s, пока вы её правили. Ваш вариант "
            "не сохранён и остался в форме: сверьте его с сохранённым (откройте запись в новой "
            "вкладке) и нажмите «Сохранить» ещё раз.",
            code="edit_conflict",
            params=params,
        )
    return EditConflict(
        "Значение изменил(а) %(who)s в %(time)s %(date)s — обновите страницу; ваше значение: "
        "«%(yours)s».",
        code="edit_conflict",
        params=params,
    )


def _person(user) -> str:
    if user is None:
        return "загрузка данных"
    return user.get_full_name() or user.get_username()
