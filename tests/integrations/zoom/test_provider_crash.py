"""Crash-safe creation and moves: whatever instant a pass dies, Zoom ends with exactly one meeting."""

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom import client
from sessiondesk.meetings import reconciler
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import SessionStatus
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    due_now,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import change, zoom_session
from tests.support.worker import run_worker_pass, run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
DEV = "dev@zoom.acme.test"


def fault(zoom, **spec) -> None:  # type: ignore[no-untyped-def]
    assert zoom.http.post("/_emulator/faults", json={"count": 1, **spec}).status_code == 201


def test_an_answer_lost_after_zoom_created_the_meeting_is_adopted_not_repeated(
    zoom, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    # Zoom creates the meeting, then the answer never arrives: as if the worker died before saving.
    fault(zoom, kind="timeout", path="/v2/users/*/meetings", methods=["POST"], phase="after")
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    first = link_of(session)
    assert (first.state, first.external_id) == (LinkState.PENDING, "")
    assert first.create_intent != ""
    [made] = live_meetings(zoom)
    assert made.agenda.endswith(f"SessionDesk ref: {first.create_intent}")
    due_now(session)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert meeting.id == made.id
    # The marker stays: had this pass died before saving the id, the next would still find it.
    assert meeting.agenda == f"Chapter 3: quadratic equations\n\nSessionDesk ref: {first.create_intent}"
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", None),  # done at Zoom, answer lost (no status)
        ("GET", "/v2/users/me/meetings", 200),
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
        ("GET", f"/v2/meetings/{meeting.id}", 200),
    ]
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent) == (LinkState.ACTIVE, str(meeting.id), "")
    assert (link.passcode, link.join_url != "", link.start_url != "") == (meeting.password, True, True)


def test_an_intent_whose_create_never_reached_zoom_creates_once(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    fault(zoom, kind="error", status=503, path="/v2/users/*/meetings", methods=["POST"], phase="before")
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert live_meetings(zoom) == []
    clear_log(zoom)
    due_now(session)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("GET", "/v2/users/me/meetings", 200), ("POST", "/v2/users/me/meetings", 201)]
    assert link_of(session).external_id == str(meeting.id)


def test_a_move_that_died_before_deleting_the_old_meeting_finishes_without_a_second_create(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    old = link_of(session).external_id
    fault(zoom, kind="error", status=503, path="/v2/meetings/*", methods=["DELETE"])
    change(session, consultant=consultant2)
    run_worker_until_idle()
    assert len(live_meetings(zoom)) == 2
    assert link_of(session).create_intent == f"move-{link_of(session).pk}-{old}"
    clear_log(zoom)
    due_now(session)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert meeting.host_id == zoom.users[DEV]
    assert calls(zoom) == [
        ("GET", "/v2/users/me/meetings", 200),
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
        ("GET", f"/v2/meetings/{meeting.id}", 200),
        ("DELETE", f"/v2/meetings/{old}", 204),
    ]
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent) == (LinkState.ACTIVE, str(meeting.id), "")


class WorkerDied(BaseException):
    """Like SIGKILL: nothing after this point runs, no handler records anything."""


def test_a_worker_killed_after_zoom_answered_leaves_one_meeting_once_its_lease_expires(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson, monkeypatch
) -> None:
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(reconciler, "_keep", die)
        with pytest.raises(WorkerDied):
            run_worker_until_idle()
    link = link_of(session)
    assert (link.external_id, link.lease_owner != "", len(live_meetings(zoom))) == ("", True, 1)
    assert run_worker_until_idle() == 0  # still leased by the dead worker
    MeetingLink.objects.filter(pk=link.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    clear_log(zoom)
    assert run_worker_until_idle() == 1
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("GET", "/v2/users/me/meetings", 200),
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
        ("GET", f"/v2/meetings/{meeting.id}", 200),
    ]
    link = link_of(session)
    assert (link.state, link.external_id) == (LinkState.ACTIVE, str(meeting.id))


def lose_the_create_answer(zoom) -> None:  # type: ignore[no-untyped-def]
    fault(zoom, kind="timeout", path="/v2/users/*/meetings", methods=["POST"], phase="after")


def test_a_meeting_made_for_the_old_host_by_an_unresolved_create_is_deleted_when_the_consultant_changes(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    lose_the_create_answer(zoom)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [lost] = live_meetings(zoom)
    assert lost.host_id == zoom.users[CARLA]
    change(session, consultant=consultant2)
    clear_log(zoom)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert (meeting.host_id, meeting.id != lost.id) == (zoom.users[DEV], True)
    assert calls(zoom) == [
        ("GET", "/v2/users/me/meetings", 200),  # Carla's meetings: where the lost create went
        ("DELETE", f"/v2/meetings/{lost.id}", 204),
        ("POST", "/v2/users/me/meetings", 201),  # for Dev
    ]
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent, link.intent_payload) == (
        LinkState.ACTIVE, str(meeting.id), "", None,
    )  # fmt: skip


def test_a_meeting_made_by_an_unresolved_create_is_deleted_when_the_session_is_cancelled(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    lose_the_create_answer(zoom)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [lost] = live_meetings(zoom)
    change(session, status=SessionStatus.CANCELLED)
    clear_log(zoom)
    run_worker_until_idle()
    assert live_meetings(zoom) == []
    assert calls(zoom) == [("GET", "/v2/users/me/meetings", 200), ("DELETE", f"/v2/meetings/{lost.id}", 204)]
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent) == (LinkState.DELETED, "", "")


class CancelDuringCreate(httpx.BaseTransport):
    """Zoom over HTTP; while it carries out the create, another request cancels the session."""

    def __init__(self, zoom, session) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.session = httpx.WSGITransport(app=zoom.app), session

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/meetings"):
            change(self.session, status=SessionStatus.CANCELLED)
        return response


def test_a_cancel_while_the_create_is_in_flight_deletes_the_meeting_next_pass(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    with client.use_transport(CancelDuringCreate(zoom, session)):
        run_worker_pass()
    [made] = live_meetings(zoom)
    link = link_of(session)
    assert (link.state, link.external_id, link.is_dirty) == (LinkState.PENDING, str(made.id), True)
    clear_log(zoom)
    run_worker_until_idle()
    assert live_meetings(zoom) == []
    assert calls(zoom) == [("DELETE", f"/v2/meetings/{made.id}", 204)]
    assert link_of(session).state == LinkState.DELETED


def test_an_update_whose_answer_was_lost_is_sent_again_even_if_the_session_changes_back(  # type: ignore[no-untyped-def]
    zoom, consultant, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    start = session.start
    fault(zoom, kind="timeout", path="/v2/meetings/*", methods=["PATCH"], phase="after")
    change(session, start=start + dt.timedelta(hours=1), end=start + dt.timedelta(hours=2))
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert meeting.start_time == (start + dt.timedelta(hours=1)).timestamp()  # Zoom did it
    change(session, start=start, end=start + dt.timedelta(hours=1))  # back to what was applied
    due_now(session)
    clear_log(zoom)
    run_worker_until_idle()
    assert calls(zoom) == [("PATCH", f"/v2/meetings/{meeting.id}", 204)]
    assert live_meetings(zoom)[0].start_time == start.timestamp()


def test_a_move_that_died_is_undone_when_the_consultant_changes_back(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    old = link_of(session).external_id
    fault(zoom, kind="error", status=503, path="/v2/meetings/*", methods=["DELETE"])
    change(session, consultant=consultant2)
    run_worker_until_idle()
    [replacement] = [m for m in live_meetings(zoom) if str(m.id) != old]
    change(session, consultant=consultant)
    due_now(session)
    clear_log(zoom)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert str(meeting.id) == old  # the link attendees have stays
    assert calls(zoom) == [
        ("GET", "/v2/users/me/meetings", 200),  # Dev's meetings: where the move went
        ("DELETE", f"/v2/meetings/{replacement.id}", 204),
        ("GET", f"/v2/meetings/{old}", 200),  # the old meeting is still there
    ]
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent) == (LinkState.ACTIVE, old, "")


def test_a_move_that_deleted_the_old_meeting_before_dying_gets_a_new_one_when_the_consultant_changes_back(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson
) -> None:
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    old = link_of(session).external_id
    fault(zoom, kind="timeout", path="/v2/meetings/*", methods=["DELETE"], phase="after")
    change(session, consultant=consultant2)
    run_worker_until_idle()
    [replacement] = live_meetings(zoom)  # the old one is gone, the answer was lost
    change(session, consultant=consultant)
    due_now(session)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert (meeting.host_id, str(meeting.id) not in (old, str(replacement.id))) == (zoom.users[CARLA], True)
    link = link_of(session)
    assert (link.state, link.external_id, link.create_intent) == (LinkState.ACTIVE, str(meeting.id), "")
