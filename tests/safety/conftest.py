import pytest


@pytest.fixture
def program(cast, municipality_a, school_a1, school_a2):
    """The programs app's test program: two indicators, three activities, one order."""
    from opora.programs.services import orders_save, program_create_from_document
    from tests.programs.test_programs import DOCUMENT, ORDERS

    orders = orders_save(user=None, municipality=municipality_a, orders=ORDERS)
    return program_create_from_document(
        user=None, municipality=municipality_a, data=DOCUMENT, orders=orders
    )
