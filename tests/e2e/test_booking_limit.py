"""The public booking limit, in Chromium: only bookings that are made count, per calendar and client
address, and the visitor past it gets the organisation's page saying when to come back (429), with
nothing booked."""

import datetime as dt
import re
import zoneinfo

import pytest

from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.locales import time_of_day
from sessiondesk.scheduling.models import Client, Session
from sessiondesk.security.models import RateCounter
from tests.scheduling.public_support import make_calendar, open_a_later_time

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TZ = "Europe/Paris"


def open_first_time(page, base: str, slug: str) -> None:  # type: ignore[no-untyped-def]
    """The details form for a time far past the calendar's notice (``open_a_later_time``)."""
    page.goto(f"{base}/book/acme/{slug}/?tz={TZ}")
    open_a_later_time(page)


def submit(page, name: str, email: str) -> int:  # type: ignore[no-untyped-def]
    """Fill the details form, send it, and return the status the server answered the POST with."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=re.compile("book", re.I)).click()
    page.wait_for_load_state()
    return answer.value.status


def book(page, base: str, slug: str, email: str) -> int:  # type: ignore[no-untyped-def]
    open_first_time(page, base, slug)
    return submit(page, "Pat Pupil", email)


def test_only_bookings_made_count_per_calendar_and_address(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, settings, org, consultant, lesson
):
    settings.RATE_LIMIT_BOOKING = (2, 3600)
    settings.TRUSTED_PROXY_COUNT = 1  # the second visitor comes through a proxy that names them
    base = live_server.url
    make_calendar(org, lesson, [consultant], slug="maths", is_public=True)
    make_calendar(org, lesson, [consultant], slug="physics", is_public=True)
    office = new_page(timezone_id=TZ)

    open_first_time(office, base, "maths")
    mistakes = [submit(office, "", "ann@example.test"), submit(office, "Ann", "ann-at-example")] + [
        submit(office, "Ann", f"ann{n}@example") for n in range(3)
    ]
    assert mistakes == [400] * 5
    assert "Please enter a valid email address." in office.content()
    assert RateCounter.objects.count() == 0  # five refused forms, nothing counted

    assert submit(office, "Ann", "ann@example.test") == 303
    assert book(office, base, "maths", "ben@example.test") == 303
    assert Session.objects.count() == 2

    open_first_time(office, base, "maths")
    refused = submit(office, "Cai", "cai@example.test")
    shot(office, "booking-limit-refused")

    assert refused == 429
    assert office.title() == "Please try again later: Book Maths · Acme Tutoring"
    assert office.locator(".brand").inner_text() == "Acme Tutoring"
    text = office.locator("main").inner_text()
    assert "Many bookings for Book Maths have come from your connection in the last hour" in text
    ends = RateCounter.objects.get().window_start + dt.timedelta(hours=1)
    # The page says now + Retry-After (whole seconds): the window's end, or one second after it.
    shown = office.locator(".again").inner_text()
    assert shown in {
        time_of_day(t.astimezone(zoneinfo.ZoneInfo(TZ)), "en_US")
        for t in (ends, ends + dt.timedelta(seconds=1))
    }
    assert f"({TZ})" in text and "in about 60 minutes" in text
    assert (
        office.get_by_role("link", name="Back to the booking page").get_attribute("href")
        == "/book/acme/maths/"
    )
    assert Session.objects.count() == 2  # nothing was booked on the refused attempt
    assert not Client.objects.filter(email="cai@example.test").exists()
    assert not OutboundEmail.objects.filter(to="cai@example.test").exists()

    # Another calendar from the same address, and the same calendar from another address, still book.
    assert book(office, base, "physics", "cai@example.test") == 303
    neighbour = new_page(timezone_id=TZ)
    neighbour.set_extra_http_headers({"X-Forwarded-For": "198.51.100.7"})
    assert book(neighbour, base, "maths", "dee@example.test") == 303
    booked = Session.objects.order_by("pk")
    assert [(s.calendar.slug, s.clients.get().email) for s in booked] == [
        ("maths", "ann@example.test"),
        ("maths", "ben@example.test"),
        ("physics", "cai@example.test"),
        ("maths", "dee@example.test"),
    ]
