"""Loading a program document (its orders, goals, indicators and roadmap) is the
municipality's: the services check their user themselves, as the pages' services do. The
console operator (user None, the demo) loads any municipality's documents."""

import pytest
from django.core.exceptions import PermissionDenied

from opora.programs.models import Order, Program
from opora.programs.services import orders_save, program_create_from_document
from tests.programs.test_programs import DOCUMENT, ORDERS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "outsider", ["coordinator_b", "methodist_a", "observer_b", "school_team_a1"]
)
def test_only_who_manages_the_municipality_loads_its_documents(cast, municipality_a, outsider):
    with pytest.raises(PermissionDenied):
        orders_save(user=cast[outsider], municipality=municipality_a, orders=ORDERS)
    with pytest.raises(PermissionDenied):
        program_create_from_document(
            user=cast[outsider], municipality=municipality_a, data=DOCUMENT, orders={}
        )
    assert not Order.objects.exists() and not Program.objects.exists()


def test_the_coordinator_loads_the_municipality_s_document(cast, municipality_a):
    orders = orders_save(user=cast["coordinator_a"], municipality=municipality_a, orders=ORDERS)
    program = program_create_from_document(
        user=cast["coordinator_a"], municipality=municipality_a, data=DOCUMENT, orders=orders
    )
    assert program.order.number == "116"
