"""Session emails go out through a real SMTP server (aiosmtpd on localhost)."""

import datetime as dt
import logging
import random
import re

import pytest
from icalendar import Calendar

from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling.actions import cancel_session, reschedule_session
from sessiondesk.scheduling.links import read_portal_token
from tests.notifications.helpers import (
    JOIN_URL,
    START,
    free_port,
    ics_of,
    manage_token_in,
    smtp_mailers,
    subject_of,
    text_of,
)
from tests.support.worker import run_worker_until_idle


def event_of(message):
    cal = Calendar.from_ical(ics_of(message))
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_it_sends_the_confirmation_to_the_client_and_the_consultant(smtp, session, student, consultant):
    assert run_worker_until_idle("emails") == 2
    assert sorted(tuple(e.rcpt_tos) for e in smtp.envelopes) == [("carla@acme.test",), ("stu@example.test",)]
    (to_student,) = smtp.to("stu@example.test")
    (to_carla,) = smtp.to("carla@acme.test")
    assert subject_of(to_student) == "Confirmed: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert subject_of(to_carla) == "Confirmed: Lesson with Stu Student on Tue 3 Dec, 4:00 PM (EST)"
    assert to_student["From"] == "SessionDesk <no-reply@sessiondesk.localhost>"


def test_the_invite_carries_the_join_link_and_a_stable_uid(smtp, session, student):
    run_worker_until_idle("emails")
    (message,) = smtp.to("stu@example.test")
    cal, event = event_of(message)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"session-{session.pk}@localhost"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + dt.timedelta(hours=1)
    assert str(event["LOCATION"]) == JOIN_URL
    assert str(event["URL"]) == JOIN_URL
    assert str(event["ORGANIZER"]) == "mailto:no-reply@sessiondesk.localhost"
    assert str(event["ATTENDEE"]) == "mailto:stu@example.test"
    assert manage_token_in(str(event["DESCRIPTION"])) == {"s": session.pk, "c": student.pk}
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment["Content-Type"].params["method"] == "REQUEST"


def test_the_client_gets_their_manage_and_portal_links(smtp, session, student):
    run_worker_until_idle("emails")
    (message,) = smtp.to("stu@example.test")
    text = text_of(message)
    assert manage_token_in(text) == {"s": session.pk, "c": student.pk}
    portal = re.search(r"All your sessions: (\S+)", text).group(1)
    assert read_portal_token(portal.rstrip("/").rsplit("/", 1)[1]) == {"c": student.pk, "o": student.org_id}
    assert f"Join:  {JOIN_URL}" in text
    assert "Wed 4 Dec, 6:00 AM (JST) until 7:00 AM" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{JOIN_URL}"' in html


def test_the_consultant_gets_no_client_links(smtp, session, student):
    run_worker_until_idle("emails")
    (message,) = smtp.to("carla@acme.test")
    assert manage_token_in(text_of(message)) is None
    assert "All your sessions" not in text_of(message)


def test_a_reschedule_sends_the_new_time_with_a_higher_sequence(smtp, session, consultant):
    run_worker_until_idle("emails")
    reschedule_session(session, start=START + dt.timedelta(days=1), actor=consultant)
    assert run_worker_until_idle("emails") == 2
    (_, moved) = smtp.to("stu@example.test")
    assert subject_of(moved) == "Rescheduled: Lesson with Carla Consultant, now on Thu 5 Dec, 6:00 AM (JST)"
    assert "It was on Wed 4 Dec, 6:00 AM (JST)." in text_of(moved)
    _, event = event_of(moved)
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"session-{session.pk}@localhost"
    assert event.decoded("DTSTART") == START + dt.timedelta(days=1)


def test_a_cancellation_sends_method_cancel(smtp, session, consultant):
    run_worker_until_idle("emails")
    cancel_session(session, actor=consultant, reason="Carla is ill")
    assert run_worker_until_idle("emails") == 2
    (_, cancelled) = smtp.to("stu@example.test")
    assert subject_of(cancelled) == "Cancelled: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert "Reason: Carla is ill" in text_of(cancelled)
    cal, event = event_of(cancelled)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"session-{session.pk}@localhost"
    (attachment,) = list(cancelled.iter_attachments())
    assert attachment["Content-Type"].params["method"] == "CANCEL"


@pytest.fixture
def sender_log(caplog, monkeypatch):
    """The email pass's records, with the backoff's jitter pinned (first retry: 30 s × 1.05)."""
    monkeypatch.setattr(random, "random", lambda: 0.5)
    caplog.set_level(logging.INFO, logger="sessiondesk")
    return caplog


def test_it_retries_later_when_the_smtp_server_is_down(settings, session, sender_log):
    settings.MAILERS = smtp_mailers(free_port())  # nothing listens there
    before = dt.datetime.now(dt.UTC)
    assert send_due() == 0
    rows = list(OutboundEmail.objects.order_by("id"))
    assert [(r.state, r.attempts, r.sent_at, r.lease_until) for r in rows] == [
        (EmailState.PENDING, 1, None, None),
        (EmailState.PENDING, 1, None, None),
    ]
    assert all(r.not_before >= before + dt.timedelta(seconds=31.5) for r in rows)
    assert all("Connection refused" in r.last_error or "Errno" in r.last_error for r in rows)
    assert [(r.levelname, r.getMessage(), r.email_id, r.retry_in_seconds) for r in sender_log.records] == [
        (
            "WARNING",
            f"email {row.pk} to {row.to} failed, attempt 1 of 6: {row.last_error}; retry in 32 s",
            row.pk,
            32,
        )
        for row in rows
    ]
    assert send_due() == 0  # not due again yet
    assert OutboundEmail.objects.filter(attempts=1).count() == 2
    assert len(sender_log.records) == 2


def test_it_gives_up_after_the_last_attempt(settings, session, sender_log):
    settings.MAILERS = smtp_mailers(free_port())
    OutboundEmail.objects.update(attempts=5)
    assert send_due() == 0
    rows = list(OutboundEmail.objects.order_by("id"))
    assert [(r.state, r.attempts) for r in rows] == [(EmailState.FAILED, 6), (EmailState.FAILED, 6)]
    assert [(r.levelname, r.getMessage()) for r in sender_log.records] == [
        (
            "ERROR",
            f"email {row.pk} to {row.to} failed, attempt 6 of 6: {row.last_error}; given up, it stays failed",
        )
        for row in rows
    ]


def test_a_retried_email_is_sent_once_the_server_is_back(smtp, session):
    OutboundEmail.objects.update(attempts=1, last_error="Connection refused")
    assert run_worker_until_idle("emails") == 2
    assert list(OutboundEmail.objects.values_list("state", "attempts", "last_error")) == [
        (EmailState.SENT, 2, ""),
        (EmailState.SENT, 2, ""),
    ]
    assert len(smtp.envelopes) == 2
