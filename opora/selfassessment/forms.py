from django import forms

from opora.forms import OporaForm
from opora.selfassessment.models import Scoring


class CriterionForm(OporaForm):
    """A region's wording and scoring of one criterion of its own version."""

    text = forms.CharField(label="Формулировка", widget=forms.Textarea(attrs={"rows": 3}))
    scoring = forms.ChoiceField(label="Оценка", choices=Scoring.choices)
    max_points = forms.IntegerField(
        label="Наибольший балл", min_value=1, max_value=10, help_text="Для «да / нет» — 1."
    )
