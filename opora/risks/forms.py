from decimal import Decimal

from django import forms

from opora.forms import OporaForm
from opora.programs.models import IndicatorUnit
from opora.registry.years import AcademicYearFormField
from opora.risks.models import (
    COMMENT_FIELDS,
    MAX_PRIORITY_FACTORS,
    CuratorKind,
    RiskLevel,
    VisitKind,
)

YES_NO = [("", "— нет ответа —"), ("1", "да"), ("0", "нет")]
SCALE = [("", "— нет ответа —")] + [(str(n), str(n)) for n in range(1, 6)]


class QuestionnaireForm(OporaForm):
    """One field per question the school answers; questions Opora answered are shown, not asked."""

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = []
        for block in blocks:
            for row in block.questions:
                if row.answer and row.answer.is_auto:
                    continue
                question = row.question
                initial = row.answer.number if row.answer else None
                self.fields[question.code] = _answer_field(question, initial)
                self.codes.append(question.code)

    def answers(self) -> dict[str, Decimal | None]:
        values = {}
        for code in self.codes:
            value = self.cleaned_data.get(code)
            values[code] = None if value in (None, "") else Decimal(value)
        return values


def _answer_field(question, initial):
    label, kind = question.text, question.answer_type
    if kind == "yes_no":
        value = "" if initial is None else str(int(initial))
        return forms.ChoiceField(label=label, choices=YES_NO, required=False, initial=value)
    if kind == "scale":
        value = "" if initial is None else str(int(initial))
        return forms.ChoiceField(label=label, choices=SCALE, required=False, initial=value)
    high = Decimal(100) if kind == "share" else None
    return forms.DecimalField(
        label=label + (", %" if kind == "share" else ""),
        required=False,
        min_value=0,
        max_value=high,
        decimal_places=2,
        initial=initial,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )


class PrioritiesForm(OporaForm):
    factors = forms.MultipleChoiceField(
        label=f"Приоритетные факторы (не больше {MAX_PRIORITY_FACTORS})",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = [r for r in rows if r.level in (RiskLevel.HIGH, RiskLevel.MEDIUM)]
        self.fields["factors"].choices = [
            (r.factor.code, f"{r.factor.title} — {r.get_level_display()}") for r in eligible
        ]
        self.fields["factors"].initial = [r.factor.code for r in eligible if r.is_priority]


class ReviewNoteForm(OporaForm):
    note = forms.CharField(
        label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgramForm(OporaForm):
    goal = forms.CharField(label="Цель", widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(
        label="Задачи (каждая с новой строки)", widget=forms.Textarea(attrs={"rows": 4})
    )
    executors = forms.CharField(label="Исполнители", required=False, max_length=500)

    def task_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tasks"].splitlines() if line.strip()]


class ActivityRowForm(OporaForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Мероприятие", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period = forms.CharField(label="Сроки", required=False, max_length=300)
    responsible = forms.CharField(label="Ответственные", required=False, max_length=500)
    implementation_indicator = forms.CharField(
        label="Показатель выполнения", required=False, max_length=500
    )


class IndicatorRowForm(OporaForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Показатель", required=False, max_length=500)
    unit = forms.ChoiceField(label="Единица", choices=IndicatorUnit.choices, required=False)
    baseline = forms.CharField(label="Базовое значение", required=False, max_length=100)
    target = forms.CharField(label="Цель на конец срока", required=False, max_length=100)


ActivityFormSet = forms.formset_factory(ActivityRowForm, extra=1, can_delete=True)
IndicatorFormSet = forms.formset_factory(IndicatorRowForm, extra=1, can_delete=True)


def rows_of(formset) -> list[dict]:
    return [
        {**form.cleaned_data, "delete": form.cleaned_data.get("DELETE", False)}
        for form in formset.forms
        if form.cleaned_data
    ]


class CommentForm(OporaForm):
    target = forms.ChoiceField(label="К чему замечание")
    text = forms.CharField(label="Замечание", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {str(a.pk): a for a in activities}
        self.fields["target"].choices = [(key, label) for key, label in COMMENT_FIELDS.items()] + [
            (f"a{a.pk}", f"Мероприятие {a.number}: {a.text[:70]}") for a in activities
        ]

    def pointed_at(self) -> dict:
        value = self.cleaned_data["target"]
        if value.startswith("a"):
            return {"activity": self.activities[value[1:]], "field": ""}
        return {"activity": None, "field": value}


class VisitForm(OporaForm):
    kind = forms.ChoiceField(label="Вид", choices=VisitKind.choices)
    date = forms.DateField(label="Дата")
    purpose = forms.CharField(label="Цель", widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(
        label="Что установлено", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreed_actions = forms.CharField(
        label="О чём договорились", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(OporaForm):
    school = forms.ModelChoiceField(label="Школа", queryset=None)
    curator = forms.ModelChoiceField(label="Куратор", queryset=None)
    kind = forms.ChoiceField(label="Роль", choices=CuratorKind.choices)

    def __init__(self, *args, schools, curators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["curator"].queryset = curators


class PartnershipForm(OporaForm):
    leader = forms.ModelChoiceField(label="Школа-лидер", queryset=None)
    partner = forms.ModelChoiceField(label="Школа-партнёр", queryset=None)
    year = AcademicYearFormField(label="Учебный год (год окончания, 2024 = 2023/24)")
    agreement = forms.CharField(label="Договор о сотрудничестве", required=False, max_length=300)
    support = forms.CharField(
        label="Виды поддержки", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = schools
        self.fields["partner"].queryset = schools


class PlanItemForm(OporaForm):
    text = forms.CharField(label="Мероприятие", widget=forms.Textarea(attrs={"rows": 2}))
    period = forms.CharField(label="Сроки", required=False, max_length=200)
    responsible = forms.CharField(label="Ответственные", required=False, max_length=300)
