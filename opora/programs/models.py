"""Programs as the seeds write them: orders that approve them, a passport, goals and tasks,
target indicators with yearly targets and actual values, and a roadmap of activities."""

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.links import WebLinkField
from opora.registry.models import Municipality, Region, School
from opora.reports.layout import OrderRequisites
from opora.words import genitive


class Order(models.Model):
    """Приказ (or another normative act) that approves a program, a list or a group."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name="муниципалитет"
    )
    issuer = models.CharField("кто издал", max_length=400)
    issuer_genitive = models.CharField(
        "кто издал, в родительном падеже",
        max_length=400,
        blank=True,
        help_text="Как в грифе: «приказом Отдела образования …». Пусто — составляется по словарю.",
    )
    place = models.CharField(
        "место издания", max_length=100, blank=True, help_text="Например: «с. Тербуны»."
    )
    number = models.CharField("номер", max_length=50)
    date = models.DateField("дата")
    title = models.TextField("наименование")
    basis = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, verbose_name="основание (приказ)"
    )
    basis_text = models.TextField("основание (текстом)", blank=True)
    signatory = models.CharField("подписал", max_length=300, blank=True)
    controller = models.CharField("контроль исполнения", max_length=300, blank=True)
    points = models.JSONField("пункты приказа", default=list, blank=True)
    file = models.FileField("файл приказа", upload_to="orders/", blank=True)

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        # Date before number, as ГОСТ Р 7.0.97 cites a document; seed 003's approval has a
        # date and a signature but no number.
        number = f" № {self.number}" if self.number else ""
        return f"от {self.date:%d.%m.%Y}{number}"

    def save(self, *args, **kwargs):
        if not self.issuer_genitive and self.issuer:
            self.issuer_genitive = genitive(self.issuer)
        super().save(*args, **kwargs)

    def requisites(self) -> OrderRequisites:
        """What a stamp cites: «приказом Отдела образования … от 24.02.2022 № 121»."""
        return OrderRequisites(
            issuer_genitive=self.issuer_genitive or genitive(self.issuer),
            date=self.date,
            number=self.number,
        )


class ProgramLevel(models.TextChoices):
    REGIONAL = "regional", "региональная"
    MUNICIPAL = "municipal", "муниципальная"
    SCHOOL = "school", "школьная"


class ProgramKind(models.TextChoices):
    MPPKO = "mppko", "МППКО"
    MEASURE_21 = "measure21", "муниципальная программа «мероприятие 21»"
    MODEL = "model", "муниципальная модель адресной поддержки"
    ROADMAP = "roadmap", "дорожная карта"
    CONCEPT = "concept", "концепция развития школы"
    MIDTERM = "midterm", "среднесрочная программа"
    ANTIRISK = "antirisk", "антирисковая программа"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    REVIEW = "review", "на согласовании"
    APPROVED = "approved", "утверждена"
    IN_PROGRESS = "in_progress", "реализуется"
    COMPLETED = "completed", "завершена"


class TableModel(models.TextChoices):
    """How a program's roadmap is laid out in its documents: the seed documents each keep their
    own columns (opora/programs/documents.py ROADMAP_LAYOUTS); a program made in Opora without a
    template gets the generic grid."""

    GENERIC = "generic", "общая таблица Опоры"
    STAGES = "stages", "по этапам: № | Мероприятие | Сроки | Исполнители | Результат (г. Тюмень)"
    SECTIONS = "sections", "план с разделами: № | Мероприятие | Сроки | Ответственный (Тербуны)"
    RISK_FACTORS = "risk_factors", "по факторам риска: задачи, результаты, меры (Пировское)"
    TASKS = "tasks", "с задачей и адресностью, семь граф (г. Свободный)"
    REPORT = "report", "перечень мероприятий с графой «Отчет» (Ивантеевка)"
    INDICATIVE = "indicative", "с индикативными показателями (Ивантеевка)"


PASSPORT_FIELDS = {
    "basis": "Основание для разработки",
    "developer": "Разработчик",
    "executors": "Исполнители",
    "curator": "Куратор",
    "coordinator": "Координатор",
    "goal": "Цель",
    "tasks": "Задачи",
    "expected_results": "Ожидаемые результаты",
    "stages": "Этапы и сроки реализации",
    "management": "Управление и контроль",
    "resources": "Ресурсы",
    "financing_amount": "Объём финансирования",
    "financing_purposes": "Направления расходования",
}


class Program(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name="муниципалитет",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name="школа",
    )
    level = models.CharField("уровень", max_length=10, choices=ProgramLevel.choices)
    kind = models.CharField("вид", max_length=10, choices=ProgramKind.choices)
    name = models.TextField("наименование")
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name="утверждена приказом",
    )
    status = models.CharField(
        "статус", max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    period = models.CharField("срок реализации (как написано)", max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField("год начала", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("год окончания", null=True, blank=True)
    passport = models.JSONField("паспорт", default=dict, blank=True)
    table_model = models.CharField(
        "вид таблицы мероприятий",
        max_length=15,
        choices=TableModel.choices,
        default=TableModel.GENERIC,
    )
    is_example = models.BooleanField(
        "пример (придумана для демонстрации)",
        default=False,
        help_text="Программа придумана для демонстрации: страница и документы помечены «пример».",
    )
    flags = models.JSONField(
        "расхождения в документе",
        default=list,
        blank=True,
        help_text="Несоответствия в исходном документе: показываются как есть, не исправляются.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "программа"
        verbose_name_plural = "программы"
        ordering = ["municipality__name", "-start_year", "name"]

    def __str__(self) -> str:
        return self.name

    def passport_rows(self) -> list[tuple[str, str]]:
        return [
            (label, self.passport.get(key, ""))
            for key, label in PASSPORT_FIELDS.items()
            if self.passport.get(key)
        ]


class Goal(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="goals", verbose_name="программа"
    )
    number = models.CharField("номер", max_length=20, blank=True)
    text = models.TextField("цель")
    risk_factor = models.TextField("фактор риска", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "цель"
        verbose_name_plural = "цели"
        ordering = ["program", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Task(models.Model):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="tasks", verbose_name="цель"
    )
    number = models.CharField("номер", max_length=20, blank=True)
    text = models.TextField("задача")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "задача"
        verbose_name_plural = "задачи"
        ordering = ["goal", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "запланировано"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнено"
    CANCELLED = "cancelled", "отменено"


class Activity(models.Model):
    """Мероприятие of a roadmap: its period as written and as dates, who does it, for whom."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="activities", verbose_name="программа"
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="задача",
    )
    number = models.CharField("№", max_length=20, blank=True)
    section = models.TextField("раздел", blank=True)
    text = models.TextField("мероприятие")
    period = models.CharField("сроки (как написано)", max_length=300, blank=True)
    period_kind = models.CharField("вид срока", max_length=20, blank=True)
    starts_on = models.DateField("начало", null=True, blank=True)
    ends_on = models.DateField("окончание", null=True, blank=True)
    recurrence = models.CharField("повторяемость", max_length=100, blank=True)
    responsible = models.TextField("ответственные", blank=True)
    addressees = models.CharField("адресаты (как написано)", max_length=200, blank=True)
    schools = models.ManyToManyField(
        School, blank=True, related_name="activities", verbose_name="школы-адресаты"
    )
    expected_result = models.TextField("ожидаемый результат", blank=True)
    implementation_indicator = models.TextField("показатель выполнения", blank=True)
    status = models.CharField(
        "статус", max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    evidence_link = WebLinkField("подтверждение (ссылка)", blank=True)
    evidence_file = models.FileField("подтверждение (файл)", upload_to="evidence/", blank=True)
    comment = models.TextField("комментарий", blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[schools])

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["program", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    def is_overdue(self, today: datetime.date) -> bool:
        finished = self.status in (ActivityStatus.DONE, ActivityStatus.CANCELLED)
        return not finished and self.ends_on is not None and self.ends_on < today


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", "количество"
    YES_NO = "yes_no", "да/нет"
    TEXT = "text", "текст"


class IndicatorScope(models.TextChoices):
    MUNICIPALITY = "municipality", "муниципалитет"
    EACH_SCHOOL = "each_school", "каждая школа"
    SCHOOL = "school", "одна школа"


class SourcePopulation(models.TextChoices):
    SUPPORTED = "supported", "школы утверждённого списка (ШНОР, ШНСУ)"
    ALL = "all", "все школы муниципалитета"


class Indicator(models.Model):
    """Целевой показатель with its baseline, yearly targets and values measured over time."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="indicators", verbose_name="программа"
    )
    number = models.CharField("номер", max_length=20, blank=True)
    name = models.TextField("показатель")
    section = models.TextField("раздел", blank=True)
    unit = models.CharField("единица", max_length=10, choices=IndicatorUnit.choices)
    invariant = models.BooleanField(
        "инвариантный (задан регионом)",
        null=True,
        blank=True,
        help_text="Да — задан регионом; нет — вариативный (задан муниципалитетом).",
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="задача",
    )
    scope = models.CharField(
        "к кому относится",
        max_length=15,
        choices=IndicatorScope.choices,
        default=IndicatorScope.MUNICIPALITY,
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="школа",
    )
    source = models.CharField(
        "как считается",
        max_length=40,
        blank=True,
        help_text="Пусто — значение вносится вручную; иначе — код источника данных Opora.",
    )
    source_filter = models.JSONField(
        "отбор результатов",
        default=dict,
        blank=True,
        help_text="Для показателей по результатам: процедура, предмет, классы.",
    )
    source_population = models.CharField(
        "по каким школам",
        max_length=10,
        choices=SourcePopulation.choices,
        default=SourcePopulation.SUPPORTED,
    )
    baseline_year = models.PositiveSmallIntegerField("год базового значения", null=True, blank=True)
    baseline = models.CharField("базовое значение", max_length=100, blank=True)
    higher_is_better = models.BooleanField("рост — это улучшение", null=True, blank=True)
    note = models.TextField("примечание", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "целевой показатель"
        verbose_name_plural = "целевые показатели"
        ordering = ["program", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.name[:80]}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name="показатель"
    )
    year = models.PositiveSmallIntegerField("год")
    value = models.CharField("целевое значение", max_length=100)

    class Meta:
        verbose_name = "целевое значение"
        verbose_name_plural = "целевые значения"
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class IndicatorValue(models.Model):
    """A measured value of an indicator on a date (e.g. «на январь 2023 г»), with its evidence."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="показатель"
    )
    measured_on = models.DateField("на дату")
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name="школа",
        help_text="Для показателя «каждая школа» — чьё это значение.",
    )
    value = models.CharField("значение", max_length=100)
    evidence_link = WebLinkField("подтверждение (ссылка)", blank=True)
    computed_from = models.TextField(
        "рассчитано по данным",
        blank=True,
        help_text="Для рассчитанных значений: источник, год, числитель и знаменатель, школы.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="внёс",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        ordering = ["indicator", "measured_on", "school__short_name"]
        constraints = [
            # NULL never equals NULL in a unique index, so the two cases are two constraints.
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                condition=models.Q(school__isnull=True),
                name="value_once_per_date",
            ),
            models.UniqueConstraint(
                fields=["indicator", "school", "measured_on"],
                condition=models.Q(school__isnull=False),
                name="school_value_once_per_date",
            ),
        ]

    def __str__(self) -> str:
        school = f" ({self.school})" if self.school_id else ""
        return f"{self.measured_on:%d.%m.%Y}{school}: {self.value}"
