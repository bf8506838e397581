"""Two people editing the same indicator value: the second save is refused, nothing is lost."""

import datetime
import re

import pytest
from django.urls import reverse

from opora import locking
from opora.programs.models import IndicatorValue
from opora.programs.services import indicator_value_save
from tests.conftest import PASSWORD
from tests.threads import at_once, database_file

pytestmark = pytest.mark.django_db

JAN = datetime.date(2024, 1, 1)


def open_page(client, indicator) -> int:
    """The token the value form carries as the page opens."""
    page = client.get(reverse("programs:indicator_detail", args=[indicator.pk])).content.decode()
    return int(re.search(r'name="seen" value="(\d+)"', page).group(1))


def save(client, indicator, seen, value, date="01.01.2024"):
    return client.post(
        reverse("programs:indicator_detail", args=[indicator.pk]),
        {"measured_on": date, "value": value, "evidence_link": "", "seen": seen},
    )


@pytest.fixture
def two_people(client, cast):
    from django.test import Client

    other = Client()
    client.login(username="coordinator_a", password=PASSWORD)
    other.login(username="region_operator", password=PASSWORD)
    return client, other


def test_the_second_of_two_new_values_on_one_date_is_refused(program, two_people):
    first, second = two_people
    indicator = program.indicators.get(number="1")
    seen_first, seen_second = open_page(first, indicator), open_page(second, indicator)

    assert save(first, indicator, seen_first, "80").status_code == 302
    refused = save(second, indicator, seen_second, "95")

    page = refused.content.decode()
    assert refused.status_code == 200
    message = re.search(r"Значение изменил\(а\) coordinator_a в \d\d:\d\d \d\d\.\d\d\.\d{4}", page)
    assert message, page
    assert "обновите страницу; ваше значение: «95»." in page
    assert 'name="value" value="95"' in page  # what was typed is kept in the form
    assert IndicatorValue.objects.get(indicator=indicator, measured_on=JAN).value == "80"

    # The form now carries a fresh token: sending it again overwrites knowingly.
    fresh = int(re.search(r'name="seen" value="(\d+)"', page).group(1))
    assert save(second, indicator, fresh, "95").status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, measured_on=JAN)
    assert value.value == "95"
    assert [h.value for h in value.history.order_by("history_id")] == ["80", "95"]


def test_a_changed_existing_value_is_not_overwritten(program, two_people):
    first, second = two_people
    indicator = program.indicators.get(number="1")
    save(first, indicator, open_page(first, indicator), "50")  # the value both will edit
    seen_first, seen_second = open_page(first, indicator), open_page(second, indicator)
    save(first, indicator, seen_first, "60")
    refused = save(second, indicator, seen_second, "70")
    assert "ваше значение: «70»" in refused.content.decode()
    assert IndicatorValue.objects.get(indicator=indicator, measured_on=JAN).value == "60"


def test_values_on_other_dates_do_not_conflict(program, two_people):
    first, second = two_people
    indicator = program.indicators.get(number="1")
    seen_first, seen_second = open_page(first, indicator), open_page(second, indicator)
    save(first, indicator, seen_first, "80", date="01.01.2024")
    assert save(second, indicator, seen_second, "90", date="01.06.2024").status_code == 302
    assert set(indicator.values.values_list("value", flat=True)) >= {"80", "90"}


def test_a_value_saved_without_a_token_skips_the_check(program, cast):
    """Documents and commands load values without a form."""
    indicator = program.indicators.get(number="1")
    user = cast["coordinator_a"]
    seen = locking.edit_token(IndicatorValue)
    common = {"indicator": indicator, "user": user, "measured_on": JAN, "evidence_link": ""}
    indicator_value_save(**common, value="1", seen=seen)
    with pytest.raises(locking.EditConflict):
        indicator_value_save(**common, value="2", seen=seen)
    indicator_value_save(**common, value="3")
    assert indicator.values.get(measured_on=JAN).value == "3"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_keep_exactly_one(program, two_people, tmp_path):
    """Both forms carry the same token and arrive together: one is saved, the other gets the
    conflict message (once a 500: SQLite refused the second writer with «database is
    locked»)."""
    first, second = two_people
    indicator = program.indicators.get(number="1")
    seen = open_page(first, indicator)
    with database_file(tmp_path):
        outcomes = at_once(
            lambda: save(first, indicator, seen, "80"), lambda: save(second, indicator, seen, "95")
        )
        saved = IndicatorValue.objects.get(indicator=indicator, measured_on=JAN).value
    assert sorted(str(getattr(o, "status_code", o)) for o in outcomes) == ["200", "302"]
    refused = next(o for o in outcomes if o.status_code == 200).content.decode()
    assert "обновите страницу; ваше значение:" in refused
    assert saved == ("80" if outcomes[0].status_code == 302 else "95")
