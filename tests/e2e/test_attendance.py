"""Attendance in Chromium: the host starts the meeting from its start link in the emulator (served on
a real port), a client joins through their own (registration) link and is admitted from the waiting
room, and the session card, which refreshes itself, shows them in the meeting. A correction made on the card then
survives Zoom's participant report. Zoom's webhooks reach SessionDesk's live server over HTTP,
signed; the worker's jobs run inline."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sessiondesk.attendance.models import Attendee, ReportState, SessionAttendance
from sessiondesk.integrations.zoom.attendance import report
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import ConnectionKind
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings.models import MeetingLink, Registration
from sessiondesk.scheduling.models import Client, Session
from tests.e2e.test_first_booking import log_in
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import REDIRECT, connect
from zoom_emulator import seed
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "e2e-org-webhook-secret"
EVENTS = ["meeting.started", "meeting.ended", "meeting.participant_joined", "meeting.participant_left"]


@pytest.fixture
def zoom_server(live_server, settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    app = create_app()
    app.state.settings.report_delay_seconds = 0
    server = make_server(app, "127.0.0.1", 0).start()
    users = [
        {"email": "olivia@zoom.acme.test", "first_name": "Olivia", "last_name": "Owner", "role": "owner"}
    ]
    apps = [
        {
            "client_id": "e2e-org",
            "client_secret": "s2",
            "type": "admin",
            "redirect_uris": [REDIRECT],
            "scopes": scopes.registration_list("organization"),
            "name": "SessionDesk (organisation)",
            "webhook": {
                "url": f"{live_server.url}/integrations/zoom/webhook/",
                "secret_token": SECRET,
                "events": EVENTS,
            },
        }
    ]
    seed.load(app.state, {"accounts": [{"id": "acct-e2e", "plan": "pro", "users": users}], "apps": apps})
    settings.ZOOM_ENABLED = True
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = "e2e-org", "s2"
    settings.ZOOM_ORG_WEBHOOK_SECRET_TOKEN = SECRET
    settings.ZOOM_OAUTH_URL = server.url
    settings.ZOOM_API_URL = server.url + "/v2"
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0
    settings.ATTENDANCE_REPORT_DELAY_SECONDS = 0
    server.app = app
    yield server
    server.close()


@pytest.fixture
def running(zoom_server, owner, consultant, lesson) -> tuple[Session, MeetingLink, Client]:  # type: ignore[no-untyped-def]
    """A session that started five minutes ago, with its Zoom meeting made ahead of time."""
    with httpx.Client(base_url=zoom_server.url) as emu:
        connect(emu, owner, "olivia@zoom.acme.test", kind=ConnectionKind.ORGANIZATION)
    ann = Client.objects.create(org=owner.org, name="Ann Student", email="ann@example.com")
    session = zoom_session(consultant, lesson)
    session.clients.add(ann)
    run_worker_until_idle()
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=1))
    return session, MeetingLink.objects.get(session=session, provider="zoom"), ann


def handled(zoom_server: Any, count: int) -> None:
    """Wait for Zoom's deliveries (its own thread), then run the worker's webhook job."""
    zoom_server.app.state.webhooks.flush(10)
    assert receive.process_due(50) == count


def test_a_client_joins_and_the_card_shows_them_in_the_meeting(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, staff, zoom_server, running
):
    session, link, ann = running
    staff_page = new_page()
    log_in(staff_page, live_server.url, staff.email)
    staff_page.goto(f"{live_server.url}/sessions/{session.pk}/")
    card = staff_page.locator(f"#attendance-{session.pk}")
    assert card.locator(f'[data-attendee="client:{ann.pk}"]').get_attribute("data-state") == "absent"

    host = new_page()
    host.goto(link.start_url)
    host.get_by_role("button", name="Start meeting").click()
    host.wait_for_url(f"**/web/meetings/{link.external_id}/live")

    # Ann's own link: the join page knows her; she leaves the email out, her registration says who she is.
    own = Registration.objects.get(session=session, client=ann).join_url
    assert own.startswith(f"{zoom_server.url}/w/{link.external_id}?tk=")
    client_page = new_page()
    client_page.goto(own)
    assert client_page.get_by_label("Your name").input_value() == "Ann Student"
    client_page.get_by_label("Email").fill("")
    client_page.get_by_role("button", name="Join").click()
    assert "You are in the waiting room of" in client_page.locator("body").inner_text()
    host.reload()
    host.get_by_role("button", name="Admit").click()
    handled(zoom_server, 3)  # started; the host joined; Ann joined

    ann_line = card.locator(f'[data-attendee="client:{ann.pk}"]')
    ann_line.locator("text=In the meeting").wait_for(timeout=20_000)  # the card's own refresh
    assert ann_line.get_attribute("data-state") == "in_meeting"
    assert Attendee.objects.get(session=session, client=ann).email == "ann@example.com"
    assert card.get_attribute("data-outcome") == "in_progress"
    shot(staff_page, "attendance-in-meeting")


def test_a_correction_on_the_card_survives_the_report(  # type: ignore[no-untyped-def]
    live_server, new_page, staff, zoom_server, running
):
    session, link, ann = running
    emu = httpx.Client(base_url=zoom_server.url)
    emu.post(
        f"/_emulator/meetings/{link.external_id}/script",
        json={
            "steps": [
                {"action": "start"},
                {"action": "join", "name": "Ann", "email": "ann@example.com"},
                {"action": "admit", "name": "Ann", "email": "ann@example.com"},
                {"action": "end"},
            ]
        },
    ).raise_for_status()
    handled(zoom_server, 6)

    page = new_page()
    log_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_text("Correct attendance").click()
    page.get_by_label("Person").select_option(f"client:{ann.pk}")
    page.get_by_label("Minutes present").fill("50")
    page.get_by_role("button", name="Save line").click()
    page.get_by_text("Attendance corrected.").wait_for()

    SessionAttendance.objects.filter(session=session).update(report_due_at=timezone.now())
    assert report.run_due(10) == 1
    assert SessionAttendance.objects.get(session=session).report_state == ReportState.DONE
    page.reload()
    line = page.locator(f'[data-attendee="client:{ann.pk}"]')
    assert line.locator("td").nth(3).inner_text() == "50"
    assert "corrected" in line.inner_text()
    assert Attendee.objects.get(session=session, client=ann).seconds_present == 50 * 60
