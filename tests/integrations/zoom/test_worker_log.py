"""What the worker's log says while it makes Zoom meetings: each failure with its remedy, each retry
with its delay, each takeover and each adoption, one line each, and never a token, join link or
passcode (in plain text or JSON)."""

import datetime as dt
import json
import logging
import random

import httpx
import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import reconnect
from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.meetings import reconciler
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.meetings.reconciler import reconcile_due
from sessiondesk.ops.logs import JsonFormatter, PlainFormatter
from sessiondesk.scheduling.actions import SessionDraft, schedule_session
from sessiondesk.scheduling.models import Provider, Session
from sessiondesk.scheduling.recurrence import Repeat
from tests.integrations.zoom.meeting_fixtures import due_now, link_of, live_meetings, unpaced  # noqa: F401
from tests.support.sessions import change, zoom_session
from tests.support.worker import OWNER, run_worker_pass, run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
DEV = "dev@zoom.acme.test"
RETRY = "Remedy: Zoom did not answer properly; SessionDesk tries again shortly."


@pytest.fixture
def worker_log(caplog, monkeypatch):  # type: ignore[no-untyped-def]
    """The worker's records at INFO, with the backoff's jitter pinned to its middle (retry 1: 1.5 s)."""
    monkeypatch.setattr(random, "random", lambda: 0.5)
    caplog.set_level(logging.INFO, logger="sessiondesk")
    return caplog


def lines(caplog) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(r.name, r.levelname, r.getMessage()) for r in caplog.records]


def fault(zoom, **spec) -> None:  # type: ignore[no-untyped-def]
    assert zoom.http.post("/_emulator/faults", json={"count": 1, **spec}).status_code == 201


def assert_no_secrets(caplog, session: Session) -> None:  # type: ignore[no-untyped-def]
    """Neither the plain nor the JSON lines hold a Zoom token, the join or start link, or the passcode."""
    link = link_of(session)
    secrets = {link.join_url, link.start_url, link.passcode}
    for connection in ZoomConnection.objects.all():
        secrets |= {connection.tokens.access_token, connection.tokens.refresh_token}
    assert "" not in secrets
    written = [
        f(record) for record in caplog.records for f in (PlainFormatter().format, JsonFormatter().format)
    ]
    assert [secret for secret in secrets if any(secret in line for line in written)] == []


def prefix(session: Session) -> str:
    return f"meeting link {link_of(session).pk} (session {session.pk}): "


@pytest.mark.parametrize(
    ("spec", "failure"),
    [
        ({"kind": "error", "status": 503}, "Zoom: Service Unavailable"),
        ({"kind": "timeout"}, "Zoom: ReadTimeout: timed out (injected by the Zoom emulator)"),
    ],
    ids=["503", "timeout"],
)
def test_a_transient_create_failure_is_one_line_with_its_retry_and_remedy_and_the_retry_one_more(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson, worker_log, spec, failure
) -> None:
    connect(zoom.http, consultant, CARLA)
    fault(zoom, path="/v2/users/*/meetings", methods=["POST"], **spec)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "WARNING",
            f"{prefix(session)}zoom create failed: {failure}; retry 1 in 1.5 s. {RETRY}",
        )
    ]
    due_now(session)
    run_worker_until_idle()
    assert lines(worker_log)[1:] == [("sessiondesk.meetings", "INFO", f"{prefix(session)}retry 1 succeeded")]
    assert len(live_meetings(zoom)) == 1
    assert_no_secrets(worker_log, session)


def test_the_json_line_of_a_retry_carries_the_link_and_session_for_filtering(
    zoom, consultant, lesson, worker_log
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    fault(zoom, kind="error", status=503, path="/v2/users/*/meetings", methods=["POST"])
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [record] = worker_log.records
    entry = json.loads(JsonFormatter().format(record))
    del entry["time"]
    assert entry == {
        "level": "WARNING",
        "logger": "sessiondesk.meetings",
        "message": f"{prefix(session)}zoom create failed: Zoom: Service Unavailable; retry 1 in 1.5 s. {RETRY}",
        "link_id": link_of(session).pk,
        "session_id": session.pk,
        "operation": "create",
        "attempt": 1,
        "retry_in_seconds": 1.5,
    }


def test_a_permanent_failure_is_one_line_with_the_remedy_and_no_retry(
    zoom, consultant, lesson, worker_log
) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    token = connection.tokens.access_token
    assert zoom.http.post("/_emulator/tokens/revoke", json={"token": token}).status_code in (200, 204)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "WARNING",
            f"{prefix(session)}zoom create failed: Invalid access token; stopped until someone acts. "
            f"Remedy: {reconnect.REMEDY}",
        )
    ]


def test_an_answer_lost_after_zoom_created_the_meeting_is_one_retry_line_and_one_adoption_line(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson, worker_log
) -> None:
    connect(zoom.http, consultant, CARLA)
    fault(zoom, kind="timeout", path="/v2/users/*/meetings", methods=["POST"], phase="after")
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [made] = live_meetings(zoom)
    due_now(session)
    run_worker_until_idle()
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "WARNING",
            f"{prefix(session)}zoom create failed: Zoom: ReadTimeout: timed out (injected by the Zoom emulator); "
            f"retry 1 in 1.5 s. {RETRY}",
        ),
        (
            "sessiondesk.meetings",
            "INFO",
            f"{prefix(session)}adopted Zoom meeting {made.id}, which an earlier pass created but never saved "
            "(its answer was lost or the pass stopped)",
        ),
        ("sessiondesk.meetings", "INFO", f"{prefix(session)}retry 1 succeeded"),
    ]
    assert worker_log.records[1].meeting_id == str(made.id)
    assert [m.id for m in live_meetings(zoom)] == [made.id]
    assert_no_secrets(worker_log, session)


class WorkerDied(BaseException):
    """Like SIGKILL: nothing after this point runs, no handler records anything."""


def test_a_link_left_by_a_killed_worker_is_one_takeover_line_and_one_adoption_line(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson, worker_log, monkeypatch
) -> None:
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(reconciler, "_keep", die)
        with pytest.raises(WorkerDied):
            run_worker_until_idle()
    [made] = live_meetings(zoom)
    expired = timezone.now().replace(microsecond=0) - dt.timedelta(seconds=1)
    MeetingLink.objects.filter(session=session).update(lease_until=expired)
    assert lines(worker_log) == []
    assert reconcile_due(50, "worker-2") == 1
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "WARNING",
            f"{prefix(session)}taken over from worker {OWNER}, whose lease ran out at "
            f"{expired.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC without a result (it stopped, hung or lost the "
            "database); an unfinished create is looked for before anything is made again",
        ),
        (
            "sessiondesk.meetings",
            "INFO",
            f"{prefix(session)}adopted Zoom meeting {made.id}, which an earlier pass created but never saved "
            "(its answer was lost or the pass stopped)",
        ),
    ]
    assert [m.id for m in live_meetings(zoom)] == [made.id]
    assert_no_secrets(worker_log, session)


def test_a_worker_taking_up_its_own_expired_lease_is_no_takeover(
    zoom, consultant, lesson, worker_log
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    MeetingLink.objects.filter(session=session).update(
        lease_owner=OWNER, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert run_worker_until_idle() == 1
    assert lines(worker_log) == []


def test_a_meeting_made_for_a_host_the_session_no_longer_has_is_one_deletion_line(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson, worker_log
) -> None:
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    fault(zoom, kind="timeout", path="/v2/users/*/meetings", methods=["POST"], phase="after")
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [lost] = live_meetings(zoom)
    change(session, consultant=consultant2)
    run_worker_until_idle()
    assert lines(worker_log)[1:] == [
        (
            "sessiondesk.meetings",
            "INFO",
            f"{prefix(session)}deleted Zoom meeting {lost.id}, which an earlier pass created but never saved, "
            "for a host or a session the link no longer has",
        ),
    ]
    [meeting] = live_meetings(zoom)
    assert meeting.id != lost.id


def test_zooms_daily_limit_is_one_line_saying_until_when_the_link_waits(
    zoom, consultant, lesson, worker_log
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    assert zoom.http.put("/_emulator/ratelimits", json={"daily_meeting_limit": 0}).status_code == 200
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "INFO",
            f"{prefix(session)}waits until {tomorrow:%Y-%m-%d} 00:00:01 UTC: Zoom daily limit reached, continues "
            "at 00:00 UTC. Remedy: Nothing to do: SessionDesk carries on by itself when Zoom's day starts again.",
        )
    ]


def test_occurrences_beyond_the_horizon_wait_without_a_line(zoom, consultant, lesson, worker_log) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    first = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    draft = SessionDraft(
        title="Weekly algebra", start=first, end=first + dt.timedelta(hours=1), session_type=lesson,
        consultant=consultant, is_online=True, provider=Provider.ZOOM,
    )  # fmt: skip
    schedule_session(consultant.org, draft, actor=consultant, repeat=Repeat(count=6))
    assert run_worker_until_idle() == 6
    states = MeetingLink.objects.order_by("session__start").values_list("state", flat=True)
    assert list(states) == [LinkState.ACTIVE] * 5 + [LinkState.WAITING]
    assert lines(worker_log) == []  # a planned wait, not a failure: DEBUG only


class RenameDuringCreate(httpx.BaseTransport):
    """Zoom over HTTP; while it answers the create, someone renames the session."""

    def __init__(self, zoom, session) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.session = httpx.WSGITransport(app=zoom.app), session

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/meetings"):
            change(self.session, title="Renamed")
        return self.inner.handle_request(request)


def test_a_failure_while_the_session_changed_says_the_change_is_tried_at_once(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson, worker_log
) -> None:
    connect(zoom.http, consultant, CARLA)
    fault(zoom, kind="error", status=503, path="/v2/users/*/meetings", methods=["POST"])
    session = zoom_session(consultant, lesson)
    with client.use_transport(RenameDuringCreate(zoom, session)):
        run_worker_pass()
    assert lines(worker_log) == [
        (
            "sessiondesk.meetings",
            "WARNING",
            f"{prefix(session)}zoom create failed: Zoom: Service Unavailable; the session changed meanwhile, so the "
            "change is tried again at once",
        )
    ]
    link = link_of(session)
    assert (link.state, link.attempts, link.lease_owner) == (LinkState.PENDING, 0, "")
