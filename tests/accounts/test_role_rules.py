"""Role rules live in opora/accounts/permissions.py only: pages, selectors and templates ask its
named predicates, so a rule is stated once and a refusal answers the same way everywhere."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

OPORA = Path(__file__).resolve().parents[2] / "opora"
# `user.role == …`, `user.role in (…)` in Python and templates. (Listing the users of a role,
# `User.objects.filter(role=Role.CURATOR)`, asks nothing of the user at hand.)
HAND_WRITTEN = re.compile(r"\.role\s*(==|!=|in\b|not\s+in\b)")


def _checked_files():
    for pattern in ("**/views.py", "**/selectors.py", "**/context_processors.py", "**/*.html"):
        yield from OPORA.glob(pattern)


def test_no_page_selector_or_template_checks_a_role_by_hand():
    found = [
        f"{path.relative_to(OPORA)}:{number}: {line.strip()}"
        for path in _checked_files()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if HAND_WRITTEN.search(line)
    ]
    assert found == []


@pytest.mark.django_db
def test_an_observer_finds_the_region_summary_they_may_read(client, cast):
    """The observer may open the region's summary (for their municipalities): the monitoring
    home links to it, as it does for the region's operator, and not for a coordinator."""
    link = reverse("monitoring:region_dashboard")
    for username, shown in (
        ("observer_b", True),
        ("region_operator", True),
        ("coordinator_a", False),
    ):
        client.login(username=username, password=PASSWORD)
        page = client.get(reverse("monitoring:index")).content.decode()
        assert (link in page) == shown, username
        assert (client.get(link).status_code == 200) == shown, username
