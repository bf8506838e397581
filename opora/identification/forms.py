from django import forms

from opora.forms import OporaForm
from opora.identification.models import RuleSet
from opora.identification.rules import LOW_RESULTS, OBJECTIVITY, SOCIAL_INDEX
from opora.registry.years import AcademicYearFormField


class RunForm(OporaForm):
    rule_set = forms.ModelChoiceField(label="Правило", queryset=RuleSet.objects.none())
    year = AcademicYearFormField(
        label="Учебный год выявления (год окончания)",
        help_text="Например, 2024 — список на 2023/24 учебный год по результатам прошлых лет.",
    )
    municipality = forms.ChoiceField(label="Территория", required=False)

    def __init__(self, *args, rule_sets, municipalities, whole_region: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = rule_sets
        choices = [("", f"весь регион: {whole_region}")] if whole_region else []
        self.fields["municipality"].choices = choices + [(m.code, m.name) for m in municipalities]
        self.fields["municipality"].required = not whole_region


class ParamsForm(OporaForm):
    """The parameters a region may try for a rule set, in the units people think in."""

    KINDS = (LOW_RESULTS, OBJECTIVITY, SOCIAL_INDEX)

    # People type «30» for 30 %; a «0,3» typed out of habit would quietly flag almost every
    # school, so a percent below 1 is refused with the range in words.
    threshold = forms.DecimalField(
        label="Порог, %",
        help_text="В процентах, от 1 до 100: 30 — это 30 %.",
        min_value=1,
        max_value=100,
        decimal_places=2,
        localize=True,
        error_messages={
            "min_value": "Порог задаётся в процентах, от 1 до 100: 30 — это 30 %%, а не 0,3.",
            "max_value": "Порог задаётся в процентах, от 1 до 100.",
        },
    )
    min_participants = forms.IntegerField(label="Минимум участников", min_value=1, required=False)
    min_hits_last_year = forms.IntegerField(
        label="Процедур с низкими результатами в прошлом году (пусто — критерий выключен)",
        min_value=1,
        required=False,
    )
    consecutive_years = forms.IntegerField(
        label="Лет подряд хотя бы с одной такой процедурой (пусто — критерий выключен)",
        min_value=1,
        max_value=3,
        required=False,
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        # The two criteria of low results are alternatives: a school meeting either is listed.
        self.criteria_are_alternatives = kind == LOW_RESULTS
        if kind == SOCIAL_INDEX:
            self.fields["threshold"] = forms.DecimalField(
                label="Порог индекса", decimal_places=3, localize=True
            )
        if kind != LOW_RESULTS:
            del self.fields["min_hits_last_year"], self.fields["consecutive_years"]
        if kind == SOCIAL_INDEX:
            del self.fields["min_participants"]

    @classmethod
    def initial_from(cls, kind: str, params: dict) -> dict:
        initial = dict(params)
        if kind in (LOW_RESULTS, OBJECTIVITY):
            initial["threshold"] = round(params["threshold"] * 100, 2)
        return initial

    def clean(self):
        data = super().clean()
        if self.kind == LOW_RESULTS and not (
            data.get("min_hits_last_year") or data.get("consecutive_years")
        ):
            raise forms.ValidationError("Оставьте включённым хотя бы один критерий.")
        return data

    def params(self, base: dict) -> dict:
        """The rule set's parameters with the tried values put in."""
        data = self.cleaned_data
        params = dict(base)
        if self.kind in (LOW_RESULTS, OBJECTIVITY):
            params["threshold"] = float(data["threshold"]) / 100
            params["min_participants"] = data.get("min_participants") or 1
        else:
            params["threshold"] = float(data["threshold"])
        if self.kind == LOW_RESULTS:
            params["min_hits_last_year"] = data.get("min_hits_last_year")
            params["consecutive_years"] = data.get("consecutive_years")
        return params


class ApproveForm(OporaForm):
    order = forms.ModelChoiceField(label="Приказ об утверждении", queryset=None)

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
