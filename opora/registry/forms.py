from decimal import Decimal

from django import forms

from opora.forms import OporaForm, OporaModelForm
from opora.registry.models import (
    FISOKO_LOGIN,
    FISOKO_LOGIN_WRONG,
    ContextIndicator,
    ContextUnit,
    School,
    SchoolType,
    fisoko_login_normal,
)
from opora.registry.selectors import SCHOOL_SORTS
from opora.uploads import upload_validator


class SchoolFilterForm(OporaForm):
    q = forms.CharField(label="Поиск", required=False)
    municipality = forms.ChoiceField(label="Муниципалитет", required=False)
    school_type = forms.ChoiceField(
        label="Тип", required=False, choices=[("", "все типы"), *SchoolType.choices]
    )
    locality = forms.ChoiceField(
        label="Местность",
        required=False,
        choices=[("", "любая"), ("rural", "сельская"), ("urban", "городская")],
    )
    small = forms.BooleanField(label="только малокомплектные", required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SCHOOL_SORTS])

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", "все муниципалитеты")] + [
            (m.code, m.name) for m in municipalities
        ]


class SchoolForm(OporaModelForm):
    class Meta:
        model = School
        fields = [
            "name",
            "short_name",
            "fisoko_login",
            "school_type",
            "parent",
            "settlement",
            "address",
            "is_rural",
            "distance_km",
            "is_small",
        ]
        localized_fields = ["distance_km"]
        widgets = {
            "is_rural": forms.Select(
                choices=[(None, "не указано"), (True, "сельская"), (False, "городская")]
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school = self.instance
        self.fields["parent"].queryset = (
            School.objects.filter(municipality=school.municipality)
            .exclude(school_type=SchoolType.BRANCH)
            .exclude(pk=school.pk)
        )

    def clean_fisoko_login(self) -> str:
        login = fisoko_login_normal(self.cleaned_data["fisoko_login"])
        if not FISOKO_LOGIN.fullmatch(login):
            raise forms.ValidationError(FISOKO_LOGIN_WRONG)
        return login


class SchoolContextForm(OporaForm):
    """Contingent and every context indicator of one school year, built from the reference table."""

    total = forms.IntegerField(label="Всего обучающихся", min_value=0, required=False)
    grades_1_4 = forms.IntegerField(label="1–4 классы", min_value=0, required=False)
    grades_5_9 = forms.IntegerField(label="5–9 классы", min_value=0, required=False)
    grades_10_11 = forms.IntegerField(label="10–11 классы", min_value=0, required=False)

    def __init__(self, *args, indicators: list[ContextIndicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"ctx_{indicator.code}"] = _indicator_field(indicator)

    def clean(self):
        data = super().clean()
        levels = [data.get(f) for f in ("grades_1_4", "grades_5_9", "grades_10_11")]
        if data.get("total") is None and any(v is not None for v in levels):
            self.add_error("total", "Укажите общее число обучающихся.")
        elif (
            data.get("total") is not None
            and all(v is not None for v in levels)
            and sum(levels) > data["total"]
        ):
            self.add_error("total", "Сумма по уровням больше общего числа обучающихся.")
        return data

    def contingent(self) -> dict:
        return {
            f: self.cleaned_data.get(f)
            for f in ("total", "grades_1_4", "grades_5_9", "grades_10_11")
        }

    def context_values(self) -> dict[str, object]:
        values = {}
        for indicator in self.indicators:
            value = self.cleaned_data.get(f"ctx_{indicator.code}")
            if indicator.unit == ContextUnit.YES_NO:
                value = {"yes": Decimal(1), "no": Decimal(0)}.get(value)
            values[indicator.code] = value
        return values

    def grouped_fields(self):
        groups: dict[str, list] = {}
        for indicator in self.indicators:
            groups.setdefault(indicator.get_group_display(), []).append(
                self[f"ctx_{indicator.code}"]
            )
        return groups.items()


def _indicator_field(indicator: ContextIndicator) -> forms.Field:
    common = {"label": indicator.name, "required": False, "help_text": indicator.description}
    number = {"localize": True, **common}  # people type «12,5», the Russian way
    match indicator.unit:
        case ContextUnit.PERCENT:
            return forms.DecimalField(min_value=0, max_value=100, decimal_places=3, **number)
        case ContextUnit.COUNT:
            return forms.DecimalField(min_value=0, decimal_places=0, **number)
        case ContextUnit.YEAR:
            return forms.DecimalField(min_value=1900, max_value=2100, decimal_places=0, **number)
        case ContextUnit.YES_NO:
            choices = [("", "не указано"), ("yes", "да"), ("no", "нет")]
            return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=500, **common)


class RegistryUploadForm(OporaForm):
    file = forms.FileField(label="Файл реестра (CSV или XLSX)", validators=[upload_validator])
