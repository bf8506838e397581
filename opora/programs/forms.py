from django import forms

from opora.assessments.models import AssessmentKind, Subject
from opora.forms import OporaForm
from opora.links import WebLinkFormField
from opora.programs.models import (
    PASSPORT_FIELDS,
    ActivityStatus,
    Order,
    ProgramKind,
    ProgramStatus,
    SourcePopulation,
)
from opora.programs.program_templates import template_choices
from opora.programs.sources import source_choices
from opora.uploads import document_validator, upload_validator


class ActivityForm(OporaForm):
    status = forms.ChoiceField(label="Статус", choices=ActivityStatus.choices)
    evidence_link = WebLinkFormField(
        label="Подтверждение (ссылка на документ, страницу сайта)",
        required=False,
        assume_scheme="https",
    )
    evidence_file = forms.FileField(
        label="Подтверждение (файл: PDF, DOC, DOCX, ODT, JPG, PNG)",
        required=False,
        validators=[document_validator],
    )
    comment = forms.CharField(
        label="Комментарий", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class IndicatorValueForm(OporaForm):
    school = forms.ModelChoiceField(label="Школа", queryset=None, required=False)
    measured_on = forms.DateField(label="На дату")
    value = forms.CharField(label="Значение", max_length=100)
    evidence_link = WebLinkFormField(
        label="Подтверждение (ссылка)", required=False, assume_scheme="https"
    )
    # What the person saw when the page opened (opora.locking): a newer save is not overwritten.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schools, **kwargs):
        """`schools`: whose values the user may enter, or None when values are not per school."""
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = schools
            self.fields["school"].required = True


class TablesUploadForm(OporaForm):
    file = forms.FileField(
        label="XLSX с листами «Целевые показатели» и «Дорожная карта» (как в выгрузке)",
        validators=[upload_validator],
    )


class StatusForm(OporaForm):
    status = forms.ChoiceField(label="Новый статус", choices=ProgramStatus.choices)
    order = forms.ModelChoiceField(
        label="Приказ об утверждении", queryset=Order.objects.none(), required=False
    )

    def __init__(self, *args, orders, allowed: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        if allowed is not None:  # offer only the statuses the program can move to
            self.fields["status"].choices = [c for c in ProgramStatus.choices if c[0] in allowed]


class PassportForm(OporaForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _passport_fields(self)


def _passport_fields(form: forms.Form) -> None:
    for key, label in PASSPORT_FIELDS.items():
        form.fields[key] = forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )


class ProgramForm(OporaForm):
    """A new program: what it is, whose, for which years; a template gives its structure."""

    template = forms.ChoiceField(
        label="Шаблон",
        required=False,
        help_text="Шаблон даёт цели, задачи, показатели (без значений) и мероприятия дорожной "
        "карты; всё можно изменить потом.",
    )
    kind = forms.ChoiceField(
        label="Вид",
        choices=[("", "Выберите вид программы"), *ProgramKind.choices],
        error_messages={"required": "Выберите вид программы."},
    )
    name = forms.CharField(
        label="Наименование",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Укажите наименование программы."},
    )
    start_year = forms.IntegerField(
        label="Год начала",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Укажите год начала.", "invalid": "Год — четыре цифры."},
    )
    end_year = forms.IntegerField(
        label="Год окончания",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Укажите год окончания.", "invalid": "Год — четыре цифры."},
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        queryset=None,
        required=False,
        empty_label="Выберите муниципалитет",
    )
    school = forms.ModelChoiceField(
        label="Школа",
        queryset=None,
        required=False,
        empty_label="Нет — программа муниципалитета",
        help_text="Для школьной программы (концепция, среднесрочная, антирисковая).",
    )

    def __init__(self, *args, municipalities, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = template_choices()
        self.fields["municipality"].queryset = municipalities
        self.fields["school"].queryset = schools
        _passport_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("school"):
            data["municipality"] = data["school"].municipality
        elif not data.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", "Выберите муниципалитет или школу.")
        return data

    def passport(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in PASSPORT_FIELDS}


class CopyForm(OporaForm):
    addressees = forms.ChoiceField(
        label="Школы-адресаты мероприятий",
        choices=[
            ("keep", "Оставить те же школы"),
            ("clear", "Очистить: адресатов выберу заново"),
        ],
        initial="keep",
        widget=forms.RadioSelect,
    )


class IndicatorSourceForm(OporaForm):
    source = forms.ChoiceField(label="Как считается", required=False)
    kind = forms.ChoiceField(
        label="Процедура", required=False, choices=[("", "—"), *AssessmentKind.choices]
    )
    subject = forms.ChoiceField(label="Предмет", required=False)
    grades = forms.CharField(
        label="Классы",
        required=False,
        help_text="Например: 9; 5-8; 4, 5. Пусто — все классы.",
        widget=forms.TextInput(attrs={"placeholder": "5-8"}),
    )
    population = forms.ChoiceField(label="По каким школам", choices=SourcePopulation.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()
        self.fields["subject"].choices = [("", "все предметы")] + list(
            Subject.objects.values_list("code", "name")
        )

    def clean_grades(self) -> list[int]:
        """«5-8» → [5, 6, 7, 8]; «4, 5» → [4, 5]."""
        grades = set()
        for part in self.cleaned_data["grades"].replace(";", ",").split(","):
            bounds = [b.strip() for b in part.replace("–", "-").split("-")]
            if bounds == [""]:
                continue
            # isascii: «²» passes isdigit, then int() refuses it.
            numbers = all(b.isascii() and b.isdigit() and 1 <= int(b) <= 11 for b in bounds)
            if not numbers or len(bounds) > 2:
                raise forms.ValidationError(
                    f"«{part.strip()}»: укажите классы числами от 1 до 11, например 5-8."
                )
            grades.update(range(int(bounds[0]), int(bounds[-1]) + 1))
        return sorted(grades)

    def results_filter(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key] for key in ("kind", "subject", "grades") if data[key] not in ("", [])
        }


class ComputeForm(OporaForm):
    measured_on = forms.DateField(label="На дату")


class OrderForm(OporaForm):
    issuer = forms.CharField(label="Кто издал", max_length=400)
    issuer_genitive = forms.CharField(
        label="Кто издал — в родительном падеже",
        max_length=400,
        required=False,
        help_text="Как в грифе: «приказом Отдела образования …». Пусто — составится по словарю.",
    )
    place = forms.CharField(
        label="Место издания", max_length=100, required=False, help_text="Например: «с. Тербуны»."
    )
    number = forms.CharField(label="Номер", max_length=50, required=False)
    date = forms.DateField(label="Дата")
    title = forms.CharField(label="Наименование", widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.ModelChoiceField(
        label="Основание — приказ", queryset=Order.objects.none(), required=False
    )
    basis_text = forms.CharField(
        label="Основание — другой документ (текстом)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signatory = forms.CharField(label="Подписал", max_length=300, required=False)
    controller = forms.CharField(label="Контроль исполнения", max_length=300, required=False)
    file = forms.FileField(
        label="Файл приказа (PDF, DOC, DOCX, ODT, JPG, PNG)",
        required=False,
        validators=[document_validator],
    )

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].queryset = orders
