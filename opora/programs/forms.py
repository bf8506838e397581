from django import forms

from opora.programs.models import PASSPORT_FIELDS, ActivityStatus, Order, ProgramStatus
from opora.uploads import upload_validator


class ActivityForm(forms.Form):
    status = forms.ChoiceField(label="Статус", choices=ActivityStatus.choices)
    evidence_link = forms.URLField(
        label="Подтверждение (ссылка на документ, страницу сайта)",
        required=False,
        assume_scheme="https",
    )
    comment = forms.CharField(
        label="Комментарий", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class IndicatorValueForm(forms.Form):
    school = forms.ModelChoiceField(label="Школа", queryset=None, required=False)
    measured_on = forms.DateField(
        label="На дату", widget=forms.DateInput(attrs={"placeholder": "ДД.ММ.ГГГГ"})
    )
    value = forms.CharField(label="Значение", max_length=100)
    evidence_link = forms.URLField(
        label="Подтверждение (ссылка)", required=False, assume_scheme="https"
    )

    def __init__(self, *args, schools, **kwargs):
        """`schools`: whose values the user may enter, or None when values are not per school."""
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = schools
            self.fields["school"].required = True


class TablesUploadForm(forms.Form):
    file = forms.FileField(
        label="XLSX с листами «Целевые показатели» и «Дорожная карта» (как в выгрузке)",
        validators=[upload_validator],
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Новый статус", choices=ProgramStatus.choices)
    order = forms.ModelChoiceField(
        label="Приказ об утверждении", queryset=Order.objects.none(), required=False
    )

    def __init__(self, *args, orders, allowed: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        if allowed is not None:  # offer only the statuses the program can move to
            self.fields["status"].choices = [c for c in ProgramStatus.choices if c[0] in allowed]


class PassportForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PASSPORT_FIELDS.items():
            self.fields[key] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
