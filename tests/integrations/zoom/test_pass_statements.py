"""The statements a meeting pass makes, pinned: each is CPU in the worker (docs/performance.md)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integrations.zoom.meeting_fixtures import unpaced  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_pass
from tests.support.zoom import connect

# A later create of the day: the claim (candidates, compare-and-swap), the link, co-hosts, live
# connections, policy, create intent, tokens, the host's daily unit, the account's call slot (a
# locked read and a write, in a transaction: its savepoint's two statements in a test), the call
# record, the meeting saved, clients, registrations, the result, and the link emails (session, join
# links, waiting emails released, last emails). PostgreSQL claims in a transaction of its own (two
# more). The first create of the day also makes the host's ledger row and the first call of an
# account its slot row (three statements each, with a savepoint). Before the worker's fourth round
# (docs/performance.md): 35 and 29 on SQLite, 37 and 31 on PostgreSQL (the connection read three
# more times, the organisation's and members' connections in two queries, and the slot's row
# fetched before being locked, in a transaction of its own).
FIRST = {"sqlite": 28, "postgresql": 30}
LATER = {"sqlite": 22, "postgresql": 24}


def test_a_create_makes_the_statements_pinned_here(zoom, consultant, lesson, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 1000  # paced, as in production
    connect(zoom.http, consultant, "carla@zoom.acme.test")
    zoom_session(consultant, lesson, title="First")
    with CaptureQueriesContext(connection) as first:
        assert run_worker_pass() == 1
    zoom_session(consultant, lesson, title="Second")
    with CaptureQueriesContext(connection) as later:
        assert run_worker_pass() == 1
    assert len(first.captured_queries) == FIRST[connection.vendor]
    assert len(later.captured_queries) == LATER[connection.vendor]
