"""Scheduling a Zoom session before Zoom is connected, in Chromium: a clash is refused before the trip
to Zoom, and a draft refused on the way back survives a reload."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.models import OAuthState, ZoomConnection
from sessiondesk.scheduling.forms.sessions import local_start
from sessiondesk.scheduling.models import Session
from tests.e2e.test_first_booking import log_in
from tests.e2e.test_zoom_connect import zoom_server  # noqa: F401
from tests.support.sessions import zoom_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def busy_at(consultant, lesson, day: dt.date, hour: int, title: str) -> Session:  # type: ignore[no-untyped-def]
    start = local_start(day, dt.time(hour), consultant.timezone)
    return zoom_session(consultant, lesson, title=title, start=start, end=start + dt.timedelta(hours=1))


def fill(page, day: dt.date, start: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Title", exact=True).fill("Algebra with Zoom")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time", exact=True).fill(start)
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Online meeting").select_option("zoom")


def test_a_clash_is_refused_before_zoom_and_a_draft_refused_after_it_survives_a_reload(  # type: ignore[no-untyped-def]
    live_server,
    new_page,
    shot,
    consultant,
    lesson,
    zoom_server,  # noqa: F811
):
    base = live_server.url
    day = timezone.localdate() + dt.timedelta(days=3)
    busy_at(consultant, lesson, day, 10, "Physics lesson")
    page = new_page()
    log_in(page, base, consultant.email)

    # A clash: the form says so at once; nobody is sent to Zoom.
    page.goto(f"{base}/sessions/new/")
    fill(page, day, "10:00")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/sessions/new/"
    error = page.locator(".form-problem")
    assert "Carla Consultant already has a session at that time (Physics lesson," in error.inner_text()
    assert page.get_by_label("Title", exact=True).input_value() == "Algebra with Zoom"
    shot(page, "zoom-first-use-01-clash-before-zoom")
    assert (OAuthState.objects.count(), ZoomConnection.objects.count(), Session.objects.count()) == (0, 0, 1)

    # Another time: off to Zoom; the slot is taken while Carla is there.
    page.get_by_label("Start time", exact=True).fill("14:00")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    busy_at(consultant, lesson, day, 14, "Chemistry lesson")
    page.get_by_label(re.compile("Carla Consultant")).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{base}/sessions/new/?resume=1")
    for _ in range(2):  # back from Zoom, then a reload
        assert "Carla Consultant already has a session at that time (Chemistry lesson," in (
            page.locator(".form-problem").inner_text()
        )
        assert page.get_by_label("Title", exact=True).input_value() == "Algebra with Zoom"
        assert page.get_by_label("Start time", exact=True).input_value() == "14:00"
        assert "already used or is not valid" not in page.content()
        page.reload()
    shot(page, "zoom-first-use-02-refused-after-zoom")
    assert Session.objects.count() == 2
    assert ZoomConnection.objects.get().member == consultant

    # Zoom is connected now: a free time saves at once.
    page.get_by_label("Start time", exact=True).fill("16:00")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    saved = Session.objects.get(title="Algebra with Zoom")
    assert (saved.provider, saved.start) == ("zoom", local_start(day, dt.time(16), consultant.timezone))
    assert OAuthState.objects.count() == 0
