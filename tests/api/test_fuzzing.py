"""API fuzzing from the OpenAPI document: schemathesis generates requests for every operation (valid
and invalid bodies, parameters and ids), authenticated with an API token. No request may end in a
5xx. Bounded: a fixed number of examples per operation, no per-example deadline."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from sessiondesk.accounts.tokens import create_token
from sessiondesk.scheduling.models import Calendar
from sessiondesk.wsgi import application
from tests.api.conftest import future, schedule

EXAMPLES_PER_OPERATION = 20

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_test_transaction():
    """Requests go straight to the WSGI app, so keep it from closing the test's database connection
    after each one (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_test_transaction, owner, consultant, student, lesson):
    """An owner's token, with something to find: a calendar, a client and a session."""
    Calendar.objects.create(org=owner.org, name="Maths", slug="maths", session_type=lesson).members.set(
        [consultant]
    )
    schedule(consultant, "Algebra", future(3, 10), clients=[student])
    _, raw = create_token(owner, "fuzzing")
    return raw


def test_the_schema_covers_every_operation():
    assert len(list(schema.get_all_operations())) == 30


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_request_gets_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:500])
