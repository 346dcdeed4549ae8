"""A Zoom session in Chromium: schedule it and watch the card fill with the join link, reschedule it,
cancel it, and see the emulator's meeting (served on a real port) follow each step. The worker is
run inline between steps; the card updates itself by htmx polling."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Session
from tests.e2e.test_first_booking import log_in
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import REDIRECT, connect
from zoom_emulator import seed
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zoom_server(live_server, settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    app = create_app()
    server = make_server(app, "127.0.0.1", 0).start()
    users = [
        {"email": "carla@zoom.acme.test", "first_name": "Carla", "last_name": "Consultant", "role": "member"}
    ]
    apps = [
        {
            "client_id": "e2e-personal",
            "client_secret": "s1",
            "type": "user",
            "redirect_uris": [REDIRECT, f"{live_server.url}/integrations/zoom/callback/"],
            "scopes": scopes.registration_list("personal"),
            "name": "SessionDesk",
        }
    ]
    seed.load(app.state, {"accounts": [{"id": "acct-e2e", "users": users}], "apps": apps})
    settings.ZOOM_ENABLED = True
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = "e2e-personal", "s1"
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = "e2e-personal", "s1"
    settings.ZOOM_OAUTH_URL = server.url
    settings.ZOOM_API_URL = server.url + "/v2"
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0  # pacing has its own tests
    server.app = app
    yield server
    server.close()


def zoom_calls(server: Any) -> list[tuple[str, str, int]]:
    found = httpx.get(f"{server.url}/_emulator/requests", params={"path_prefix": "/v2/meetings"}).json()
    posts = httpx.get(
        f"{server.url}/_emulator/requests", params={"path_prefix": "/v2/users/me/meetings"}
    ).json()
    rows = sorted(found["requests"] + posts["requests"], key=lambda r: r["id"])
    return [(r["method"], r["path"], r["status"]) for r in rows]


def test_a_zoom_session_is_scheduled_rescheduled_and_cancelled(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, consultant, zoom_server
):
    base = live_server.url
    with httpx.Client(base_url=zoom_server.url) as emu:
        connect(emu, consultant, "carla@zoom.acme.test")
    page = new_page()
    log_in(page, base, consultant.email)

    # Schedule: the card says "Creating Zoom meeting…", then fills in by itself.
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page.goto(f"{base}/sessions/new/")
    page.get_by_label("Title", exact=True).fill("Algebra with Zoom")
    page.get_by_label("Date", exact=True).fill(day)
    page.get_by_label("Start time", exact=True).fill("10:00")
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Online meeting").select_option("zoom")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    block = page.locator(".meeting-block")
    assert block.get_attribute("data-meeting-state") == "creating"
    assert "Creating Zoom meeting…" in block.inner_text()
    shot(page, "zoom-meeting-01-creating")

    run_worker_until_idle()
    page.locator('.meeting-block[data-meeting-state="ready"]').wait_for()
    session = Session.objects.get(title="Algebra with Zoom")
    link = MeetingLink.objects.get(session=session, provider="zoom")
    meeting = zoom_server.app.state.meetings[int(link.external_id)]
    assert (meeting.topic, meeting.duration) == ("Algebra with Zoom", 45)
    assert meeting.start_time == session.start.timestamp()
    block = page.locator(".meeting-block")
    assert block.get_by_role("link", name=link.join_url).is_visible()
    open_zoom = block.get_by_role("link", name="Open Zoom")
    assert open_zoom.get_attribute("href") == link.start_url  # Carla hosts: her button starts it
    assert f"Passcode: {link.passcode}" in block.inner_text()
    assert "Zoom host:" in block.inner_text()
    shot(page, "zoom-meeting-02-ready")

    # Reschedule: "Updating…" with the same link, then Zoom's meeting moves.
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("Start time", exact=True).fill("14:30")
    page.get_by_role("button", name="Reschedule").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.locator(".meeting-block").get_attribute("data-meeting-state") == "updating"
    assert "Updating…" in page.locator(".meeting-block").inner_text()
    shot(page, "zoom-meeting-03-updating")
    run_worker_until_idle()
    page.locator('.meeting-block[data-meeting-state="ready"]').wait_for()
    session.refresh_from_db()
    assert zoom_server.app.state.meetings[int(link.external_id)].start_time == session.start.timestamp()
    assert MeetingLink.objects.get(pk=link.pk).join_url == link.join_url
    shot(page, "zoom-meeting-04-rescheduled")

    # Cancel: the meeting is deleted at Zoom.
    page.get_by_role("button", name="Cancel session").click()
    page.locator("#cancel-dialog").get_by_role("button", name="Cancel the session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    run_worker_until_idle()
    page.reload()
    assert page.locator(".meeting-block").get_attribute("data-meeting-state") == "cancelled"
    assert zoom_server.app.state.meetings[int(link.external_id)].deleted_at is not None
    assert MeetingLink.objects.get(pk=link.pk).state == LinkState.DELETED
    shot(page, "zoom-meeting-05-cancelled")
    meeting_path = f"/v2/meetings/{link.external_id}"
    assert zoom_calls(zoom_server) == [
        ("POST", "/v2/users/me/meetings", 201),
        ("PATCH", meeting_path, 204),
        ("DELETE", meeting_path, 204),
    ]
