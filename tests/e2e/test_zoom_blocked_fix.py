"""A Zoom session booked for a consultant who has not connected Zoom, in Chromium: its card says who
must act and offers the consultant the button that fixes it; connecting from there makes the meeting."""

import re

import pytest

from sessiondesk.meetings.models import LinkState, MeetingLink
from tests.e2e.test_first_booking import log_in
from tests.e2e.test_zoom_connect import zoom_server  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_consultant_connects_zoom_from_the_blocked_meeting(  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    consultant,
    staff,
    lesson,
    zoom_server,  # noqa: F811
):
    base = live_server.url
    session = zoom_session(consultant, lesson, booked_by=staff)
    run_worker_until_idle()
    assert MeetingLink.objects.get(session=session).state == LinkState.BLOCKED
    page = new_page()
    log_in(page, base, consultant.email)

    page.goto(f"{base}/sessions/{session.pk}/")
    block = page.locator(f"#meeting-block-{session.pk}")
    assert block.get_attribute("data-meeting-state") == "failed"
    assert f"{consultant.name} must connect Zoom" in block.inner_text()
    fix = block.locator("[data-meeting-fix]")
    assert fix.inner_text() == "Connect Zoom"
    shot(page, "zoom-blocked-01-connect-button")

    # The button opens the settings card at the personal tab, where Zoom is connected.
    fix.click()
    page.wait_for_url(re.compile(r"/settings/\?tab=zoom-personal"))
    panel = page.locator("#zoom-personal")
    assert panel.is_visible()
    panel.get_by_role("button", name="Connect with Zoom").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    page.get_by_label(re.compile("Carla Consultant")).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))
    assert "Zoom is connected as carla@zoom.acme.test." in page.content()

    # Connecting made the waiting meeting due again: the worker makes it, and the card shows it.
    run_worker_until_idle()
    link = MeetingLink.objects.get(session=session)
    assert link.state == LinkState.ACTIVE and link.join_url
    page.goto(f"{base}/sessions/{session.pk}/")
    block = page.locator(f"#meeting-block-{session.pk}")
    assert block.get_attribute("data-meeting-state") == "ready"
    assert block.get_by_role("link", name="Open Zoom").is_visible()
    assert block.locator("[data-meeting-fix]").count() == 0
    shot(page, "zoom-blocked-02-meeting-made")
