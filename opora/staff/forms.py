from django import forms

from opora.assessments.models import Subject
from opora.forms import OporaForm, OporaModelForm
from opora.registry.years import academic_year_label
from opora.staff.models import (
    AtRiskFigure,
    Course,
    Deficit,
    Diagnostic,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    ReviewVerdict,
    Route,
    RouteActivity,
    RouteActivityKind,
    Teacher,
    Vacancy,
)
from opora.uploads import upload_validator


class YearFilterForm(OporaForm):
    year = forms.TypedChoiceField(label="Учебный год", coerce=int, required=False)
    municipality = forms.ChoiceField(label="Муниципалитет", required=False)

    def __init__(self, *args, years, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, academic_year_label(y)) for y in years]
        self.fields["municipality"].choices = [("", "все муниципалитеты")] + [
            (m.code, m.name) for m in municipalities
        ]


def _offer_municipalities(form: forms.ModelForm, municipalities) -> None:
    """Only the municipalities where the user runs methodical work; the one there is, chosen."""
    field = form.fields["municipality"]
    field.queryset = municipalities
    if len(municipalities) == 1:
        field.initial = municipalities[0].pk
        field.empty_label = None


class UploadForm(OporaForm):
    file = forms.FileField(label="Файл (CSV или XLSX)", validators=[upload_validator])


class TeacherForm(OporaModelForm):
    class Meta:
        model = Teacher
        fields = [
            "full_name",
            "personnel_number",
            "position",
            "subjects",
            "category",
            "age_band",
            "workload",
            "is_young_specialist",
        ]
        localized_fields = ["workload"]
        widgets = {"subjects": forms.CheckboxSelectMultiple}


class VacancyForm(OporaModelForm):
    class Meta:
        model = Vacancy
        fields = ["position", "rates"]
        localized_fields = ["rates"]


class DiagnosticForm(OporaModelForm):
    class Meta:
        model = Diagnostic
        fields = ["kind", "taken_on", "subject", "instrument", "score", "deficits"]
        localized_fields = ["score"]
        widgets = {"deficits": forms.CheckboxSelectMultiple}


class RouteCreateForm(OporaForm):
    year = forms.TypedChoiceField(label="Учебный год", coerce=int)
    template = forms.ModelChoiceField(
        label="По шаблону", queryset=None, required=False, empty_label="без шаблона"
    )
    deficits = forms.ModelMultipleChoiceField(
        label="Дефициты, на которые направлен ИОМ",
        queryset=Deficit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, years, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, academic_year_label(y)) for y in years]
        self.fields["template"].queryset = templates


class RouteForm(OporaModelForm):
    class Meta:
        model = Route
        fields = ["status", "deficits"]
        widgets = {"deficits": forms.CheckboxSelectMultiple}


class RouteActivityForm(OporaModelForm):
    class Meta:
        model = RouteActivity
        fields = ["kind", "title", "course", "starts_on", "ends_on", "completed_on", "evidence"]

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class ReviewForm(OporaForm):
    verdict = forms.ChoiceField(label="Решение", choices=ReviewVerdict.choices)
    comment = forms.CharField(
        label="Замечания", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TemplateForm(OporaForm):
    title = forms.CharField(label="Название шаблона", max_length=300)
    deficits = forms.ModelMultipleChoiceField(
        label="Для дефицитов",
        queryset=Deficit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activities = forms.CharField(
        label="Мероприятия, по одному в строке: «вид: название»",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Виды: "
        + ", ".join(label for _, label in RouteActivityKind.choices)
        + ". Например: «стажировка: стажировка на базе школы-лидера».",
    )

    def clean_activities(self) -> list[dict]:
        kinds = {label: value for value, label in RouteActivityKind.choices}
        activities = []
        for number, line in enumerate(self.cleaned_data["activities"].splitlines(), start=1):
            if not line.strip():
                continue
            kind, _, title = line.partition(":")
            if kind.strip().lower() not in kinds or not title.strip():
                raise forms.ValidationError(
                    f"Строка {number}: ожидается «вид: название», вид — один из перечисленных."
                )
            activities.append({"kind": kinds[kind.strip().lower()], "title": title.strip()})
        return activities


class CourseForm(OporaModelForm):
    class Meta:
        model = Course
        fields = ["municipality", "title", "provider", "hours", "starts_on", "ends_on", "deficits"]
        widgets = {
            "deficits": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_municipalities(self, municipalities)


class CompletionForm(OporaForm):
    teacher = forms.ModelChoiceField(label="Педагог", queryset=None)
    completed_on = forms.DateField(label="Дата окончания")
    certificate = forms.CharField(label="Удостоверение", max_length=300, required=False)

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].label_from_instance = lambda t: f"{t.full_name} ({t.school})"


class PairForm(OporaModelForm):
    class Meta:
        model = MentoringPair
        fields = ["mentor", "mentee", "starts_on", "ends_on"]

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("mentor", "mentee"):
            self.fields[name].queryset = teachers
            self.fields[name].label_from_instance = lambda t: f"{t.full_name} ({t.school})"
        self.fields["mentee"].queryset = teachers.filter(is_young_specialist=True)


class EventForm(OporaModelForm):
    class Meta:
        model = MethodicalEvent
        fields = ["municipality", "kind", "title", "held_on", "host_school", "association"]

    def __init__(self, *args, municipalities, schools, associations, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_municipalities(self, municipalities)
        self.fields["host_school"].queryset = schools
        self.fields["association"].queryset = associations

    def clean(self):
        data = super().clean()
        municipality, host = data.get("municipality"), data.get("host_school")
        if municipality and host and host.municipality_id != municipality.pk:
            self.add_error("host_school", "Школа другого муниципалитета.")
        return data


class AssociationForm(OporaModelForm):
    class Meta:
        model = MethodicalAssociation
        fields = ["municipality", "name", "subject", "leader"]
        help_texts = {
            "name": "Например: «РМО учителей математики».",
            "subject": "Пусто — не предметное (классные руководители, молодые педагоги …).",
        }

    def __init__(self, *args, municipalities, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_municipalities(self, municipalities)
        self.fields["subject"].empty_label = "без предмета"
        self.fields["leader"].queryset = teachers
        self.fields["leader"].empty_label = "не назначен"
        self.fields["leader"].label_from_instance = lambda t: f"{t.full_name} ({t.school})"

    def clean(self):
        data = super().clean()
        municipality, leader = data.get("municipality"), data.get("leader")
        if municipality and leader and leader.school.municipality_id != municipality.pk:
            self.add_error("leader", "Педагог школы другого муниципалитета.")
        return data


class AttendanceForm(OporaForm):
    participants = forms.ModelMultipleChoiceField(
        label="Присутствовали", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = teachers
        self.fields["participants"].label_from_instance = lambda t: f"{t.full_name} — {t.school}"


class AtRiskForm(OporaModelForm):
    class Meta:
        model = AtRiskFigure
        fields = [
            "year",
            "period",
            "grade",
            "subject",
            "students",
            "at_risk",
            "with_plan",
            "improved",
        ]
        help_texts = {
            "grade": "Пусто — школа в целом.",
            "subject": "Пусто — по всем предметам.",
        }

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label="Учебный год", coerce=int, choices=[(y, academic_year_label(y)) for y in years]
        )
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = "все предметы"
