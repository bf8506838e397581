"""What every form shares (opora/forms.py): dates are picked from the browser's calendar and
travel as ISO dates, selects prompt in words instead of Django's «---------»."""

import datetime

import pytest

from opora.meetings.forms import MeetingForm, MemberForm
from opora.meetings.models import WorkingGroup
from opora.monitoring.forms import CampaignForm
from opora.programs.models import Indicator
from opora.registry.models import Municipality, School
from opora.staff.forms import EventForm, PairForm
from opora.staff.models import MethodicalAssociation, Teacher

pytestmark = pytest.mark.django_db


def test_a_date_field_renders_a_date_picker_with_an_iso_value(municipality_a):
    # Failed before: <input type="text" placeholder="ДД.ММ.ГГГГ">.
    form = MemberForm(municipality=municipality_a, initial={"joined_on": datetime.date(2026, 9, 1)})
    html = str(form["joined_on"])
    assert 'type="date"' in html
    assert 'value="2026-09-01"' in html


def test_a_date_field_of_a_plain_form_renders_a_date_picker():
    form = CampaignForm(indicators=Indicator.objects.none())
    assert 'type="date"' in str(form["deadline"])


def test_a_date_typed_as_russians_write_it_is_still_read(municipality_a):
    form = MemberForm(
        {"name": "Иванова И. И.", "role": "member", "joined_on": "01.09.2026"},
        municipality=municipality_a,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["joined_on"] == datetime.date(2026, 9, 1)


def test_selects_prompt_in_words(municipality_a):
    teachers = Teacher.objects.none()
    forms = [
        MemberForm(municipality=municipality_a),
        PairForm(teachers=teachers),
        EventForm(
            municipalities=Municipality.objects.all(),
            schools=School.objects.none(),
            associations=MethodicalAssociation.objects.none(),
        ),
    ]
    for form in forms:
        html = "".join(str(field) for field in form)
        assert "---------" not in html, type(form).__name__
        assert "— выберите —" in html, type(form).__name__


def test_a_time_field_renders_a_time_picker(municipality_a):
    group = WorkingGroup.objects.create(municipality=municipality_a, name="Рабочая группа")
    assert 'type="time"' in str(MeetingForm(group=group)["time"])
