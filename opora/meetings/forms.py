from django import forms

from opora.accounts.models import User
from opora.forms import OporaForm, OporaModelForm
from opora.links import WebLinkFormField
from opora.meetings.models import (
    AgendaItem,
    Decision,
    DecisionStatus,
    Meeting,
    Member,
    WorkingGroup,
)
from opora.programs.models import Activity, Indicator, Order, Program
from opora.registry.models import School


def _person_lines(text: str) -> list[tuple[str, str]]:
    """«Фамилия И.О. – должность» per line, as the protocol lists people."""
    people = []
    for line in text.splitlines():
        line = line.strip().rstrip(";,")
        if not line:
            continue
        for dash in (" – ", " — ", " - "):
            if dash in line:
                name, position = line.split(dash, 1)
                break
        else:
            name, position = line, ""
        people.append((name.strip(), position.strip()))
    return people


class GroupForm(OporaModelForm):
    class Meta:
        model = WorkingGroup
        fields = [
            "name",
            "issuer",
            "protocol_heading",
            "order",
            "composition_note",
            "decision_rule",
            "prints_owner_and_deadline",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 3}),
            "protocol_heading": forms.Textarea(attrs={"rows": 3}),
            "composition_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = Order.objects.filter(region=region)


class MemberForm(OporaModelForm):
    class Meta:
        model = Member
        fields = ["name", "position", "organisation", "role", "account", "joined_on", "left_on"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people of this municipality (and its region) can be linked to a member.
        self.fields["account"].queryset = User.objects.filter(
            municipality=municipality
        ) | User.objects.filter(school__municipality=municipality)


class EditForm(OporaModelForm):
    """A form that edits a record of the protocol: it remembers what its user saw when it was
    opened (opora.locking), so that a later save by someone else is not overwritten."""

    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeetingForm(EditForm):
    class Meta:
        model = Meeting
        fields = ["date", "time", "place", "is_online", "chair", "secretary", "present_heading"]

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        members = group.members.filter(left_on__isnull=True)
        if self.instance.pk:  # a past meeting keeps its officers even if they have left since
            members = group.members.all()
        self.fields["chair"].queryset = members
        self.fields["secretary"].queryset = members


class AgendaItemForm(EditForm):
    speeches = forms.CharField(
        label="ВЫСТУПИЛИ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Каждое выступление с новой строки: «Кочнева О.А. – о результатах ВПР». "
        "Пусто, если никто не выступал.",
    )

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "heard_speaker",
            "heard_summary",
            "vote_kind",
            "votes_for",
            "votes_against",
            "votes_abstained",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "heard_summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "votes_for": "Числа голосов — только для «за / против / воздержались»; голосуют "
            "присутствующие члены группы."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["speeches"].initial = "\n".join(
                f"{s.speaker} – {s.summary}" if s.summary else s.speaker
                for s in self.instance.speeches.all()
            )

    def clean_speeches(self) -> list[tuple[str, str]]:
        return _person_lines(self.cleaned_data["speeches"])


class DecisionForm(EditForm):
    status = forms.ChoiceField(
        label="Контроль",
        choices=[
            (DecisionStatus.OPEN, "поставить на контроль (на исполнении)"),
            (DecisionStatus.NOTED, "к сведению, без контроля"),
        ],
    )

    class Meta:
        model = Decision
        fields = [
            "text",
            "owner_member",
            "owner_school",
            "owner_text",
            "deadline_text",
            "status",
            "schools",
            "programs",
            "activities",
            "indicators",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "schools": forms.SelectMultiple(attrs={"size": 6}),
            "programs": forms.SelectMultiple(attrs={"size": 4}),
            "activities": forms.SelectMultiple(attrs={"size": 6}),
            "indicators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = group.municipality
        self.fields["owner_member"].queryset = group.members.all()
        schools = School.objects.filter(municipality=municipality).order_by("short_name")
        self.fields["owner_school"].queryset = schools
        self.fields["schools"].queryset = schools
        programs = Program.objects.filter(municipality=municipality)
        self.fields["programs"].queryset = programs
        self.fields["activities"].queryset = Activity.objects.filter(program__in=programs)
        self.fields["indicators"].queryset = Indicator.objects.filter(program__in=programs)
        if self.instance.pk and self.instance.status not in (
            DecisionStatus.OPEN,
            DecisionStatus.NOTED,
        ):
            # Already tracked further (done, withdrawn): editing the text keeps that state.
            self.fields["status"].choices = [
                (self.instance.status, self.instance.get_status_display())
            ]


class DecisionStatusForm(OporaForm):
    status = forms.ChoiceField(label="Состояние", choices=DecisionStatus.choices)
    evidence_link = WebLinkFormField(
        label="Подтверждение (ссылка на документ, страницу сайта)",
        required=False,
        assume_scheme="https",
    )
    evidence_note = forms.CharField(
        label="Что сделано", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AttendanceForm(OporaForm):
    """One «присутствовал» box and an absence reason per member; invited guests as lines."""

    guests = forms.CharField(
        label="Приглашённые",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Каждый с новой строки: «Петрова А.А. – директор МОУ «СОШ с. Ивановка»». "
        "Приглашённые не голосуют и не входят в кворум.",
    )

    def __init__(self, *args, members, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        marks = {a.member_id: a for a in meeting.attendance.all()}
        self.members = members
        for member in members:
            mark = marks.get(member.pk)
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=member.with_position(),
                required=False,
                initial=mark.present if mark else True,
            )
            self.fields[f"note_{member.pk}"] = forms.CharField(
                label="причина отсутствия",
                required=False,
                max_length=200,
                initial=mark.note if mark else "",
            )
        self.fields["guests"].initial = "\n".join(str(g) for g in meeting.guests.all())

    def rows(self):
        return [(self[f"present_{m.pk}"], self[f"note_{m.pk}"]) for m in self.members]

    def attendance(self) -> dict:
        data = self.cleaned_data
        return {
            "present": {m.pk for m in self.members if data[f"present_{m.pk}"]},
            "notes": {m.pk: data[f"note_{m.pk}"] for m in self.members},
            "guests": _person_lines(data["guests"]),
        }
