"""An admin sets up a calendar, a client books it on the public page, the email arrives, and the
session card shows the booking — in Chromium."""

import datetime as dt
import re

import pytest
from django.test import override_settings

from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling.models import AvailabilityRule, Session
from tests.conftest import PASSWORD
from tests.scheduling.public_support import open_a_later_time

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MAILBOX = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}


def log_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(f"{base}/")


@override_settings(MAILERS=MAILBOX, DEV_MAILBOX=True)
def test_it_takes_a_client_from_public_booking_to_the_session_card(
    live_server, new_page, shot, owner, consultant, lesson
):
    base = live_server.url
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=consultant, weekday=day, start_time=dt.time(0), end_time=dt.time(23, 30))
        for day in range(7)
    )

    admin = new_page()
    log_in(admin, base, owner.email)
    shot(admin, "01-sessions-empty")

    admin.goto(f"{base}/calendars/new/")
    admin.get_by_label("Name", exact=True).fill("Physics tutoring")
    admin.get_by_label("Members", exact=True).fill("carla")
    admin.get_by_role("option", name=re.compile("Carla Consultant")).click()
    admin.get_by_label("Session type").select_option(label="Lesson")
    admin.get_by_label("Minimum notice (minutes)").fill("60")
    shot(admin, "02-calendar-form")
    admin.get_by_role("button", name=re.compile("create|save", re.I)).click()
    admin.wait_for_url(re.compile(r"/calendars/\d+/$"))
    shot(admin, "03-calendar-created")
    assert "/book/acme/physics-tutoring/" in admin.content()

    visitor = new_page(timezone_id="Asia/Tokyo")
    visitor.goto(f"{base}/book/acme/physics-tutoring/")
    shot(visitor, "04-public-booking")
    open_a_later_time(visitor)
    visitor.get_by_label("Your name").fill("Stu Student")
    visitor.get_by_label("Email").fill("stu@example.test")
    shot(visitor, "05-booking-details")
    visitor.get_by_role("button", name=re.compile("book|confirm", re.I)).click()
    visitor.wait_for_url(re.compile(r"/manage/.+/booked/"))
    shot(visitor, "06-booking-confirmed")
    assert "Tokyo" in visitor.content()

    session = Session.objects.get()
    assert (session.consultant, session.calendar.slug) == (consultant, "physics-tutoring")
    assert session.start > dt.datetime.now(dt.UTC) + dt.timedelta(days=1)  # a later day, as chosen
    assert [c.email for c in session.clients.all()] == ["stu@example.test"]

    assert send_due(limit=20) == 2  # the client's confirmation and the consultant's notice

    admin.goto(f"{base}/dev/mailbox/")
    shot(admin, "07-mailbox")
    assert admin.get_by_text(re.compile("stu@example.test")).count() >= 1

    admin.goto(f"{base}/")
    admin.get_by_role("link", name=re.compile("^Lesson$")).first.click()
    admin.wait_for_url(re.compile(rf"/sessions/{session.pk}/$"))
    shot(admin, "08-session-card")
    card = admin.content()
    assert "Stu Student" in card and "Carla Consultant" in card
