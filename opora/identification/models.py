"""Rule sets (versioned, parameterised, never code) and identification runs that record their
inputs, parameters and, for every school, the verdict with its reasons."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from opora.identification.rules import KIND_LABELS
from opora.registry.models import Municipality, Region, School
from opora.registry.years import academic_year_label


class RuleSet(models.Model):
    """One version of a rule; runs keep the one they used. Built-in rules (no owner) are
    read-only: other thresholds tried on them are saved as a variant, a rule set of its own
    owned by one region or one municipality and offered only there."""

    code = models.SlugField("код", max_length=50)
    version = models.PositiveIntegerField("версия", default=1)
    title = models.CharField("название", max_length=300)
    kind = models.CharField("вид", max_length=20, choices=list(KIND_LABELS.items()))
    category = models.CharField(
        "категория (кластер)",
        max_length=100,
        help_text="Как называются отобранные школы: ШНОР, ШНСУ, зона риска …",
    )
    params = models.JSONField("параметры")
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rule_sets",
        verbose_name="регион",
        help_text="Правило или вариант региона; пусто вместе с муниципалитетом — встроенное "
        "правило, доступное всем регионам.",
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rule_sets",
        verbose_name="муниципалитет",
        help_text="Вариант муниципалитета: предлагается только ему.",
    )
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name="основано на правиле",
        help_text="Встроенное правило, пороги которого изменены в этом варианте.",
    )
    source = models.CharField("основание", max_length=300, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "правило выявления"
        verbose_name_plural = "правила выявления"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_version_unique"),
            models.CheckConstraint(
                name="ruleset_one_owner",
                condition=Q(region__isnull=True) | Q(municipality__isnull=True),
                violation_error_message="Правило принадлежит региону или муниципалитету, не обоим.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})"

    @property
    def is_built_in(self) -> bool:
        return self.region_id is None and self.municipality_id is None

    @property
    def owner_name(self) -> str:
        """Whose variant this is; empty for a built-in rule."""
        owner = self.municipality or self.region
        return owner.name if owner else ""


class RunStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    APPROVED = "approved", "утверждён"


class IdentificationRun(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="runs", verbose_name="правило"
    )
    year = models.PositiveSmallIntegerField("учебный год выявления")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="муниципалитет",
        help_text="Пусто — весь регион.",
    )
    params = models.JSONField("параметры на момент запуска")
    inputs = models.JSONField(
        "исходные данные", help_text="Сколько школ и результатов было учтено, и за какие годы."
    )
    schools_count = models.PositiveIntegerField("школ рассмотрено")
    flagged_count = models.PositiveIntegerField("школ отобрано")
    status = models.CharField(
        "статус", max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    order = models.ForeignKey(
        "programs.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identification_runs",
        verbose_name="утверждён приказом",
    )
    created_at = models.DateTimeField("запущено", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("утверждено", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "запуск выявления"
        verbose_name_plural = "запуски выявления"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="approved_run_cites_an_order",
                condition=Q(status="draft")
                | (Q(order__isnull=False) & Q(approved_at__isnull=False)),
                violation_error_message="Утверждённый список ссылается на приказ.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.category} на {academic_year_label(self.year)} · {self.scope_name}"

    @property
    def scope_name(self) -> str:
        return self.municipality.name if self.municipality_id else self.region.name

    @property
    def made_from(self) -> str:
        """«Список на 2023/24 составлен по результатам 2022/23»: a list for a year is drawn up
        from the results of the year before it (identification_compute reads Y − 3 … Y − 1)."""
        return (
            f"Список на {academic_year_label(self.year)} составлен по результатам "
            f"{academic_year_label(self.year - 1)}"
        )


class Verdict(models.Model):
    """The outcome of a run for one school, with the reasons in words."""

    run = models.ForeignKey(
        IdentificationRun, on_delete=models.CASCADE, related_name="verdicts", verbose_name="запуск"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="verdicts", verbose_name="школа"
    )
    flagged = models.BooleanField("отобрана")
    category = models.CharField(
        "категория",
        max_length=100,
        blank=True,
        help_text="Для кластеризации — кластер школы; для правила — его категория, если отобрана.",
    )
    reasons = models.JSONField("обоснование", default=list)

    class Meta:
        verbose_name = "решение по школе"
        verbose_name_plural = "решения по школам"
        constraints = [
            models.UniqueConstraint(fields=["run", "school"], name="verdict_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.school}: {'да' if self.flagged else 'нет'}"


class WarningRun(models.Model):
    """«Группа риска на следующий год»: who, not in the list for `year`, may be in the list for
    `year` + 1 — kept with the parameters and data it was drawn from, like an identification run."""

    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="warning_runs",
        verbose_name="правило списка",
    )
    warning_rule = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="параметры предупреждения",
    )
    year = models.PositiveSmallIntegerField("учебный год списка")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="муниципалитет",
        help_text="Пусто — весь регион.",
    )
    params = models.JSONField("параметры на момент расчёта")
    inputs = models.JSONField("исходные данные")
    schools_count = models.PositiveIntegerField("школ рассмотрено")
    warned_count = models.PositiveIntegerField("школ в группе риска")
    created_at = models.DateTimeField("рассчитано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "расчёт группы риска"
        verbose_name_plural = "расчёты группы риска"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Группа риска на {academic_year_label(self.year + 1)} · {self.scope_name}"

    @property
    def scope_name(self) -> str:
        return self.municipality.name if self.municipality_id else self.region.name

    @property
    def next_year(self) -> int:
        return self.year + 1


class WarningEntry(models.Model):
    """One school not in the list: its estimated chance to enter it next year and why."""

    run = models.ForeignKey(
        WarningRun, on_delete=models.CASCADE, related_name="entries", verbose_name="расчёт"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="warnings", verbose_name="школа"
    )
    probability = models.FloatField("оценка вероятности", null=True, blank=True)
    warned = models.BooleanField("в группе риска")
    rank = models.PositiveIntegerField("место", null=True, blank=True)
    reasons = models.JSONField("обоснование", default=list)

    class Meta:
        verbose_name = "школа в расчёте группы риска"
        verbose_name_plural = "школы в расчёте группы риска"
        ordering = ["rank", "-probability"]
        constraints = [
            models.UniqueConstraint(fields=["run", "school"], name="warning_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.probability}"

    @property
    def percent(self) -> int | None:
        return None if self.probability is None else round(100 * self.probability)
