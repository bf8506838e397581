from django import forms

from opora.forms import OporaForm
from opora.monitoring.models import CampaignKind, CampaignStatus, EffectivenessRule
from opora.registry.years import AcademicYearFormField


class CampaignForm(OporaForm):
    title = forms.CharField(label="Название", max_length=300)
    kind = forms.ChoiceField(label="Что собирается", choices=CampaignKind.choices)
    year = AcademicYearFormField(label="Учебный год (год окончания: 2023 — это 2022/23)")
    measured_on = forms.DateField(label="Значения на дату")
    opens_on = forms.DateField(label="Начало сбора")
    deadline = forms.DateField(label="Срок сдачи")
    indicators = forms.ModelMultipleChoiceField(
        label="Показатели", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    questions = forms.CharField(
        label="Вопросы запроса (по одному в строке)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: (
            f"{i.number} {i.name[:110]}" + (f" — {i.school.short_name}" if i.school_id else "")
        )

    def clean(self):
        data = super().clean()
        if data.get("deadline") and data.get("opens_on") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", "Срок сдачи не может быть раньше начала сбора.")
        if not data.get("indicators") and not (data.get("questions") or "").strip():
            raise forms.ValidationError("Выберите показатели или напишите вопросы запроса.")
        return data


class CampaignStatusForm(OporaForm):
    status = forms.ChoiceField(label="Статус", choices=CampaignStatus.choices)


class ReviewForm(OporaForm):
    decision = forms.ChoiceField(
        choices=[("accept", "Принять"), ("return", "Вернуть на доработку")],
        widget=forms.RadioSelect,
        label="Решение",
    )
    comment = forms.CharField(
        label="Комментарий (что исправить)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class MeasureForm(OporaForm):
    track = forms.CharField(label="Направление (трек)", max_length=300, required=False)
    text = forms.CharField(label="Мера", widget=forms.Textarea(attrs={"rows": 3}))
    schools = forms.ModelMultipleChoiceField(
        label="Школы", queryset=None, widget=forms.CheckboxSelectMultiple
    )
    indicators = forms.ModelMultipleChoiceField(
        label="Целевые показатели, по которым судят о мере",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rule = forms.ModelChoiceField(label="Правило оценки", queryset=EffectivenessRule.objects.none())
    conclusion = forms.CharField(
        label="Обоснование координатора (почему мера сработала или нет)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, schools, indicators, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: (
            f"{i.number} {i.name[:110]}" + (f" — {i.school.short_name}" if i.school_id else "")
        )
        self.fields["rule"].queryset = rules
