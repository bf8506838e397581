"""What every form of Opora shares: dates and times picked with the browser's own pickers and
select boxes that prompt in words instead of Django's «---------»."""

from django import forms

PROMPT = "— выберите —"
DJANGO_BLANK = "---------"


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates (2026-12-07) whatever the
    language, so the value is written in that format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """The browser's time picker, which sends and expects «09:30»."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _in_plain_words(field: forms.Field) -> None:
    for kind, picker in ((forms.DateField, DateInput), (forms.TimeField, TimeInput)):
        if isinstance(field, kind) and not isinstance(field.widget, picker):
            attrs = {k: v for k, v in field.widget.attrs.items() if k != "placeholder"}
            field.widget = picker(attrs)
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = PROMPT
    elif isinstance(field, forms.ChoiceField) and any(
        label == DJANGO_BLANK for _, label in field.choices
    ):
        field.choices = [
            (v, PROMPT if label == DJANGO_BLANK else label) for v, label in field.choices
        ]


class PlainFormMixin:
    """Fields are put in plain words when the page asks for them, so fields a form adds or
    replaces in its own __init__ get the same treatment."""

    def __getitem__(self, name):
        _in_plain_words(self.fields[name])
        return super().__getitem__(name)


class OporaForm(PlainFormMixin, forms.Form):
    pass


class OporaModelForm(PlainFormMixin, forms.ModelForm):
    pass
