"""The municipality's self-assessment along the management cycle (Рособрнадзор's letter of
20.04.2021 № 08-70, block «Система работы со школами с низкими результатами обучения и/или
школами, функционирующими в неблагоприятных социальных условиях»): criteria as versioned data,
and a municipality's answers for a year with the evidence Opora found and the coordinator
accepted, reviewed by the region as monitoring submissions are."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from opora.registry.models import Municipality, Region
from opora.registry.years import academic_year_label


class Step(models.TextChoices):
    """The nine steps of the management cycle, in their order."""

    GOALS = "goals", "Цели"
    INDICATORS = "indicators", "Показатели"
    METHODS = "methods", "Методы сбора информации"
    MONITORING = "monitoring", "Мониторинг"
    ANALYSIS = "analysis", "Анализ"
    RECOMMENDATIONS = "recommendations", "Адресные рекомендации"
    MEASURES = "measures", "Меры и мероприятия"
    DECISIONS = "decisions", "Управленческие решения"
    EFFECTIVENESS = "effectiveness", "Анализ эффективности принятых мер"


STEP_ORDER = {value: number for number, value in enumerate(Step.values, start=1)}


class Scoring(models.TextChoices):
    YES_NO = "yes_no", "да / нет"
    POINTS = "points", "баллы"


class CriteriaSet(models.Model):
    """One version of the criteria. The built-in set (no region) is read-only; a region adapts
    wording and scoring in a version of its own, derived from the one it started from."""

    code = models.SlugField("код", max_length=50)
    version = models.PositiveIntegerField("версия", default=1)
    title = models.CharField("название", max_length=300)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        verbose_name="регион",
        help_text="Пусто — встроенный набор, доступный всем регионам.",
    )
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name="основан на наборе",
    )
    source = models.CharField("основание", max_length=300, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "набор критериев самооценки"
        verbose_name_plural = "наборы критериев самооценки"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})"

    @property
    def is_built_in(self) -> bool:
        return self.region_id is None


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria", verbose_name="набор"
    )
    number = models.CharField("№", max_length=10)
    step = models.CharField("шаг цикла", max_length=20, choices=Step.choices)
    text = models.TextField("критерий")
    scoring = models.CharField("оценка", max_length=10, choices=Scoring.choices)
    max_points = models.PositiveSmallIntegerField(
        "наибольший балл", default=1, help_text="Для «да / нет» — 1."
    )
    evidence = models.CharField(
        "чем подтверждается",
        max_length=30,
        help_text="Вид подтверждения: какие данные Опоры отвечают на критерий.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "критерий самооценки"
        verbose_name_plural = "критерии самооценки"
        ordering = ["criteria_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_number_unique"
            ),
            models.CheckConstraint(
                name="criterion_max_points_positive",
                condition=Q(max_points__gte=1),
                violation_error_message="Наибольший балл — не меньше 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class Status(models.TextChoices):
    DRAFT = "draft", "заполняется"
    SUBMITTED = "submitted", "на проверке в регионе"
    RETURNED = "returned", "возвращена на доработку"
    ACCEPTED = "accepted", "принята регионом"


EDITABLE = (Status.DRAFT, Status.RETURNED)


class SelfAssessment(models.Model):
    """A municipality's self-assessment of a year by one version of the criteria."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name="муниципалитет",
    )
    year = models.PositiveSmallIntegerField("учебный год")
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments", verbose_name="критерии"
    )
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("отправлена", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("проверена", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField("комментарий региона", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "самооценка муниципалитета"
        verbose_name_plural = "самооценки муниципалитетов"
        ordering = ["municipality__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="self_assessment_once_a_year"
            ),
            models.CheckConstraint(
                name="returned_self_assessment_says_why",
                condition=~Q(status="returned") | ~Q(review_comment=""),
                violation_error_message="Возвращая самооценку, напишите, что исправить.",
            ),
        ]

    def __str__(self) -> str:
        return f"Самооценка: {self.municipality} · {academic_year_label(self.year)}"

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Answer(models.Model):
    """The coordinator's answer to one criterion: the proposals of Opora accepted (kept as they
    were shown: link and summary), and for what Opora cannot know a comment or a file."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="answers", verbose_name="самооценка"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="answers", verbose_name="критерий"
    )
    accepted = models.JSONField(
        "принятые подтверждения",
        default=list,
        blank=True,
        help_text="Список {key, url, summary}: что Опора нашла и координатор принял.",
    )
    comment = models.TextField("комментарий координатора", blank=True)
    file = models.FileField("файл-подтверждение", upload_to="self_assessment/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ответ на критерий"
        verbose_name_plural = "ответы на критерии"
        ordering = ["assessment", "criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="answer_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.number}"
