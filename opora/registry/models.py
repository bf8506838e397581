"""The registry: regions, municipalities, schools and each school's context by year."""

import re

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from opora.registry.years import academic_year_label


class Region(models.Model):
    name = models.CharField("название", max_length=200, unique=True)
    is_demo = models.BooleanField(
        "демонстрационные данные",
        default=False,
        help_text="Регион загружен командой load_demo из документов муниципалитетов.",
    )

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name="регион"
    )
    code = models.SlugField(
        "код", max_length=40, unique=True, help_text="Короткий латинский код, например ivanteevka."
    )
    name = models.CharField("название", max_length=200)
    center = models.CharField("административный центр", max_length=200, blank=True)
    source_notes = models.JSONField(
        "заметки об источниках",
        default=list,
        blank=True,
        help_text="Что сказано в документах муниципалитета и где они расходятся; для сотрудников, "
        "в официальные документы не попадает.",
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolType(models.TextChoices):
    SOSH = "СОШ", "СОШ"
    OOSH = "ООШ", "ООШ"
    NOSH = "НОШ", "НОШ"
    GYMNASIUM = "гимназия", "гимназия"
    LYCEUM = "лицей", "лицей"
    BRANCH = "филиал", "филиал"


FISOKO_LOGIN = re.compile(r"[a-z0-9_-]*")
FISOKO_LOGIN_WRONG = "логин ФИС ОКО — латинские буквы и цифры, например sch640101"


def fisoko_login_normal(text: str) -> str:
    """A ФИС ОКО login as stored: «(SCH640101)», « sch640101 » are sch640101."""
    return text.strip().strip("()").strip().lower()


class School(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name="муниципалитет"
    )
    code = models.CharField("код ОО", max_length=40, unique=True)
    # Reports of ФИС ОКО name a school by its login there: «(sch640101) МОУ «СОШ с. …»». Logins
    # are unique across the country (sch + the region's code + a number).
    fisoko_login = models.CharField(
        "логин ФИС ОКО",
        max_length=40,
        blank=True,
        help_text="Например, sch640101: по нему узнаются строки школы в отчётах ФИС ОКО.",
    )
    name = models.CharField("полное наименование", max_length=400)
    short_name = models.CharField("краткое наименование", max_length=200)
    school_type = models.CharField("тип", max_length=20, choices=SchoolType.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name="головная школа",
    )
    settlement = models.CharField("населённый пункт", max_length=200, blank=True)
    address = models.CharField("адрес", max_length=400, blank=True)
    is_rural = models.BooleanField("сельская школа", null=True, blank=True)
    distance_km = models.DecimalField(
        "расстояние до центра, км", max_digits=6, decimal_places=1, null=True, blank=True
    )
    is_small = models.BooleanField("малокомплектная", default=False)
    is_synthetic = models.BooleanField(
        "придумана для демонстрации",
        default=False,
        help_text="Школа не названа в документах муниципалитета и добавлена для примера.",
    )
    source_note = models.TextField(
        "заметка об источнике",
        blank=True,
        help_text="Откуда взяты сведения о школе; для сотрудников, в документы не попадает.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"
        ordering = ["municipality__name", "code"]
        constraints = [
            models.CheckConstraint(
                name="branch_has_parent",
                condition=Q(school_type="филиал", parent__isnull=False)
                | (~Q(school_type="филиал") & Q(parent__isnull=True)),
                violation_error_message="У филиала должна быть головная школа, у школы — нет.",
            ),
            models.UniqueConstraint(
                fields=["fisoko_login"],
                condition=~Q(fisoko_login=""),
                name="school_fisoko_login_unique",
                violation_error_message="Этот логин ФИС ОКО уже указан у другой школы.",
            ),
            models.CheckConstraint(
                name="distance_not_negative",
                condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_branch(self) -> bool:
        return self.school_type == SchoolType.BRANCH


class Contingent(models.Model):
    """Number of students of a school in an academic year, by level of education."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="contingents", verbose_name="школа"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    total = models.PositiveIntegerField("всего обучающихся")
    grades_1_4 = models.PositiveIntegerField("1–4 классы", null=True, blank=True)
    grades_5_9 = models.PositiveIntegerField("5–9 классы", null=True, blank=True)
    grades_10_11 = models.PositiveIntegerField("10–11 классы", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "контингент"
        verbose_name_plural = "контингент"
        ordering = ["school", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="contingent_once_per_year"),
            # Seeds do not always add up (seed 000: Бартеневка 36+48+1 of 86), but levels never
            # exceed the total.
            models.CheckConstraint(
                name="contingent_levels_within_total",
                condition=Q(grades_1_4__isnull=True)
                | Q(grades_5_9__isnull=True)
                | Q(grades_10_11__isnull=True)
                | Q(total__gte=F("grades_1_4") + F("grades_5_9") + F("grades_10_11")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {academic_year_label(self.year)}"


class ContextGroup(models.TextChoices):
    SOCIAL = "social", "Социальные условия"
    STAFFING = "staffing", "Кадровые условия"
    INFRASTRUCTURE = "infrastructure", "Инфраструктура"


class ContextUnit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", "чел./шт."
    YES_NO = "yes_no", "да/нет"
    YEAR = "year", "год"
    TEXT = "text", "текст"


class ContextIndicator(models.Model):
    """A figure describing a school's conditions; reference data, loaded by a migration."""

    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("показатель", max_length=300)
    group = models.CharField("группа", max_length=20, choices=ContextGroup.choices)
    unit = models.CharField("единица", max_length=10, choices=ContextUnit.choices)
    description = models.TextField("пояснение", blank=True)
    higher_is_worse = models.BooleanField(
        "рост означает ухудшение",
        null=True,
        help_text="Для раскраски изменений: пусто, если направление не определено.",
    )
    is_required = models.BooleanField(
        "обязателен к заполнению ежегодно",
        default=False,
        help_text="Школа без этого показателя за текущий год попадает в список «требует внимания».",
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "показатель условий"
        verbose_name_plural = "показатели условий"
        ordering = ["group", "position", "code"]

    def __str__(self) -> str:
        return self.name


class ContextValue(models.Model):
    """One context figure of a school for an academic year: a number, yes/no or text."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="context_values", verbose_name="школа"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    indicator = models.ForeignKey(
        ContextIndicator, on_delete=models.PROTECT, related_name="values", verbose_name="показатель"
    )
    number = models.DecimalField("значение", max_digits=12, decimal_places=3, null=True, blank=True)
    text = models.CharField("текст", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "значение показателя условий"
        verbose_name_plural = "значения показателей условий"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "indicator"], name="context_value_once_per_year"
            ),
            models.CheckConstraint(
                name="context_value_not_empty",
                condition=Q(number__isnull=False) | ~Q(text=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.indicator} · {academic_year_label(self.year)}"
