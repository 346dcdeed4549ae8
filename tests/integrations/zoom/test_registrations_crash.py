"""Crash-safe registration: whatever instant a pass dies, each client is registered once and keeps
one link (run on SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.meetings import registrations
from sessiondesk.meetings.models import MeetingLink, Registration, RegistrationState
from sessiondesk.scheduling.models import Client, Session
from tests.integrations.zoom.meeting_fixtures import calls, clear_log, live_meetings, unpaced  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"


class WorkerDied(BaseException):
    """Like SIGKILL: nothing after this point runs, no handler records anything."""


@pytest.fixture
def ana(org) -> Client:  # type: ignore[no-untyped-def]
    return Client.objects.create(
        org=org, name="Ana Lopez", email="ana@example.test", timezone="Europe/Madrid"
    )


def booked(consultant, lesson, *people: Client) -> Session:  # type: ignore[no-untyped-def]
    session = zoom_session(consultant, lesson)
    session.clients.add(*people)
    return session


def die(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise WorkerDied


def lease_expires(session: Session) -> None:
    MeetingLink.objects.filter(session=session).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1), next_attempt_at=timezone.now()
    )


def zoom_registrants(zoom) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return sorted((r.email, r.id, r.status) for r in zoom.app.state.registrants.values())


def test_a_worker_killed_after_zoom_registered_sends_nothing_twice(
    zoom, consultant, lesson, student, ana, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student, ana)
    with monkeypatch.context() as patch:
        patch.setattr(registrations.Sync, "_registered", die)
        with pytest.raises(WorkerDied):
            run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    made = zoom_registrants(zoom)
    assert len(made) == 2
    assert set(Registration.objects.values_list("intent", flat=True)) == {str(meeting.id)}
    clear_log(zoom)
    lease_expires(session)
    assert run_worker_until_idle() == 1
    assert calls(zoom) == [("GET", f"/v2/meetings/{meeting.id}/registrants", 200)]
    assert zoom_registrants(zoom) == made
    saved = sorted(Registration.objects.values_list("client__email", "registrant_id", "state", "intent"))
    assert saved == [(email, rid, RegistrationState.REGISTERED, "") for email, rid, _ in made]
    # One registration request per client reached Zoom (it allows three a day).
    assert sorted(zoom.app.state.registration_requests.values()) == [1, 1]


def test_a_lost_registration_answer_is_adopted_not_repeated(zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    fault = {
        "count": 1,
        "kind": "timeout",
        "path": "/v2/meetings/*/registrants",
        "methods": ["POST"],
        "phase": "after",
    }
    assert zoom.http.post("/_emulator/faults", json=fault).status_code == 201
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    row = Registration.objects.get(session=session)
    assert (row.state, row.intent) == (RegistrationState.PENDING, str(meeting.id))
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("POST", f"/v2/meetings/{meeting.id}/registrants", None),  # done at Zoom, answer lost
        ("GET", f"/v2/meetings/{meeting.id}/registrants", 200),
    ]
    [(_email, rid, _status)] = zoom_registrants(zoom)
    row.refresh_from_db()
    assert (row.state, row.registrant_id, row.intent) == (RegistrationState.REGISTERED, rid, "")


def test_a_worker_killed_before_the_call_registers_once_on_the_next_pass(
    zoom, consultant, lesson, student, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    real = registrations.Sync._commit_intent

    def commit_then_die(self, rows):  # type: ignore[no-untyped-def]
        real(self, rows)
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(registrations.Sync, "_commit_intent", commit_then_die)
        with pytest.raises(WorkerDied):
            run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert zoom_registrants(zoom) == []
    clear_log(zoom)
    lease_expires(session)
    run_worker_until_idle()
    assert calls(zoom) == [
        ("GET", f"/v2/meetings/{meeting.id}/registrants", 200),
        ("POST", f"/v2/meetings/{meeting.id}/registrants", 201),
    ]
    assert len(zoom_registrants(zoom)) == 1
    assert Registration.objects.get(session=session).state == RegistrationState.REGISTERED


def test_a_worker_that_lost_its_lease_registers_nobody(
    zoom, consultant, lesson, student, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    real = registrations.Sync._commit_intent

    def taken_over_first(self, rows):  # type: ignore[no-untyped-def]
        MeetingLink.objects.filter(session=session).update(lease_owner="worker-2")
        real(self, rows)

    with monkeypatch.context() as patch:
        patch.setattr(registrations.Sync, "_commit_intent", taken_over_first)
        run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    assert zoom_registrants(zoom) == []
    row = Registration.objects.get(session=session)
    assert (row.state, row.intent) == (RegistrationState.PENDING, "")
    assert str(meeting.id) == MeetingLink.objects.get(session=session).external_id
