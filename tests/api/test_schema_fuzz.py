"""schemathesis drives every operation of the schema with generated input: no answer is a 5xx
and every answer matches the schema, for a coordinator's key over a small municipality."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from opora.api.services import token_issue
from opora.assessments.services import result_import

RESULTS = """school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5
a1,2023,ВПР,math,5,26,9,10,5,2
a2,2023,ОГЭ,rus,9,10,3,4,2,1
"""


@pytest.fixture
def api_schema(db, cast, school_a1, school_a2):
    result_import(content=RESULTS.encode(), filename="r.csv", imported_by=None)
    # Django closes the connection after each request; inside a test that would end the test's
    # transaction (on PostgreSQL), so the WSGI calls leave it open, as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(cast):
    return token_issue(user=cast["coordinator_a"], name="fuzz")[1]


def test_no_operation_fails_or_breaks_its_schema(api_schema, key):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples on every run: CI reproduces what it found
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"},
                # A well-formed request may still break a rule the schema cannot state (a file's
                # contents, «каждая школа» needs a school): a 400 naming it is the right answer.
                excluded_checks=[positive_data_acceptance],
            )

        call()
