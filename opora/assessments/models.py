"""Assessments (ВПР, ОГЭ, ЕГЭ, КДР) and the results of each school in them, by year."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from opora.registry.models import School
from opora.registry.years import academic_year_label


class AssessmentKind(models.TextChoices):
    VPR = "VPR", "ВПР"
    OGE = "OGE", "ОГЭ"
    EGE = "EGE", "ЕГЭ"
    KDR = "KDR", "КДР"


class Subject(models.Model):
    """Reference data: a short latin code (rus, math, math_base …) and its Russian name."""

    code = models.SlugField("код", max_length=20, unique=True)
    name = models.CharField("предмет", max_length=100)
    aliases = models.CharField(
        "другие названия",
        max_length=400,
        blank=True,
        help_text="Через «;»: как предмет называют отчёты ФИС ОКО и таблицы РЦОИ "
        "(«английский язык» для иностранного языка).",
    )
    position = models.PositiveSmallIntegerField("порядок", default=100)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        return [self.name, *filter(None, (a.strip() for a in self.aliases.split(";")))]


class Assessment(models.Model):
    kind = models.CharField("процедура", max_length=3, choices=AssessmentKind.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, verbose_name="предмет")
    grade = models.PositiveSmallIntegerField("класс")

    class Meta:
        verbose_name = "оценочная процедура"
        verbose_name_plural = "оценочные процедуры"
        ordering = ["kind", "grade", "subject__position"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "grade"], name="assessment_unique"),
            models.CheckConstraint(
                name="assessment_grade_in_school", condition=Q(grade__gte=1, grade__lte=11)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject.name} {self.grade} кл."


class ImportBatch(models.Model):
    """One loaded file of results: where the values it brought came from (issue 20)."""

    filename = models.CharField("файл", max_length=255)
    source_format = models.CharField("формат", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто загрузил",
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    rows_read = models.PositiveIntegerField("строк в файле", default=0)
    created = models.PositiveIntegerField("результатов добавлено", default=0)
    updated = models.PositiveIntegerField("результатов заменено", default=0)

    class Meta:
        verbose_name = "загруженный файл результатов"
        verbose_name_plural = "загруженные файлы результатов"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.source_format})"

    @property
    def uploader(self) -> str:
        """Who loaded it, in words; no user is the command line on the server."""
        if self.created_by is None:
            return "администратор системы"
        return str(self.created_by)


class SchoolResult(models.Model):
    """One school in one assessment in one academic year: participants and counts of marks.

    For ЕГЭ профиль «2» counts those below the minimum score. The journal_* counts are ВПР's
    comparison with journal marks, present when the results came from a student-level file.
    """

    # No index of its own: the unique key and result_school_year both begin with the school,
    # and a third index on it cost every imported row.
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name="школа",
        db_index=False,
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="results", verbose_name="процедура"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    participants = models.PositiveIntegerField("участников")
    mark_2 = models.PositiveIntegerField("«2»")
    mark_3 = models.PositiveIntegerField("«3»")
    mark_4 = models.PositiveIntegerField("«4»")
    mark_5 = models.PositiveIntegerField("«5»")
    journal_lowered = models.PositiveIntegerField(
        "понизили отметку по журналу", null=True, blank=True
    )
    journal_confirmed = models.PositiveIntegerField("подтвердили отметку", null=True, blank=True)
    journal_raised = models.PositiveIntegerField("повысили отметку", null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results",
        verbose_name="из файла",
    )
    # History is read by result (its id) and date only; an index on its school, assessment or
    # file would be paid by every import row and read by no query. A country's results file adds
    # 1.9 M history rows at a time: a 32-bit numbering (simple_history's default) would run out
    # after about a thousand such loads.
    history = HistoricalRecords(
        no_db_index=["school", "assessment", "import_batch"],
        history_id_field=models.BigAutoField(primary_key=True, serialize=False),
    )

    class Meta:
        verbose_name = "результат школы"
        verbose_name_plural = "результаты школ"
        # Region-wide reads ask for schools' years (latest year per municipality, the results
        # table's years and columns, a rule's years): the unique key has the year last.
        indexes = [
            models.Index(fields=["school", "year", "assessment"], name="result_school_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "assessment", "year"], name="result_once_per_year"
            ),
            models.CheckConstraint(
                name="result_marks_sum_to_participants",
                condition=Q(participants=F("mark_2") + F("mark_3") + F("mark_4") + F("mark_5")),
                violation_error_message="Сумма отметок не равна числу участников.",
            ),
            models.CheckConstraint(
                name="result_journal_within_participants",
                condition=Q(journal_lowered__isnull=True)
                | Q(
                    participants__gte=F("journal_lowered")
                    + F("journal_confirmed")
                    + F("journal_raised")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.assessment} · {academic_year_label(self.year)}"

    def _share(self, count: int) -> float | None:
        return 100 * count / self.participants if self.participants else None

    @property
    def share_of_twos(self) -> float | None:
        """Доля «2», %."""
        return self._share(self.mark_2)

    @property
    def success_rate(self) -> float | None:
        """Успеваемость: share of 3, 4 and 5, %."""
        return self._share(self.mark_3 + self.mark_4 + self.mark_5)

    @property
    def quality_rate(self) -> float | None:
        """Качество знаний: share of 4 and 5, %."""
        return self._share(self.mark_4 + self.mark_5)

    @property
    def average_mark(self) -> float | None:
        if not self.participants:
            return None
        total = 2 * self.mark_2 + 3 * self.mark_3 + 4 * self.mark_4 + 5 * self.mark_5
        return total / self.participants


class TerritoryLevel(models.TextChoices):
    COUNTRY = "country", "вся выборка"
    REGION = "region", "регион"
    MUNICIPALITY = "municipality", "муниципалитет"


class ReferenceResult(models.Model):
    """Shares of a whole territory in one assessment and year, as a report of ФИС ОКО gives them
    (its rows «Вся выборка», the region, the municipality): what a school's shares are compared
    with. Shares in percent; the journal_* shares come from the report comparing marks with
    journal marks."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="+", verbose_name="процедура"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    level = models.CharField("уровень", max_length=12, choices=TerritoryLevel.choices)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "registry.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField("как назван в отчёте", max_length=400)
    participants = models.PositiveIntegerField("участников", null=True, blank=True)
    share_2 = models.DecimalField("«2», %", max_digits=5, decimal_places=2, null=True)
    share_3 = models.DecimalField("«3», %", max_digits=5, decimal_places=2, null=True)
    share_4 = models.DecimalField("«4», %", max_digits=5, decimal_places=2, null=True)
    share_5 = models.DecimalField("«5», %", max_digits=5, decimal_places=2, null=True)
    journal_lowered = models.DecimalField("понизили, %", max_digits=5, decimal_places=2, null=True)
    journal_confirmed = models.DecimalField(
        "подтвердили, %", max_digits=5, decimal_places=2, null=True
    )
    journal_raised = models.DecimalField("повысили, %", max_digits=5, decimal_places=2, null=True)

    class Meta:
        verbose_name = "результат территории"
        verbose_name_plural = "результаты территорий"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "year"],
                condition=Q(level="country"),
                name="reference_country_once",
            ),
            models.UniqueConstraint(
                fields=["assessment", "year", "region"],
                condition=Q(level="region"),
                name="reference_region_once",
            ),
            models.UniqueConstraint(
                fields=["assessment", "year", "municipality"],
                condition=Q(level="municipality"),
                name="reference_municipality_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.assessment} · {academic_year_label(self.year)}"

    @property
    def quality_rate(self):
        """Качество знаний, %: as the school's, from the shares of «4» and «5»."""
        if self.share_4 is None or self.share_5 is None:
            return None
        return float(self.share_4 + self.share_5)

    @property
    def share_of_twos(self):
        return None if self.share_2 is None else float(self.share_2)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "в очереди"
    RUNNING = "running", "выполняется"
    PREVIEW = "preview", "ждёт подтверждения"
    DONE = "done", "загружен"
    REFUSED = "refused", "не загружен"


class ResultImportJob(models.Model):
    """A result file being loaded in the background, with its progress for the person waiting.

    The uploaded file is deleted as soon as it is processed: student-level files hold personal
    data, which Opora never keeps (152-ФЗ).
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="кто загрузил",
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    filename = models.CharField("файл", max_length=255)
    upload = models.FileField("файл на время обработки", upload_to="imports/", blank=True)
    status = models.CharField(
        "состояние", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    stage = models.CharField("этап", max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField("готово, %", default=0)
    summary = models.TextField("итог", blank=True)
    counts = models.JSONField("итог в числах", null=True, blank=True)
    problems = models.JSONField("ошибки", default=list)
    finished_at = models.DateTimeField("завершён", null=True, blank=True)
    # Who runs the job and when it last moved: how a stopped worker's job is told from a live one.
    task_id = models.CharField("задание в очереди", max_length=64, blank=True)
    worker = models.CharField("обработчик (машина:процесс)", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("последний ход", null=True, blank=True)
    # A file is first only previewed; it is loaded after its uploader confirms the preview.
    confirmed = models.BooleanField("загрузка подтверждена", default=False)
    expires_at = models.DateTimeField("ждёт подтверждения до", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка результатов"
        verbose_name_plural = "загрузки результатов"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED)
