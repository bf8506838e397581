"""Teachers' professional growth and students at risk of failure, the two levers every seed names:
teachers with their diagnosed deficits and ИОМ, courses (КПК), mentoring, methodical associations
and events; students at risk only as counts per school, grade and subject (152-ФЗ: no names)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from opora.assessments.models import Subject
from opora.registry.models import Municipality, School
from opora.registry.years import academic_year_label, current_academic_year


class DeficitArea(models.TextChoices):
    SUBJECT = "subject", "предметный"
    METHODICAL = "methodical", "методический"
    PSYCHOLOGICAL = "psychological", "психолого-педагогический"


class Deficit(models.Model):
    """A kind of professional deficit (reference data, loaded by a migration): seed 003 names
    subject, methodical and psychological-pedagogical deficits, seed 000 the concrete ones."""

    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("дефицит", max_length=300)
    area = models.CharField("вид", max_length=15, choices=DeficitArea.choices)
    position = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "профессиональный дефицит"
        verbose_name_plural = "профессиональные дефициты"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    NONE = "none", "без категории"
    CONFORMITY = "conformity", "соответствие занимаемой должности"
    FIRST = "first", "первая"
    HIGHEST = "highest", "высшая"


class AgeBand(models.TextChoices):
    # Bands, not birth dates: the work needs only «65 лет и старше» (seed 000) and young staff.
    UNDER_30 = "under_30", "до 30 лет"
    FROM_30 = "30_49", "30–49 лет"
    FROM_50 = "50_64", "50–64 года"
    OVER_65 = "65_plus", "65 лет и старше"


class Teacher(models.Model):
    """A teacher of a school with only what the work needs; identified within the school by the
    personnel number when the school gives one, else by the full name."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="teachers", verbose_name="школа"
    )
    personnel_number = models.CharField("табельный номер", max_length=40, blank=True)
    full_name = models.CharField("ФИО", max_length=200)
    position = models.CharField("должность", max_length=200)
    subjects = models.ManyToManyField(Subject, blank=True, verbose_name="предметы")
    category = models.CharField(
        "квалификационная категория", max_length=12, choices=Category.choices, default=Category.NONE
    )
    age_band = models.CharField("возраст", max_length=10, choices=AgeBand.choices, blank=True)
    workload = models.DecimalField("нагрузка, ставок", max_digits=4, decimal_places=2, default=1)
    is_young_specialist = models.BooleanField("молодой специалист", default=False)
    is_demo = models.BooleanField(
        "придуман для демонстрации",
        default=False,
        help_text="Педагог не назван в документах и добавлен в демонстрационные данные.",
    )
    history = HistoricalRecords(m2m_fields=[subjects])

    class Meta:
        verbose_name = "педагог"
        verbose_name_plural = "педагоги"
        ordering = ["school", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "personnel_number"],
                condition=~Q(personnel_number=""),
                name="teacher_number_once_per_school",
            ),
            models.UniqueConstraint(
                fields=["school", "full_name"],
                condition=Q(personnel_number=""),
                name="teacher_name_once_per_school",
            ),
            models.CheckConstraint(
                name="teacher_workload_in_range",
                condition=Q(workload__gte=0, workload__lte=4),
                violation_error_message="Нагрузка — от 0 до 4 ставок.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Vacancy(models.Model):
    """A vacant teaching position of a school: with the teachers it gives the staffing figures."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="vacancies", verbose_name="школа"
    )
    position = models.CharField("должность", max_length=200)
    rates = models.DecimalField("ставок", max_digits=4, decimal_places=2, default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "вакансия"
        verbose_name_plural = "вакансии"
        ordering = ["school", "position", "pk"]
        constraints = [
            models.CheckConstraint(name="vacancy_rates_positive", condition=Q(rates__gt=0)),
        ]

    def __str__(self) -> str:
        rates = format(self.rates.normalize(), "f").replace(".", ",")
        return f"{self.position} ({rates} ст.)"


class DiagnosticKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "диагностика"
    SELF = "self", "самодиагностика"


class Diagnostic(models.Model):
    """A result of a diagnostic of professional deficits or of a self-assessment."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="diagnostics", verbose_name="педагог"
    )
    kind = models.CharField(
        "вид", max_length=10, choices=DiagnosticKind.choices, default=DiagnosticKind.DIAGNOSTIC
    )
    taken_on = models.DateField("дата")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, verbose_name="предмет"
    )
    instrument = models.CharField("инструмент (диагностика)", max_length=200)
    score = models.DecimalField(
        "результат, %", max_digits=5, decimal_places=1, null=True, blank=True
    )
    deficits = models.ManyToManyField(Deficit, blank=True, verbose_name="выявленные дефициты")
    history = HistoricalRecords(m2m_fields=[deficits])

    class Meta:
        verbose_name = "диагностика"
        verbose_name_plural = "диагностики"
        ordering = ["teacher", "-taken_on"]
        constraints = [
            # One result per teacher, date, subject and instrument: a re-import updates it.
            models.UniqueConstraint(
                "teacher",
                "taken_on",
                Coalesce("subject", 0),
                "instrument",
                name="diagnostic_once",
            ),
            models.CheckConstraint(
                name="diagnostic_score_percent",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.instrument} · {self.taken_on:%d.%m.%Y}"

    @property
    def year(self) -> int:
        return current_academic_year(self.taken_on)


class Course(models.Model):
    """A course of the catalogue (КПК: курсы повышения квалификации) a municipality offers."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="courses", verbose_name="муниципалитет"
    )
    title = models.CharField("название программы", max_length=400)
    provider = models.CharField("кто проводит", max_length=200, help_text="КИПК, ЦНППМ, СОИРО …")
    hours = models.PositiveSmallIntegerField("часов", null=True, blank=True)
    starts_on = models.DateField("начало", null=True, blank=True)
    ends_on = models.DateField("окончание", null=True, blank=True)
    deficits = models.ManyToManyField(Deficit, blank=True, verbose_name="восполняет дефициты")
    history = HistoricalRecords(m2m_fields=[deficits])

    class Meta:
        verbose_name = "курс повышения квалификации"
        verbose_name_plural = "курсы повышения квалификации"
        ordering = ["municipality", "-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                name="course_ends_after_start",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                violation_error_message="Курс не может закончиться раньше, чем начался.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseCompletion(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="completions", verbose_name="курс"
    )
    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="completions", verbose_name="педагог"
    )
    completed_on = models.DateField("дата окончания")
    certificate = models.CharField("удостоверение (номер или ссылка)", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "прохождение курса"
        verbose_name_plural = "прохождения курсов"
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["course", "teacher"], name="course_completed_once")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.course}"


class RouteStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    ACTIVE = "active", "реализуется"
    COMPLETED = "completed", "завершён"


class RouteTemplate(models.Model):
    """A methodist's pattern of an ИОМ for a typical deficit: its activities are copied."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="route_templates",
        verbose_name="муниципалитет",
    )
    title = models.CharField("название", max_length=300)
    deficits = models.ManyToManyField(Deficit, blank=True, verbose_name="для дефицитов")
    activities = models.JSONField(
        "мероприятия", default=list, help_text="Список {kind, title} — вид и название."
    )

    class Meta:
        verbose_name = "шаблон ИОМ"
        verbose_name_plural = "шаблоны ИОМ"
        ordering = ["municipality", "title"]

    def __str__(self) -> str:
        return self.title


class Route(models.Model):
    """ИОМ (индивидуальный образовательный маршрут) of a teacher for an academic year."""

    teacher = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="routes", verbose_name="педагог"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    deficits = models.ManyToManyField(
        Deficit, blank=True, verbose_name="дефициты, на которые он направлен"
    )
    status = models.CharField(
        "статус", max_length=10, choices=RouteStatus.choices, default=RouteStatus.DRAFT
    )
    template = models.ForeignKey(
        RouteTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="по шаблону",
    )
    history = HistoricalRecords(m2m_fields=[deficits])

    class Meta:
        verbose_name = "ИОМ педагога"
        verbose_name_plural = "ИОМ педагогов"
        ordering = ["-year", "teacher__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "year"], name="route_once_per_year")
        ]

    def __str__(self) -> str:
        return f"ИОМ {self.teacher} на {academic_year_label(self.year)}"


class RouteActivityKind(models.TextChoices):
    COURSE = "course", "курсы повышения квалификации"
    INTERNSHIP = "internship", "стажировка"
    OPEN_LESSON = "open_lesson", "открытый урок"
    MENTORING = "mentoring", "наставничество"
    ASSOCIATION = "association", "работа в методическом объединении"
    SELF_STUDY = "self_study", "самообразование"


class RouteActivity(models.Model):
    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="activities", verbose_name="ИОМ"
    )
    kind = models.CharField("вид", max_length=12, choices=RouteActivityKind.choices)
    title = models.CharField("мероприятие", max_length=400)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="route_activities",
        verbose_name="курс из каталога",
    )
    starts_on = models.DateField("начало", null=True, blank=True)
    ends_on = models.DateField("окончание", null=True, blank=True)
    completed_on = models.DateField("выполнено", null=True, blank=True)
    evidence = models.CharField(
        "подтверждение выполнения", max_length=400, blank=True, help_text="Ссылка или документ."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "мероприятие ИОМ"
        verbose_name_plural = "мероприятия ИОМ"
        ordering = ["route", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="route_activity_ends_after_start",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                violation_error_message="Мероприятие не может закончиться раньше, чем началось.",
            ),
            models.CheckConstraint(
                # Seeds 001 and 003 count an activity done only with its evidence.
                name="route_activity_done_with_evidence",
                condition=Q(completed_on__isnull=True) | ~Q(evidence=""),
                violation_error_message="Отметка о выполнении требует подтверждения.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewRole(models.TextChoices):
    SCHOOL = "school", "школа"
    METHODIST = "methodist", "методист"


class ReviewVerdict(models.TextChoices):
    APPROVED = "approved", "согласован"
    REWORK = "rework", "на доработку"


class RouteReview(models.Model):
    """The school's or the methodist's opinion of an ИОМ; kept as a list, the latest counts."""

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="reviews", verbose_name="ИОМ"
    )
    role = models.CharField("кто рассматривал", max_length=10, choices=ReviewRole.choices)
    verdict = models.CharField("решение", max_length=10, choices=ReviewVerdict.choices)
    comment = models.TextField("замечания", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="кто"
    )
    reviewed_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "рассмотрение ИОМ"
        verbose_name_plural = "рассмотрения ИОМ"
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_verdict_display()}"


class MentoringPair(models.Model):
    """Наставник — молодой специалист (seed 003: mentors for teachers with up to 3 years)."""

    mentor = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="mentees", verbose_name="наставник"
    )
    mentee = models.ForeignKey(
        Teacher, on_delete=models.CASCADE, related_name="mentors", verbose_name="наставляемый"
    )
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "наставническая пара"
        verbose_name_plural = "наставнические пары"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="mentor_is_not_mentee",
                condition=~Q(mentor=F("mentee")),
                violation_error_message="Педагог не может быть наставником самому себе.",
            ),
            models.CheckConstraint(
                name="mentoring_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                violation_error_message="Окончание раньше начала.",
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee", "starts_on"], name="mentoring_pair_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.mentee}"

    def is_active_in(self, year: int) -> bool:
        """Whether the pair worked at some time of the academic year `year`."""
        ends = self.ends_on is None or current_academic_year(self.ends_on) >= year
        return current_academic_year(self.starts_on) <= year and ends


class MethodicalAssociation(models.Model):
    """РМО / ММО / ОМО — a methodical association of subject teachers of the municipality."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="methodical_associations",
        verbose_name="муниципалитет",
    )
    name = models.CharField("название", max_length=300)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, verbose_name="предмет"
    )
    leader = models.ForeignKey(
        Teacher,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_associations",
        verbose_name="руководитель",
    )

    class Meta:
        verbose_name = "методическое объединение"
        verbose_name_plural = "методические объединения"
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    SEMINAR = "seminar", "семинар"
    WORKSHOP = "workshop", "семинар-практикум"
    MASTER_CLASS = "master_class", "мастер-класс"
    MEETING = "meeting", "заседание методического объединения"
    CONSULTATION = "consultation", "консультация"
    OPEN_LESSON = "open_lesson", "открытый урок"


class MethodicalEvent(models.Model):
    """A seminar, master class or meeting, often «на базе» a school (seed 002, plan 5.2–5.4)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="methodical_events",
        verbose_name="муниципалитет",
    )
    association = models.ForeignKey(
        MethodicalAssociation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="методическое объединение",
    )
    kind = models.CharField("вид", max_length=12, choices=EventKind.choices)
    title = models.CharField("тема", max_length=400)
    held_on = models.DateField("дата")
    host_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name="на базе школы",
    )
    participants = models.ManyToManyField(
        Teacher, blank=True, related_name="events", verbose_name="участники"
    )
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = "методическое мероприятие"
        verbose_name_plural = "методические мероприятия"
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} «{self.title}»"


class Period(models.TextChoices):
    Q1 = "q1", "I четверть"
    Q2 = "q2", "II четверть"
    H1 = "h1", "I полугодие"
    Q3 = "q3", "III четверть"
    Q4 = "q4", "IV четверть"
    YEAR = "year", "учебный год"


PERIOD_ORDER = {p.value: i for i, p in enumerate(Period)}


class AtRiskFigure(models.Model):
    """Students at risk of failure of a school in a period, as counts only. An empty grade or
    subject is the school as a whole or all subjects, as seed 000's track 3 reports it."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="at_risk_figures", verbose_name="школа"
    )
    year = models.PositiveSmallIntegerField("учебный год")
    period = models.CharField("период", max_length=4, choices=Period.choices)
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, verbose_name="предмет"
    )
    students = models.PositiveIntegerField("обучающихся")
    at_risk = models.PositiveIntegerField("с рисками учебной неуспешности")
    with_plan = models.PositiveIntegerField("с индивидуальным планом сопровождения")
    improved = models.PositiveIntegerField(
        "улучшили результаты", null=True, blank=True, help_text="Пусто — не известно."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "обучающиеся с рисками неуспешности"
        verbose_name_plural = "обучающиеся с рисками неуспешности"
        ordering = ["school", "-year", "period", "grade"]
        constraints = [
            models.UniqueConstraint(
                "school",
                "year",
                "period",
                Coalesce("grade", 0),
                Coalesce("subject", 0),
                name="at_risk_once_per_period",
            ),
            models.CheckConstraint(
                name="at_risk_within_students",
                condition=Q(at_risk__lte=F("students")),
                violation_error_message="Обучающихся с рисками больше, чем обучающихся.",
            ),
            models.CheckConstraint(
                name="at_risk_plans_within_at_risk",
                condition=Q(with_plan__lte=F("at_risk")),
                violation_error_message="Планов сопровождения больше, чем обучающихся с рисками.",
            ),
            models.CheckConstraint(
                name="at_risk_improved_within_at_risk",
                condition=Q(improved__isnull=True) | Q(improved__lte=F("at_risk")),
                violation_error_message="Улучшивших результаты больше, чем обучающихся с рисками.",
            ),
            models.CheckConstraint(
                name="at_risk_grade_in_school",
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=11),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {academic_year_label(self.year)} · {self.get_period_display()}"
