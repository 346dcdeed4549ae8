"""Personal links in Chromium: two clients of one Zoom session each find only their own link in their
email and on their booking page, and the link opens the emulator's join page in their name."""

import re

import httpx
import pytest
from django.core import mail

from sessiondesk.meetings.models import MeetingLink, Registration
from sessiondesk.notifications import actions as notify
from sessiondesk.scheduling import links
from sessiondesk.scheduling.models import Client
from tests.e2e.test_zoom_meeting import zoom_server  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_client_finds_and_opens_only_their_own_link(  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    org,
    consultant,
    lesson,
    student,
    settings,
    zoom_server,  # noqa: F811
):
    settings.SITE_URL = live_server.url
    with httpx.Client(base_url=zoom_server.url) as emu:
        connect(emu, consultant, "carla@zoom.acme.test")
    ana = Client.objects.create(org=org, name="Ana Lopez", email="ana@example.test", timezone="Europe/Madrid")
    session = zoom_session(consultant, lesson)
    session.clients.add(student, ana)
    notify.session_event(session, "booked")
    run_worker_until_idle()
    run_worker_until_idle("emails")
    shared = MeetingLink.objects.get(session=session).join_url
    own = {
        r.client.email: r.join_url
        for r in Registration.objects.filter(session=session).select_related("client")
    }
    assert len(set(own.values())) == 2

    [email] = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert own["stu@example.test"] in email.body
    assert own["ana@example.test"] not in email.body and shared not in email.body

    page = new_page()
    page.goto(links.manage_url(session, student))
    block = page.locator(".meeting-block")
    join = block.get_by_role("link", name="Join the meeting")
    assert join.get_attribute("href") == own["stu@example.test"]
    content = page.content()
    assert own["ana@example.test"] not in content and shared not in content
    shot(page, "personal-links-01-booking-page")

    page.goto(join.get_attribute("href") or "")
    assert re.search(r"Join meeting \d+", page.locator("h1").inner_text())
    assert "Stu Student" in page.locator("body").inner_text()
    assert "stu@example.test" in page.locator("body").inner_text()
    shot(page, "personal-links-02-joined")
