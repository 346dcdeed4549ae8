"""A client books a Zoom session on the public page, in Chromium, and stays on the confirmation page:
the join link appears there by itself once the worker has made the meeting, and the page stops asking."""

import re

import httpx
import pytest

from sessiondesk.meetings.models import MeetingLink, Registration
from sessiondesk.scheduling.models import Provider, Session
from tests.e2e.test_zoom_meeting import zoom_server  # noqa: F401
from tests.scheduling.public_support import make_calendar, open_a_later_time
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_join_link_appears_on_the_confirmation_page_without_a_reload(  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    org,
    consultant,
    lesson,
    zoom_server,  # noqa: F811
):
    with httpx.Client(base_url=zoom_server.url) as emu:
        connect(emu, consultant, "carla@zoom.acme.test")
    lesson.default_provider = Provider.ZOOM
    lesson.save()
    make_calendar(org, lesson, [consultant], slug="zoom-lessons", is_public=True)

    page = new_page(timezone_id="Asia/Tokyo")
    page.goto(f"{live_server.url}/book/{org.slug}/zoom-lessons/")
    open_a_later_time(page)
    page.get_by_label("Your name").fill("Stu Student")
    page.get_by_label("Email").fill("stu@example.test")
    page.get_by_role("button", name=re.compile("book|confirm", re.I)).click()
    page.wait_for_url(re.compile(r"/manage/[^/]+/booked/"))
    block = page.locator(".meeting-block")
    assert block.get_attribute("data-meeting-state") == "pending"
    assert "Your meeting link will appear here shortly" in block.inner_text()
    shot(page, "public-zoom-01-link-coming")
    page.evaluate("window.stayedOnThisPage = true")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/meeting/" in request.url else None)

    assert run_worker_until_idle() == 1
    page.locator('.meeting-block[data-meeting-state="ready"]').wait_for()
    link = MeetingLink.objects.get(session=Session.objects.get(), provider=Provider.ZOOM)
    own = Registration.objects.get(session=link.session)  # the client's own link (registration)
    block = page.locator(".meeting-block")
    assert own.join_url.startswith(f"{zoom_server.url}/w/{link.external_id}?tk=")
    assert block.get_by_role("link", name="Join the meeting").get_attribute("href") == own.join_url
    assert link.join_url not in page.content()
    assert f"Passcode: {link.passcode}" in block.inner_text()
    assert link.start_url not in page.content()
    assert page.evaluate("window.stayedOnThisPage") is True
    shot(page, "public-zoom-02-link-shown")

    assert asked  # the block was fetched again, not the page
    polls = len(asked)
    page.wait_for_timeout(4_500)  # two polling periods
    assert len(asked) == polls  # the link is there: the page asks no more
