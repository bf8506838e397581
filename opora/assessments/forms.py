from django import forms

from opora.assessments.metrics import METRICS
from opora.assessments.models import AssessmentKind
from opora.forms import OporaForm
from opora.registry.years import academic_year_label
from opora.uploads import upload_validator


class ResultsFilterForm(OporaForm):
    year = forms.TypedChoiceField(label="Учебный год", coerce=int, required=False)
    metric = forms.ChoiceField(label="Показатель", choices=list(METRICS.items()), required=False)
    kind = forms.ChoiceField(
        label="Процедура", choices=[("", "все"), *AssessmentKind.choices], required=False
    )
    municipality = forms.ChoiceField(label="Муниципалитет", required=False)
    sort = forms.CharField(required=False, max_length=60)  # «school» or a column key, «-» first

    def __init__(self, *args, years: list[int], municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, academic_year_label(y)) for y in years]
        self.fields["municipality"].choices = [("", "все")] + [
            (m.code, m.name) for m in municipalities
        ]


class ResultsUploadForm(OporaForm):
    file = forms.FileField(label="Файл результатов (CSV или XLSX)", validators=[upload_validator])
