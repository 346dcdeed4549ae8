"""The Zoom provider against the emulator over HTTP: each lifecycle path, and exactly the calls it makes."""

import datetime as dt
import re

from sessiondesk.integrations.zoom.models import MeetingPolicy
from sessiondesk.meetings import providers
from sessiondesk.meetings.models import LinkState
from sessiondesk.scheduling.models import Provider, SessionStatus
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import change, zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
DEV = "dev@zoom.acme.test"
ADAM = "adam@zoom.acme.test"


def test_it_creates_the_meeting_in_the_consultants_zoom(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    assert run_worker_until_idle() == 1
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    assert meeting.host_id == zoom.users[CARLA]
    assert (meeting.topic, meeting.type, meeting.duration, meeting.timezone) == (
        "Algebra lesson", 2, 60, "America/New_York",
    )  # fmt: skip
    assert meeting.start_time == session.start.timestamp()
    assert meeting.agenda.startswith("Chapter 3: quadratic equations\n\nSessionDesk ref: ")
    assert (meeting.settings["waiting_room"], meeting.settings["join_before_host"]) == (True, False)
    assert meeting.settings["auto_recording"] == "none"
    assert re.fullmatch(r"[A-Za-z0-9]{10}", meeting.password)
    link = link_of(session)
    assert (link.state, link.external_id, link.passcode) == (
        LinkState.ACTIVE,
        str(meeting.id),
        meeting.password,
    )
    assert link.join_url == f"http://zoom.test/j/{meeting.id}?pwd={link.join_url.split('pwd=')[1]}"
    assert link.start_url.startswith(f"http://zoom.test/s/{meeting.id}?zak=")
    assert link.host_label == f"{consultant.name} ({CARLA})"
    assert (link.host_member_id, link.create_intent, link.applied_version) == (consultant.pk, "", 1)


def test_it_sends_start_time_in_utc_with_z_and_the_organisations_policy(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    MeetingPolicy.objects.create(
        org=consultant.org, waiting_room=False, join_before_host=True, auto_recording="cloud"
    )
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    payload = providers.get("zoom").build_payload(session)
    assert payload["meeting"]["start_time"] == session.start.strftime("%Y-%m-%dT%H:%M:00Z")
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert meeting.settings["waiting_room"] is False
    assert meeting.settings["join_before_host"] is True
    assert meeting.settings["auto_recording"] == "cloud"


def test_a_save_that_changes_nothing_makes_no_call(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    clear_log(zoom)
    change(session, title="Algebra lesson")
    assert run_worker_until_idle() == 1
    assert calls(zoom) == []
    assert link_of(session).state == LinkState.ACTIVE


def test_a_reschedule_and_rename_patch_the_same_meeting_once(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    before = link_of(session)
    clear_log(zoom)
    change(session, title="Algebra, part 2")
    change(
        session,
        start=session.start + dt.timedelta(hours=3),
        end=session.end + dt.timedelta(hours=3),
    )
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("PATCH", f"/v2/meetings/{before.external_id}", 204)]
    assert (meeting.topic, meeting.start_time) == ("Algebra, part 2", session.start.timestamp())
    after = link_of(session)
    assert (after.external_id, after.join_url, after.passcode) == (
        before.external_id,
        before.join_url,
        before.passcode,
    )
    assert after.applied_version == after.desired_version == 3


def test_cancelling_deletes_the_meeting(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    meeting_id = link_of(session).external_id
    clear_log(zoom)
    change(session, status=SessionStatus.CANCELLED)
    run_worker_until_idle()
    assert calls(zoom) == [("DELETE", f"/v2/meetings/{meeting_id}", 204)]
    assert live_meetings(zoom) == []
    link = link_of(session)
    assert (link.state, link.external_id, link.join_url) == (LinkState.DELETED, "", "")


def test_a_meeting_already_gone_counts_as_deleted(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    link = link_of(session)
    zoom.app.state.meetings[int(link.external_id)].deleted_at = 1.0
    clear_log(zoom)
    change(session, provider=Provider.NONE)
    run_worker_until_idle()
    assert calls(zoom) == [("DELETE", f"/v2/meetings/{link.external_id}", 404)]
    assert link_of(session).state == LinkState.DELETED


def test_a_new_consultant_moves_the_meeting_to_their_zoom(zoom, consultant, consultant2, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    old = link_of(session)
    clear_log(zoom)
    change(session, consultant=consultant2)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("DELETE", f"/v2/meetings/{old.external_id}", 204),
    ]
    assert meeting.host_id == zoom.users[DEV]
    new = link_of(session)
    assert (new.external_id, new.state, new.create_intent) == (str(meeting.id), LinkState.ACTIVE, "")
    assert new.passcode == old.passcode == meeting.password
    assert new.host_member_id == consultant2.pk
    assert new.join_url != old.join_url


def test_the_organisation_account_hosts_for_an_unlinked_consultant_as_the_admin(
    zoom, admin, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, admin, ADAM, kind="organization")
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", f"/v2/users/{zoom.users[ADAM]}/meetings", 201)]
    assert meeting.host_id == zoom.users[ADAM]
    link = link_of(session)
    assert link.host_label == f"{admin.name} ({ADAM}) for {consultant.name}"
    assert link.host_member_id == admin.pk


def test_the_organisation_account_hosts_as_the_consultants_linked_zoom_user(
    zoom, admin, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, admin, ADAM, kind="organization")
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", f"/v2/users/{zoom.users[CARLA]}/meetings", 201)]
    assert meeting.host_id == zoom.users[CARLA]
    assert link_of(session).host_member_id == consultant.pk


def test_without_any_connection_it_is_blocked_with_the_remedy_and_calls_nobody(
    zoom, consultant, staff, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, staff, ADAM)  # the booker's Zoom is never used
    session = zoom_session(consultant, lesson, booked_by=staff)
    run_worker_until_idle()
    assert calls(zoom) == []
    assert live_meetings(zoom) == []
    link = link_of(session)
    assert (link.state, link.remedy) == (LinkState.BLOCKED, f"{consultant.name} must connect Zoom")


def test_a_collective_session_names_the_other_members_as_alternative_hosts(  # type: ignore[no-untyped-def]
    zoom, admin, consultant, consultant2, lesson
) -> None:
    connect(zoom.http, admin, ADAM, kind="organization")
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = zoom_session(consultant, lesson)
    session.co_hosts.add(consultant2)
    change(session)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", f"/v2/users/{zoom.users[CARLA]}/meetings", 201)]
    assert meeting.host_id == zoom.users[CARLA]
    assert meeting.settings["alternative_hosts"] == DEV
