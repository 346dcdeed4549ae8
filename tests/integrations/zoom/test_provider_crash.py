"""Crash-safe creation and moves: whatever instant a pass dies, Zoom ends with exactly one meeting."""

import datetime as dt

import pytest
from django.utils import timezone

from sessiondesk.meetings import reconciler
from sessiondesk.meetings.models import LinkState, MeetingLink
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    change,
    clear_log,
    connect,
    due_now,
    link_of,
    live_meetings,
    run_worker,
    unpaced,  # noqa: F401
    zoom_session,
)

CARLA = "carla@zoom.acme.test"
DEV = "dev@zoom.acme.test"


def fault(zoom, **spec) -> None:  # type: ignore[no-untyped-def]
    assert zoom.http.post("/_emulator/faults", json={"count": 1, **spec}).status_code == 201


def test_an_answer_lost_after_zoom_created_the_meeting_is_adopted_not_repeated(
    zoom, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom, consultant, CARLA)
    # Zoom creates the meeting, then the answer never arrives: as if the worker died before saving.
    fault(zoom, kind="timeout", path="/v2/users/*/meetings", methods=["POST"], phase="after")
    session = zoom_session(consultant, lesson)
    run_worker()
    first = link_of(session)
    assert (first.state, first.external_id) == (LinkState.PENDING, "")
    assert first.create_intent != ""
    [made] = live_meetings(zoom)
    assert made.agenda.endswith(f"SessionDesk ref: {first.create_intent}")
    due_now(session)
    run_worker()
    [meeting] = live_meetings(zoom)
    assert meeting.id == made.id
    assert meeting.agenda == "Chapter 3: quadratic equations"  # the marker has done its job
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
    connect(zoom, consultant, CARLA)
    fault(zoom, kind="error", status=503, path="/v2/users/*/meetings", methods=["POST"], phase="before")
    session = zoom_session(consultant, lesson)
    run_worker()
    assert live_meetings(zoom) == []
    clear_log(zoom)
    due_now(session)
    run_worker()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("GET", "/v2/users/me/meetings", 200), ("POST", "/v2/users/me/meetings", 201)]
    assert link_of(session).external_id == str(meeting.id)


def test_a_move_that_died_before_deleting_the_old_meeting_finishes_without_a_second_create(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson
) -> None:
    connect(zoom, consultant, CARLA)
    connect(zoom, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    run_worker()
    old = link_of(session).external_id
    fault(zoom, kind="error", status=503, path="/v2/meetings/*", methods=["DELETE"])
    change(session, consultant=consultant2)
    run_worker()
    assert len(live_meetings(zoom)) == 2
    assert link_of(session).create_intent == f"move-{link_of(session).pk}-{old}"
    clear_log(zoom)
    due_now(session)
    run_worker()
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
    connect(zoom, consultant, CARLA)
    session = zoom_session(consultant, lesson)

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(reconciler, "_succeeded", die)
        with pytest.raises(WorkerDied):
            run_worker()
    link = link_of(session)
    assert (link.external_id, link.lease_owner != "", len(live_meetings(zoom))) == ("", True, 1)
    assert run_worker() == 0  # still leased by the dead worker
    MeetingLink.objects.filter(pk=link.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    clear_log(zoom)
    assert run_worker() == 1
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("GET", "/v2/users/me/meetings", 200),
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
        ("GET", f"/v2/meetings/{meeting.id}", 200),
    ]
    link = link_of(session)
    assert (link.state, link.external_id) == (LinkState.ACTIVE, str(meeting.id))
