"""Personal links: each client is registered for the session's Zoom meeting and gets their own link,
through the emulator's real HTTP interface."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessiondesk.integrations.zoom.meetings import registrations as zoom_registrations
from sessiondesk.integrations.zoom.models import MeetingPolicy, ZoomConnection
from sessiondesk.meetings.models import LinkState, MeetingLink, Registration, RegistrationState
from sessiondesk.meetings.registrations import registration_for
from sessiondesk.notifications import actions as notify
from sessiondesk.scheduling.models import Client, Session
from tests.conftest import login
from tests.integrations.zoom.conftest import connect_through_pages
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


@pytest.fixture
def ana(org) -> Client:  # type: ignore[no-untyped-def]
    return Client.objects.create(
        org=org, name="Ana Lopez", email="ana@example.test", timezone="Europe/Madrid"
    )


def rows(session: Session) -> dict[str, Registration]:
    return {r.client.email: r for r in Registration.objects.filter(session=session).select_related("client")}


def registrants(zoom, meeting_id: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = zoom.app.state.registrants.values()
    return sorted((r.email, r.status) for r in found if str(r.meeting_id) == meeting_id)


def booked(consultant, lesson, *people: Client) -> Session:  # type: ignore[no-untyped-def]
    session = zoom_session(consultant, lesson)
    session.clients.add(*people)
    return session


def test_each_client_gets_their_own_link_in_one_batch_call(zoom, consultant, lesson, student, ana) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student, ana)
    assert run_worker_until_idle() == 1
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("POST", f"/v2/meetings/{meeting.id}/batch_registrants", 200),
    ]
    assert (meeting.settings["approval_type"], meeting.settings["registration_type"]) == (0, 1)
    found = rows(session)
    assert {r.state for r in found.values()} == {RegistrationState.REGISTERED}
    stu, an = found["stu@example.test"], found["ana@example.test"]
    assert stu.join_url != an.join_url
    assert stu.join_url.startswith(f"http://zoom.test/w/{meeting.id}?tk=")
    assert (stu.meeting_id, stu.intent) == (str(meeting.id), "")
    page = zoom.http.get(stu.join_url.removeprefix("http://zoom.test"))
    assert page.status_code == 200 and "Stu Student" in page.text
    assert registration_for(session.pk, stu.registrant_id) == student
    assert registration_for(session.pk, "someone-else") is None
    assert registrants(zoom, str(meeting.id)) == [
        ("ana@example.test", "approved"),
        ("stu@example.test", "approved"),
    ]


def test_one_client_is_registered_with_one_call(zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom)[1:] == [("POST", f"/v2/meetings/{meeting.id}/registrants", 201)]
    assert rows(session)["stu@example.test"].state == RegistrationState.REGISTERED


def test_adding_a_client_registers_them_and_removing_one_cancels(
    zoom, consultant, lesson, student, ana
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    first = rows(session)["stu@example.test"]
    clear_log(zoom)
    session.clients.add(ana)
    change(session)
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    assert run_worker_until_idle() == 1
    assert calls(zoom) == [("POST", f"/v2/meetings/{meeting.id}/registrants", 201)]
    clear_log(zoom)
    session.clients.remove(student)
    change(session)
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    assert run_worker_until_idle() == 1
    assert calls(zoom) == [("PUT", f"/v2/meetings/{meeting.id}/registrants/status", 204)]
    found = rows(session)
    assert (found["stu@example.test"].state, found["stu@example.test"].join_url) == (
        RegistrationState.CANCELLED,
        "",
    )
    assert found["ana@example.test"].state == RegistrationState.REGISTERED
    assert registrants(zoom, str(meeting.id)) == [
        ("ana@example.test", "approved"),
        ("stu@example.test", "denied"),
    ]
    assert zoom.http.get(first.join_url.removeprefix("http://zoom.test")).status_code == 403


def test_a_reschedule_keeps_everyones_link(zoom, consultant, lesson, student, ana) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student, ana)
    run_worker_until_idle()
    before = {email: (r.registrant_id, r.join_url) for email, r in rows(session).items()}
    clear_log(zoom)
    change(session, start=session.start + dt.timedelta(days=1), end=session.end + dt.timedelta(days=1))
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("PATCH", f"/v2/meetings/{meeting.id}", 204)]
    assert {email: (r.registrant_id, r.join_url) for email, r in rows(session).items()} == before


def test_a_move_to_another_host_registers_everyone_again(
    zoom, consultant, consultant2, lesson, student, ana
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    session = booked(consultant, lesson, student, ana)
    run_worker_until_idle()
    [old] = live_meetings(zoom)
    before = {r.join_url for r in rows(session).values()}
    clear_log(zoom)
    change(session, consultant=consultant2)
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    [new] = live_meetings(zoom)
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("DELETE", f"/v2/meetings/{old.id}", 204),
        ("POST", f"/v2/meetings/{new.id}/batch_registrants", 200),
    ]
    after = rows(session)
    assert {r.meeting_id for r in after.values()} == {str(new.id)}
    assert {r.join_url for r in after.values()}.isdisjoint(before)


def test_a_basic_host_keeps_the_shared_link_and_says_why(zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    zoom.app.state.users[zoom.users[CARLA]].type = 1
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    assert meeting.settings["approval_type"] == 2
    row = rows(session)["stu@example.test"]
    assert (row.state, row.join_url, row.reason) == (
        RegistrationState.SHARED,
        "",
        zoom_registrations.BASIC_HOST,
    )


def test_a_host_found_basic_by_zoom_falls_back_to_the_shared_link(zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    ZoomConnection.objects.filter(pk=connection.pk).update(
        zoom_user_type=None
    )  # connected before it was kept
    zoom.app.state.users[zoom.users[CARLA]].type = 1
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("POST", f"/v2/meetings/{meeting.id}/registrants", 400),
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
    ]
    assert meeting.settings["approval_type"] == 2
    assert ZoomConnection.objects.get(pk=connection.pk).zoom_user_type == 1
    assert rows(session)["stu@example.test"].state == RegistrationState.SHARED
    assert link_of(session).state == LinkState.ACTIVE


def test_a_connection_without_the_registration_scopes_keeps_the_shared_link(
    zoom, consultant, lesson, student
) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    kept = [s for s in connection.granted_scopes.split() if "registrant" not in s]
    ZoomConnection.objects.filter(pk=connection.pk).update(granted_scopes=" ".join(kept))
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    row = rows(session)["stu@example.test"]
    assert row.state == RegistrationState.SHARED
    assert row.reason.startswith(
        "The Zoom connection was made before SessionDesk asked for registration permissions"
    )
    assert "meeting:write:registrant" in row.reason


def test_the_policy_can_turn_personal_links_off(zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    MeetingPolicy.objects.create(org=consultant.org, personal_links=False)
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    assert rows(session)["stu@example.test"].state == RegistrationState.SHARED


def test_each_client_is_emailed_only_their_own_link(zoom, consultant, lesson, student, ana) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student, ana)
    notify.session_event(session, "booked")
    run_worker_until_idle()
    run_worker_until_idle("emails")
    found = rows(session)
    link = link_of(session)
    by_person = {m.to[0]: m for m in mail.outbox}
    for email, other in (("stu@example.test", "ana@example.test"), ("ana@example.test", "stu@example.test")):
        message = by_person[email]
        text = message.body + "".join(str(a[1]) for a in message.attachments)
        assert found[email].join_url in text
        assert found[other].join_url not in text
        assert link.join_url not in text
    host = by_person[consultant.email]
    assert link.join_url in host.body


def block(web, session: Session) -> str:  # type: ignore[no-untyped-def]
    return web.get(reverse("meeting_block", args=[session.pk])).content.decode()


def test_the_staff_card_shows_each_attendees_link_state(
    client, zoom, consultant, lesson, student, ana
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student, ana)
    run_worker_until_idle()
    body = block(login(client, consultant), session)
    assert '<li data-link-state="registered">Stu Student: Own link</li>' in body
    assert '<li data-link-state="registered">Ana Lopez: Own link</li>' in body
    assert "data-shared-reason" not in body
    assert rows(session)["stu@example.test"].join_url not in body  # staff see states, not clients' links


def test_the_staff_card_says_why_a_basic_host_shares_one_link(
    client, zoom, consultant, lesson, student
) -> None:  # type: ignore[no-untyped-def]
    zoom.app.state.users[zoom.users[CARLA]].type = 1
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    body = block(login(client, consultant), session)
    assert '<li data-link-state="shared">Stu Student: Shared link</li>' in body
    assert f'<p class="small muted" data-shared-reason>{zoom_registrations.BASIC_HOST}</p>' in body.replace(
        "&#x27;", "'"
    )


def test_integration_health_names_the_missing_registration_scopes(client, zoom, owner, consultant) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    kept = [s for s in connection.granted_scopes.split() if "registrant" not in s]
    ZoomConnection.objects.filter(pk=connection.pk).update(granted_scopes=" ".join(kept))
    body = html.unescape(login(client, owner).get("/integrations/zoom/health/").content.decode())
    assert "Personal links need:" in body
    for scope in (
        "meeting:write:registrant",
        "meeting:write:batch_registrants",
        "meeting:read:list_registrants",
        "meeting:update:registrant_status",
    ):
        assert f"<code>{scope}</code>" in body
    assert "Until Carla Consultant reconnects Zoom, these sessions keep the shared link." in body


def test_integration_health_is_quiet_when_the_scopes_are_there(client, zoom, owner, consultant) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    body = login(client, owner).get("/integrations/zoom/health/").content.decode()
    assert "data-lacking-registration" not in body


def test_a_reconnect_with_the_scopes_gives_personal_links(client, zoom, consultant, lesson, student) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    kept = [s for s in connection.granted_scopes.split() if "registrant" not in s]
    ZoomConnection.objects.filter(pk=connection.pk).update(granted_scopes=" ".join(kept))
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    assert rows(session)["stu@example.test"].state == RegistrationState.SHARED
    connect_through_pages(login(client, consultant), zoom, CARLA)
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    clear_log(zoom)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    assert calls(zoom) == [
        ("PATCH", f"/v2/meetings/{meeting.id}", 204),
        ("POST", f"/v2/meetings/{meeting.id}/registrants", 201),
    ]
    assert meeting.settings["approval_type"] == 0
    assert rows(session)["stu@example.test"].state == RegistrationState.REGISTERED


def test_a_client_added_after_the_session_ended_is_not_registered(
    zoom, consultant, lesson, student, ana
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = booked(consultant, lesson, student)
    run_worker_until_idle()
    [meeting] = live_meetings(zoom)
    clear_log(zoom)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - dt.timedelta(hours=2), end=timezone.now() - dt.timedelta(hours=1)
    )
    session.refresh_from_db()
    session.clients.add(ana)
    change(session)
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())
    run_worker_until_idle()
    assert calls(zoom) == [("PATCH", f"/v2/meetings/{meeting.id}", 204)]  # no registration: Zoom says 3038
    assert set(rows(session)) == {"stu@example.test"}
