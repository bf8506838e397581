import pytest
from django.utils import timezone

from opora.accounts.models import User


@pytest.mark.django_db
def test_logging_in_records_the_time_without_a_history_row(client, coordinator_a):
    coordinator_a.set_password("пароль-для-теста")
    coordinator_a.save()
    rows_before = coordinator_a.history.count()

    assert client.login(username=coordinator_a.username, password="пароль-для-теста")

    coordinator_a.refresh_from_db()
    assert coordinator_a.last_login is not None
    assert (timezone.now() - coordinator_a.last_login).total_seconds() < 60
    assert User.history.filter(id=coordinator_a.pk).count() == rows_before
