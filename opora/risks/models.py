"""Risk profiles of schools («рисковый профиль школы», РПШ in seed 001) and the curator's work
with a school: risk factors of «500+» and of the municipality, the questionnaire, levels,
priority factors, the anti-risk programs made from them, reviews, visits and partnerships."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from opora.programs.models import Activity, Program
from opora.registry.models import School
from opora.registry.years import academic_year_label
from opora.risks.levels import Threshold

MAX_PRIORITY_FACTORS = 3  # «500+»: a school works on at most three risk factors at a time


class FactorScope(models.TextChoices):
    FEDERAL = "federal", "«500+» (ФИОКО)"
    MUNICIPAL = "municipal", "муниципальный"


class RiskFactor(models.Model):
    """A risk factor as reference data: loaded by a migration, versioned by its valid years and
    its history, its wording editable in the admin when the region confirms it."""

    code = models.SlugField("код", max_length=40, unique=True)
    title = models.CharField("наименование", max_length=300)
    short_title = models.CharField("кратко (для таблиц)", max_length=40)
    description = models.TextField("пояснение", blank=True)
    scope = models.CharField("чей перечень", max_length=10, choices=FactorScope.choices)
    valid_from = models.PositiveSmallIntegerField(
        "действует с учебного года", null=True, blank=True
    )
    valid_to = models.PositiveSmallIntegerField("действует по учебный год", null=True, blank=True)
    source = models.TextField("источник формулировки", blank=True)
    to_confirm = models.BooleanField(
        "формулировку подтверждает регион",
        default=False,
        help_text="Формулировки нет в документах-образцах: уточните её по материалам региона.",
    )
    # The level rule (documented in docs/user-guide.md): each answered question scores 0, 1 or
    # 2 points; the factor's level is by the mean of its questions' points.
    medium_from = models.DecimalField(
        "средний уровень от (баллов)", max_digits=3, decimal_places=2, default=0.5
    )
    high_from = models.DecimalField(
        "высокий уровень от (баллов)", max_digits=3, decimal_places=2, default=1.5
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "фактор риска"
        verbose_name_plural = "факторы риска"
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                name="factor_levels_ordered",
                condition=Q(medium_from__gte=0, high_from__gt=models.F("medium_from")),
                violation_error_message="Порог высокого уровня должен быть выше порога среднего.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


class AnswerType(models.TextChoices):
    NUMBER = "number", "число"
    SHARE = "share", "доля, %"
    YES_NO = "yes_no", "да/нет"
    SCALE = "scale", "шкала 1–5"


class Question(models.Model):
    """A question of the questionnaire, with the thresholds that turn its answer into points.

    Numbers, shares and scales: `medium_at`/`high_at` are the values from which the answer
    scores 1 and 2 points (read downwards when `higher_is_worse` is false). Yes/no: the answer
    equal to `risky_answer` scores 2 points, the other 0."""

    factor = models.ForeignKey(
        RiskFactor, on_delete=models.CASCADE, related_name="questions", verbose_name="фактор"
    )
    code = models.SlugField("код", max_length=40, unique=True)
    text = models.CharField("вопрос", max_length=400)
    answer_type = models.CharField("тип ответа", max_length=10, choices=AnswerType.choices)
    auto_source = models.CharField(
        "заполняется из данных Опоры",
        max_length=40,
        blank=True,
        help_text="Код источника (см. opora/risks/autofill.py); пусто — отвечает школа.",
    )
    higher_is_worse = models.BooleanField("больше — хуже", default=True)
    medium_at = models.DecimalField(
        "средний риск от", max_digits=8, decimal_places=2, null=True, blank=True
    )
    high_at = models.DecimalField(
        "высокий риск от", max_digits=8, decimal_places=2, null=True, blank=True
    )
    risky_answer = models.BooleanField("рискованный ответ (да/нет)", null=True, blank=True)
    source = models.CharField("откуда вопрос", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("порядок", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкеты"
        ordering = ["factor__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def threshold(self) -> Threshold:
        return Threshold(
            answer_type=self.answer_type,
            higher_is_worse=self.higher_is_worse,
            medium_at=self.medium_at,
            high_at=self.high_at,
            risky_answer=self.risky_answer,
        )


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "заполняется"
    SUBMITTED = "submitted", "на проверке у куратора"
    VERIFIED = "verified", "верифицирован"


class RiskProfile(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="risk_profiles", verbose_name="школа"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    status = models.CharField(
        "статус", max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="верифицировал",
    )
    verified_on = models.DateField("дата верификации", null=True, blank=True)
    is_example = models.BooleanField(
        "пример (придуман для демонстрации)",
        default=False,
        help_text="Ответы анкеты придуманы для демонстрации: профиль помечен «пример».",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "рисковый профиль школы"
        verbose_name_plural = "рисковые профили школ"
        ordering = ["school", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="risk_profile_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.school} · {academic_year_label(self.year)}"


class Answer(models.Model):
    profile = models.ForeignKey(
        RiskProfile, on_delete=models.CASCADE, related_name="answers", verbose_name="профиль"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name="вопрос"
    )
    number = models.DecimalField("значение", max_digits=10, decimal_places=2, null=True, blank=True)
    is_auto = models.BooleanField("заполнено из данных Опоры", default=False)
    note = models.CharField("откуда значение", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ответ анкеты"
        verbose_name_plural = "ответы анкеты"
        constraints = [
            models.UniqueConstraint(fields=["profile", "question"], name="answer_once_per_profile")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.number}"


class RiskLevel(models.TextChoices):
    HIGH = "high", "высокий"
    MEDIUM = "medium", "средний"
    LOW = "low", "низкий"


class ProfileFactor(models.Model):
    """A factor's computed level in a profile, and whether the school chose it as a priority."""

    profile = models.ForeignKey(
        RiskProfile, on_delete=models.CASCADE, related_name="factors", verbose_name="профиль"
    )
    factor = models.ForeignKey(
        RiskFactor, on_delete=models.PROTECT, related_name="+", verbose_name="фактор"
    )
    level = models.CharField("уровень", max_length=6, choices=RiskLevel.choices, blank=True)
    score = models.DecimalField("баллы", max_digits=4, decimal_places=2, null=True, blank=True)
    is_priority = models.BooleanField("приоритетный", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "уровень фактора в профиле"
        verbose_name_plural = "уровни факторов в профиле"
        ordering = ["profile", "factor__position"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "factor"], name="factor_once_per_profile")
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.get_level_display()}"


class ProgramTemplate(models.Model):
    """A template of an anti-risk program for one factor, built from the seeds' measures; the
    school starts from it and adapts goal, tasks, measures and indicators."""

    factor = models.OneToOneField(
        RiskFactor, on_delete=models.CASCADE, related_name="template", verbose_name="фактор"
    )
    goal = models.TextField("цель")
    tasks = models.JSONField("задачи", default=list)
    measures = models.JSONField(
        "меры", default=list, help_text="Список: text, period, responsible, indicator."
    )
    indicators = models.JSONField(
        "показатели", default=list, help_text="Список: name, unit, target."
    )
    source = models.TextField("источник мер", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "шаблон антирисковой программы"
        verbose_name_plural = "шаблоны антирисковых программ"
        ordering = ["factor__position"]

    def __str__(self) -> str:
        return f"Шаблон: {self.factor}"


class SchoolProgram(models.Model):
    """Which profile (and, for an anti-risk program, which factor) a school program came from.
    Kept here so the programs app needs no change."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="risk_link", verbose_name="программа"
    )
    profile = models.ForeignKey(
        RiskProfile, on_delete=models.PROTECT, related_name="programs", verbose_name="профиль"
    )
    factor = models.ForeignKey(
        RiskFactor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="фактор риска",
    )

    class Meta:
        verbose_name = "программа школы по профилю"
        verbose_name_plural = "программы школ по профилю"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "factor"],
                condition=Q(factor__isnull=False),
                name="one_antirisk_program_per_factor",
            )
        ]

    def __str__(self) -> str:
        return str(self.program)


class CuratorKind(models.TextChoices):
    CURATOR = "curator", "куратор"
    TUTOR = "tutor", "тьютор"
    MENTOR = "mentor", "наставник"


class CuratorAssignment(models.Model):
    """The municipality assigns a curator, tutor or mentor to a school; the active assignments
    are what `User.curated_schools` (the curator's scope) holds."""

    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name="куратор",
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="curator_assignments", verbose_name="школа"
    )
    kind = models.CharField("роль", max_length=10, choices=CuratorKind.choices)
    assigned_on = models.DateField("назначен")
    ended_on = models.DateField("снят", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="назначил",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "закрепление куратора"
        verbose_name_plural = "закрепления кураторов"
        ordering = ["school", "-assigned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["curator", "school"],
                condition=Q(ended_on__isnull=True),
                name="one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.curator} — {self.school} ({self.get_kind_display()})"


class ReviewDecision(models.Model):
    """A step of a school program's review: sent for review, returned, approved."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "направлена на согласование"
        RETURNED = "returned", "возвращена на доработку"
        APPROVED = "approved", "согласована и утверждена"

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="review_decisions", verbose_name="программа"
    )
    action = models.CharField("действие", max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="кто"
    )
    note = models.TextField("комментарий", blank=True)
    created = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "решение по программе"
        verbose_name_plural = "решения по программам"
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.program}: {self.get_action_display()}"


# What a review comment can point at, besides a roadmap activity.
COMMENT_FIELDS = {
    "goal": "Цель",
    "tasks": "Задачи",
    "period": "Сроки реализации",
    "executors": "Исполнители",
    "indicators": "Целевые показатели",
    "general": "Программа в целом",
}


class ReviewComment(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="review_comments", verbose_name="программа"
    )
    field = models.CharField("к разделу", max_length=20, blank=True)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_comments",
        verbose_name="к мероприятию",
    )
    text = models.TextField("замечание")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="автор"
    )
    created = models.DateTimeField("когда", auto_now_add=True)
    resolved = models.BooleanField("учтено", default=False)

    class Meta:
        verbose_name = "замечание куратора"
        verbose_name_plural = "замечания куратора"
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def target_label(self) -> str:
        if self.activity_id:
            return f"Мероприятие {self.activity.number}".strip()
        return COMMENT_FIELDS.get(self.field, "Программа в целом")


class VisitKind(models.TextChoices):
    VISIT = "visit", "выезд в школу"
    CONSULTATION = "consultation", "консультация"


class Visit(models.Model):
    """A curator's visit or consultation (seed 001: «график посещения ШНОР наставниками»)."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="curator_visits", verbose_name="школа"
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="куратор",
    )
    kind = models.CharField("вид", max_length=15, choices=VisitKind.choices)
    date = models.DateField("дата")
    purpose = models.TextField("цель")
    findings = models.TextField("что установлено", blank=True)
    agreed_actions = models.TextField("о чём договорились", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "выезд / консультация"
        verbose_name_plural = "выезды и консультации"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()} — {self.school}"


class Partnership(models.Model):
    """Школа-лидер — школа-партнёр (seed 001: «договор о сотрудничестве»; seed 002, item 7.1)."""

    leader = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="led_partnerships",
        verbose_name="школа-лидер",
    )
    partner = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="школа-партнёр",
    )
    year = models.PositiveSmallIntegerField("учебный год")
    agreement = models.CharField("договор о сотрудничестве", max_length=300, blank=True)
    support = models.TextField("виды поддержки", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "партнёрство школ"
        verbose_name_plural = "партнёрства школ"
        ordering = ["-year", "leader__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "partner", "year"], name="partnership_once_per_year"
            ),
            models.CheckConstraint(
                name="partnership_two_schools",
                condition=~Q(leader=models.F("partner")),
                violation_error_message="Школа не может быть партнёром самой себе.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} — {self.partner} ({academic_year_label(self.year)})"


class JointPlanItem(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="plan", verbose_name="партнёрство"
    )
    text = models.TextField("мероприятие")
    period = models.CharField("сроки", max_length=200, blank=True)
    responsible = models.CharField("ответственные", max_length=300, blank=True)
    done = models.BooleanField("выполнено", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "мероприятие совместного плана"
        verbose_name_plural = "совместный план"
        ordering = ["partnership", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="кому",
    )
    text = models.CharField("текст", max_length=500)
    link = models.CharField("ссылка", max_length=300, blank=True)
    key = models.CharField(
        "ключ события",
        max_length=120,
        blank=True,
        help_text="Для напоминаний о сроках: одно напоминание о событии за все запуски.",
    )
    created = models.DateTimeField("создано", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.text
