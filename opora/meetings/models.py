"""The working group of a municipality (рабочая группа, муниципальная команда), its meetings
and their protocols: agenda items with СЛУШАЛИ / ВЫСТУПИЛИ / ПОСТАНОВИЛИ, votes, and the
decisions that are tracked until they are carried out (seed 000, «Протокол №1 от 03.07.2023»)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from opora.links import WebLinkField
from opora.programs.models import Activity, Indicator, Order, Program
from opora.registry.models import Municipality, School


class DecisionRule(models.TextChoices):
    """How many «за» a decision needs; the usual rule is a majority of the members present."""

    MAJORITY_PRESENT = "majority_present", "большинство присутствующих членов группы"
    TWO_THIRDS_PRESENT = "two_thirds_present", "две трети присутствующих членов группы"
    MAJORITY_OF_MEMBERS = "majority_members", "большинство от состава группы"


class WorkingGroup(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="working_groups",
        verbose_name="муниципалитет",
    )
    name = models.TextField("наименование")
    issuer = models.CharField(
        "орган (шапка протокола)",
        max_length=400,
        help_text="Например: «Управление образованием администрации Ивантеевского "
        "муниципального района».",
    )
    protocol_heading = models.TextField(
        "заголовок протокола",
        blank=True,
        help_text="Как в бланке: «Заседания рабочей группы …». Пусто — «Заседание» и "
        "наименование группы.",
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name="утверждена приказом",
    )
    composition_note = models.TextField(
        "о составе (примечание)",
        blank=True,
        help_text="Участники, названные в документе должностью, а не по имени "
        "(«руководители районных методических объединений»).",
    )
    decision_rule = models.CharField(
        "решение принимается",
        max_length=20,
        choices=DecisionRule.choices,
        default=DecisionRule.MAJORITY_PRESENT,
    )
    prints_owner_and_deadline = models.BooleanField(
        "печатать под решением ответственного и срок",
        default=True,
        help_text="Снимите, если в бланке группы решения пишутся одним текстом (как в "
        "протоколе №1 Ивантеевского района).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "рабочая группа"
        verbose_name_plural = "рабочие группы"
        ordering = ["municipality__name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:group_detail", args=[self.pk])

    def heading(self) -> str:
        return self.protocol_heading or f"Заседание: {self.name}"


class MemberRole(models.TextChoices):
    HEAD = "head", "руководитель"
    DEPUTY = "deputy", "заместитель руководителя"
    SECRETARY = "secretary", "секретарь"
    MEMBER = "member", "член группы"


class Member(models.Model):
    """A person in the group; leaving sets `left_on`, so the composition on any date is known."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name="группа"
    )
    name = models.CharField("фамилия, инициалы", max_length=200)
    position = models.CharField("должность", max_length=400, blank=True)
    organisation = models.CharField("организация", max_length=400, blank=True)
    role = models.CharField(
        "роль в группе", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_memberships",
        verbose_name="пользователь Опоры",
        help_text="Если указан, этот пользователь видит свои решения, а секретарь или "
        "руководитель группы ведёт её заседания.",
    )
    joined_on = models.DateField("включён в состав", null=True, blank=True)
    left_on = models.DateField("выведен из состава", null=True, blank=True)
    position_in_list = models.PositiveIntegerField("порядок в списке", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "член рабочей группы"
        verbose_name_plural = "члены рабочей группы"
        ordering = ["group", "position_in_list", "pk"]
        constraints = [
            models.CheckConstraint(
                name="member_leaves_after_joining",
                condition=Q(joined_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                violation_error_message="Дата выхода из состава раньше даты включения.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        joined = self.joined_on is None or self.joined_on <= day
        return joined and (self.left_on is None or self.left_on >= day)

    def with_position(self) -> str:
        return f"{self.name} – {self.position}" if self.position else self.name


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    FINAL = "final", "окончательный"


class Meeting(models.Model):
    """Заседание and its protocol. A final protocol is read-only; a new revision reopens it
    with the revision number + 1, and every finalised revision is kept as it was signed."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name="группа"
    )
    number = models.PositiveIntegerField("номер заседания")
    date = models.DateField("дата")
    time = models.TimeField("время", null=True, blank=True)
    place = models.CharField("место проведения", max_length=400, blank=True)
    is_online = models.BooleanField("в режиме видеоконференции", default=False)
    chair = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name="председатель",
    )
    secretary = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_meetings",
        verbose_name="секретарь",
    )
    present_heading = models.CharField(
        "подзаголовок списка присутствующих",
        max_length=200,
        blank=True,
        help_text="Строка после «Присутствовали:», если она есть в бланке "
        "(в протоколе №1 Ивантеевского района — «Тьютор-консультант:»).",
    )
    status = models.CharField(
        "протокол", max_length=5, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    revision = models.PositiveIntegerField("редакция протокола", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "заседание"
        verbose_name_plural = "заседания"
        ordering = ["group", "-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="meeting_number_in_group")
        ]

    def __str__(self) -> str:
        return f"Заседание №{self.number} от {self.date:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])


class Attendance(models.Model):
    """A member at a meeting, present or absent (with the reason as the protocol gives it)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name="заседание"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendance", verbose_name="член группы"
    )
    present = models.BooleanField("присутствовал", default=True)
    note = models.CharField("причина отсутствия", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "присутствие"
        verbose_name_plural = "присутствие"
        ordering = ["meeting", "member__position_in_list", "member__pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {'присутствовал' if self.present else 'отсутствовал'}"


class Guest(models.Model):
    """An invited person: listed in the protocol, does not count for the quorum or vote."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="guests", verbose_name="заседание"
    )
    name = models.CharField("фамилия, инициалы", max_length=200)
    position = models.CharField("должность, организация", max_length=400, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "приглашённый"
        verbose_name_plural = "приглашённые"
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return f"{self.name} – {self.position}" if self.position else self.name


class VoteKind(models.TextChoices):
    UNANIMOUS = "unanimous", "единогласно"
    COUNTED = "counted", "за / против / воздержались"
    NONE = "none", "не голосовали"


class ItemKind(models.TextChoices):
    REGULAR = "regular", "вопрос повестки"
    FOLLOW_UP = "follow_up", "об исполнении решений предыдущих заседаний"


FOLLOW_UP_TITLE = "Об исполнении решений предыдущих заседаний"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name="заседание"
    )
    number = models.PositiveIntegerField("№ вопроса")
    kind = models.CharField(
        "вид", max_length=10, choices=ItemKind.choices, default=ItemKind.REGULAR
    )
    title = models.TextField("вопрос повестки")
    heard_speaker = models.CharField(
        "СЛУШАЛИ: кого",
        max_length=400,
        blank=True,
        help_text="Как в протоколе: «муниципального координатора Астраханцеву О.В.».",
    )
    heard_summary = models.TextField(
        "СЛУШАЛИ: о чём", blank=True, help_text="«по вопросу …» или краткое содержание доклада."
    )
    vote_kind = models.CharField(
        "голосование", max_length=10, choices=VoteKind.choices, default=VoteKind.UNANIMOUS
    )
    votes_for = models.PositiveSmallIntegerField("за", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("против", null=True, blank=True)
    votes_abstained = models.PositiveSmallIntegerField("воздержались", null=True, blank=True)
    reviewed_decisions = models.ManyToManyField(
        "Decision",
        blank=True,
        related_name="reviewed_in",
        verbose_name="рассмотренные решения прошлых заседаний",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "вопрос повестки"
        verbose_name_plural = "вопросы повестки"
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="item_number_in_meeting"),
            # Counts are given exactly when the vote is counted.
            models.CheckConstraint(
                name="vote_counts_match_kind",
                condition=Q(
                    vote_kind="counted",
                    votes_for__isnull=False,
                    votes_against__isnull=False,
                    votes_abstained__isnull=False,
                )
                | Q(
                    ~Q(vote_kind="counted"),
                    votes_for__isnull=True,
                    votes_against__isnull=True,
                    votes_abstained__isnull=True,
                ),
                violation_error_message="Числа голосов указываются только при подсчёте голосов.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def vote_text(self) -> str:
        if self.vote_kind == VoteKind.UNANIMOUS:
            return "Голосовали единогласно."
        if self.vote_kind == VoteKind.COUNTED:
            return (
                f"Голосовали: «за» – {self.votes_for}, «против» – {self.votes_against}, "
                f"«воздержались» – {self.votes_abstained}."
            )
        return ""


class Speech(models.Model):
    """ВЫСТУПИЛИ: one speaker on an item (a protocol may have none, as seed 000's has)."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="speeches", verbose_name="вопрос"
    )
    speaker = models.CharField("кто выступил", max_length=400)
    summary = models.TextField("содержание выступления", blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "выступление"
        verbose_name_plural = "выступления"
        ordering = ["item", "position", "pk"]

    def __str__(self) -> str:
        return self.speaker


class DecisionStatus(models.TextChoices):
    OPEN = "open", "на исполнении"
    DONE = "done", "исполнено"
    NOT_DONE = "not_done", "не исполнено"
    WITHDRAWN = "withdrawn", "снято с контроля"
    NOTED = "noted", "к сведению (без контроля)"


# Decisions that still wait for their owner: shown again at the next meeting.
OPEN_STATUSES = (DecisionStatus.OPEN, DecisionStatus.NOT_DONE)


class Decision(models.Model):
    """ПОСТАНОВИЛИ, one numbered point: who carries it out, by when, what it concerns, and
    where it stands (with evidence), so the next meeting can check it."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="decisions", verbose_name="вопрос"
    )
    number = models.PositiveIntegerField("№ решения")
    text = models.TextField("текст решения")
    owner_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="ответственный (член группы)",
    )
    owner_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_decisions",
        verbose_name="ответственная школа",
    )
    owner_text = models.CharField(
        "ответственный (как написано)",
        max_length=400,
        blank=True,
        help_text="Лицо или организация словами: «Руководители образовательных организаций».",
    )
    deadline_text = models.CharField(
        "срок (как написано)",
        max_length=200,
        blank=True,
        help_text="«до 01.09.2024», «постоянно», «в течение года», «сентябрь 2024».",
    )
    deadline_kind = models.CharField("вид срока", max_length=20, blank=True)
    due_on = models.DateField("срок исполнения (дата)", null=True, blank=True)
    schools = models.ManyToManyField(
        School, blank=True, related_name="decisions", verbose_name="касается школ"
    )
    programs = models.ManyToManyField(
        Program, blank=True, related_name="decisions", verbose_name="касается программ"
    )
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="decisions", verbose_name="касается мероприятий"
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="decisions", verbose_name="касается показателей"
    )
    status = models.CharField(
        "состояние", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    evidence_link = WebLinkField("подтверждение (ссылка)", blank=True)
    evidence_note = models.TextField("что сделано", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "решение"
        verbose_name_plural = "решения"
        ordering = ["item__meeting__date", "item__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="decision_number_in_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.number}.{self.number} {self.text[:80]}"

    def owner_label(self) -> str:
        if self.owner_text:
            return self.owner_text
        if self.owner_member_id:
            return self.owner_member.name
        if self.owner_school_id:
            return self.owner_school.short_name
        return ""

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open() and self.due_on is not None and self.due_on < today


class ProtocolRevision(models.Model):
    """A finalised protocol as it was signed: its full content, so an earlier revision can be
    printed again after the protocol was reopened and changed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="revisions", verbose_name="заседание"
    )
    number = models.PositiveIntegerField("редакция")
    content = models.JSONField("содержание протокола")
    finalised_at = models.DateTimeField("утверждён", auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто утвердил",
    )

    class Meta:
        verbose_name = "редакция протокола"
        verbose_name_plural = "редакции протокола"
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="revision_once")]

    def __str__(self) -> str:
        return f"{self.meeting}, редакция {self.number}"
