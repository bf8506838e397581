"""Users with one role each and the scope that role works in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    REGION = "region", "Региональный оператор"
    COORDINATOR = "coordinator", "Муниципальный координатор"
    CURATOR = "curator", "Куратор / наставник"
    SCHOOL = "school", "Школьная команда"
    METHODIST = "methodist", "Методист"
    OBSERVER = "observer", "Наблюдатель"


class User(AbstractUser):
    role = models.CharField("роль", max_length=20, choices=Role.choices, blank=True)
    position = models.CharField("должность", max_length=200, blank=True)
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="регион",
    )
    municipality = models.ForeignKey(
        "registry.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="муниципалитет",
    )
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team",
        verbose_name="школа",
    )
    curated_schools = models.ManyToManyField(
        "registry.School",
        blank=True,
        related_name="curators",
        verbose_name="закреплённые школы",
    )
    # The academic year the user works in, chosen once in the header (registry/years.py,
    # year_in_view); empty until chosen: then the latest year with data in the user's scope.
    academic_year = models.PositiveSmallIntegerField("учебный год в работе", null=True, blank=True)
    # Who changed an account's role, place or state, and when; a password never enters it.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "academic_year"], m2m_fields=[curated_schools]
    )

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            # Each role names exactly the scope it works in; a curator's schools are a list.
            models.CheckConstraint(
                name="role_has_its_scope",
                condition=Q(role="")
                | Q(
                    role="region",
                    region__isnull=False,
                    municipality__isnull=True,
                    school__isnull=True,
                )
                | Q(
                    role__in=["coordinator", "methodist"],
                    municipality__isnull=False,
                    region__isnull=True,
                    school__isnull=True,
                )
                | Q(
                    role="school",
                    school__isnull=False,
                    region__isnull=True,
                    municipality__isnull=True,
                )
                | Q(
                    role="curator",
                    region__isnull=True,
                    municipality__isnull=True,
                    school__isnull=True,
                )
                | (
                    Q(role="observer")
                    & (
                        Q(region__isnull=False, municipality__isnull=True, school__isnull=True)
                        | Q(region__isnull=True, municipality__isnull=False, school__isnull=True)
                        | Q(region__isnull=True, municipality__isnull=True, school__isnull=False)
                    )
                ),
                violation_error_message="Область работы не соответствует роли пользователя.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class LoginThrottle(models.Model):
    """Password checks counted against one username or one address (accounts/throttling.py)."""

    key = models.CharField("кому", max_length=80, unique=True)  # kind and a hash of the value
    count = models.PositiveIntegerField("попыток", default=0)
    until = models.DateTimeField("до", db_index=True)  # the window's end, or the lockout's

    class Meta:
        verbose_name = "счётчик попыток входа"
        verbose_name_plural = "счётчики попыток входа"

    def __str__(self) -> str:
        return f"{self.key}: {self.count} до {self.until:%d.%m.%Y %H:%M}"
