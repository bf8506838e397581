"""Monitoring: campaigns that collect indicator values from schools, measures taken and the
rules that judge their effectiveness, and the annual report with the coordinator's own words."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from opora.links import WebLinkField
from opora.monitoring.effectiveness import EffectivenessParams
from opora.programs.models import Activity, Indicator
from opora.registry.models import Municipality, Region, School
from opora.registry.years import academic_year_label


class CampaignKind(models.TextChoices):
    # Seeds 000 and 003: target indicators «на январь», МСОКО results in May; seed 002 asks
    # schools for information every month.
    INDICATORS = "indicators", "целевые показатели"
    MSOKO = "msoko", "результаты МСОКО"
    REQUEST = "request", "информационный запрос"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "готовится"
    OPEN = "open", "идёт сбор"
    CLOSED = "closed", "завершена"


class MonitoringCampaign(models.Model):
    """A period in which the schools of a municipality report, with a deadline."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="муниципалитет",
    )
    title = models.CharField("название", max_length=300)
    kind = models.CharField("что собирается", max_length=12, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField("учебный год")
    measured_on = models.DateField(
        "значения на дату", help_text="Дата, на которую записываются значения показателей."
    )
    opens_on = models.DateField("начало сбора")
    deadline = models.DateField("срок сдачи")
    status = models.CharField(
        "статус", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="campaigns", verbose_name="показатели"
    )
    questions = models.JSONField(
        "вопросы запроса",
        default=list,
        blank=True,
        help_text="Для информационного запроса: что школа сообщает словами, по строке на вопрос.",
    )
    schools = models.ManyToManyField(
        School, related_name="campaigns", verbose_name="школы", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "мониторинговая кампания"
        verbose_name_plural = "мониторинговые кампании"
        ordering = ["-deadline", "title"]
        constraints = [
            models.CheckConstraint(
                name="campaign_deadline_after_opening",
                condition=Q(deadline__gte=models.F("opens_on")),
                violation_error_message="Срок сдачи не может быть раньше начала сбора.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "не начато"
    DRAFT = "draft", "заполняется"
    SUBMITTED = "submitted", "на проверке"
    RETURNED = "returned", "возвращено на доработку"
    ACCEPTED = "accepted", "принято"


class Submission(models.Model):
    """What one school hands in for a campaign; the municipality accepts it or returns it."""

    campaign = models.ForeignKey(
        MonitoringCampaign,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name="кампания",
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="submissions", verbose_name="школа"
    )
    status = models.CharField(
        "статус", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    submitted_at = models.DateTimeField("сдано", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("проверено", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField("комментарий муниципалитета", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "отчёт школы в кампании"
        verbose_name_plural = "отчёты школ в кампаниях"
        ordering = ["campaign", "school__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="submission_once"),
            models.CheckConstraint(
                name="returned_submission_says_why",
                condition=~Q(status="returned") | ~Q(review_comment=""),
                violation_error_message="Возвращая отчёт, напишите, что исправить.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.campaign}"


class SubmissionValue(models.Model):
    """One answer of a school: an indicator's value (typed in, or computed from data) or the
    answer to a question of an information request, with the evidence behind it."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="values", verbose_name="отчёт"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, verbose_name="показатель"
    )
    question = models.CharField("вопрос", max_length=500, blank=True)
    value = models.CharField("значение", max_length=500, blank=True)
    evidence_link = WebLinkField("подтверждение (ссылка)", blank=True)
    computed_from = models.CharField(
        "рассчитано по данным",
        max_length=300,
        blank=True,
        help_text="Пусто — значение внесла школа; иначе — откуда оно рассчитано.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "значение в отчёте школы"
        verbose_name_plural = "значения в отчётах школ"
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"],
                condition=Q(indicator__isnull=False),
                name="submission_indicator_once",
            ),
            models.UniqueConstraint(
                fields=["submission", "question"],
                condition=Q(indicator__isnull=True),
                name="submission_question_once",
            ),
            models.CheckConstraint(
                name="submission_value_is_indicator_or_question",
                condition=Q(indicator__isnull=False, question="")
                | (Q(indicator__isnull=True) & ~Q(question="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator or self.question}: {self.value}"


class EffectivenessRule(models.Model):
    """A versioned rule that judges a measure: parameters, never code (like RuleSet)."""

    code = models.SlugField("код", max_length=50)
    version = models.PositiveIntegerField("версия", default=1)
    title = models.CharField("название", max_length=300)
    params = models.JSONField("параметры")
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="effectiveness_rules",
        verbose_name="регион",
        help_text="Пусто — встроенное правило, доступное всем регионам.",
    )
    source = models.CharField("основание", max_length=300, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        verbose_name = "правило оценки эффективности"
        verbose_name_plural = "правила оценки эффективности"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="effectiveness_rule_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})"

    @property
    def conditions(self) -> list[str]:
        """The conditions in words (the page shows them instead of the JSON)."""
        return EffectivenessParams.from_params(self.params).conditions()


class Measure(models.Model):
    """Принятая мера of a year: whom it addressed, which indicators show its effect, the rule
    that judges it and the coordinator's own reasoning (seed 000, «Оценка эффектов»)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name="муниципалитет",
    )
    year = models.PositiveSmallIntegerField("учебный год")
    track = models.CharField("направление (трек)", max_length=300, blank=True)
    text = models.TextField("мера")
    schools = models.ManyToManyField(School, related_name="measures", verbose_name="школы")
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="measures", verbose_name="целевые показатели"
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="мероприятие дорожной карты",
    )
    rule = models.ForeignKey(
        EffectivenessRule, on_delete=models.PROTECT, related_name="measures", verbose_name="правило"
    )
    conclusion = models.TextField(
        "обоснование координатора",
        blank=True,
        help_text="Почему мера сработала или нет — словами, как в отчёте.",
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[schools, indicators])

    class Meta:
        verbose_name = "принятая мера"
        verbose_name_plural = "принятые меры"
        ordering = ["municipality", "year", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class AnnualReport(models.Model):
    """The annual analytical report of a municipality: built from data each time it is opened;
    only the coordinator's conclusions and the «published» mark are kept, with their history."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="reports", verbose_name="муниципалитет"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    title = models.CharField("заголовок", max_length=500)
    conclusions = models.JSONField("выводы координатора", default=dict, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="приложение к протоколу заседания",
    )
    appendix_number = models.PositiveSmallIntegerField("номер приложения", default=1)
    signer_position = models.CharField("подписывает: должность", max_length=300, blank=True)
    signer_name = models.CharField("подписывает: инициалы и фамилия", max_length=200, blank=True)
    is_published = models.BooleanField("опубликован", default=False)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("изменён", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "аналитический отчёт"
        verbose_name_plural = "аналитические отчёты"
        ordering = ["municipality__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="report_once_a_year"),
            models.CheckConstraint(
                name="published_report_has_date",
                condition=Q(is_published=False) | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({academic_year_label(self.year)})"


class ReminderStage(models.TextChoices):
    WEEK = "week", "за неделю до срока"
    DAY = "day", "за день до срока"
    OVERDUE = "overdue", "срок прошёл"
