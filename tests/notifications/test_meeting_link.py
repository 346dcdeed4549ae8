"""The confirmation waits briefly for a provider's join link; a link that comes later is sent on."""

import datetime as dt

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.actions import meeting_link_ready
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling.actions import cancel_session
from sessiondesk.scheduling.models import Provider
from tests.notifications.helpers import book, drain

ZOOM_URL = "https://zoom.example.test/j/987654321"


def link_arrives(session, url: str = ZOOM_URL) -> None:
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.ACTIVE, join_url=url, applied_version=1
    )
    meeting_link_ready(session)


def wait_over() -> None:
    """Pretend the emails were queued longer ago than the wait for the link."""
    OutboundEmail.objects.update(created_at=timezone.now() - dt.timedelta(seconds=11))


def event_of(message):
    (ics,) = [content for _name, content, _type in message.attachments]
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def zoom_session(consultant, student, lesson):
    session = book(consultant, [student], lesson, provider=Provider.ZOOM)
    assert MeetingLink.objects.get(session=session).state == LinkState.PENDING
    return session


def test_the_confirmation_waits_for_the_link(consultant, student, lesson):
    zoom_session(consultant, student, lesson)
    before = timezone.now()
    assert send_due() == 0
    assert mail.outbox == []
    rows = list(OutboundEmail.objects.all())
    assert [(r.state, r.attempts, r.lease_until) for r in rows] == [(EmailState.PENDING, 0, None)] * 2
    assert all(r.not_before > before for r in rows)


def test_a_link_that_arrives_in_time_is_in_the_confirmation(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    send_due()
    link_arrives(session)
    assert send_due() == 2
    assert OutboundEmail.objects.count() == 2  # no separate "updated" email
    (to_student,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert to_student.subject.startswith("Confirmed: ")
    assert f"Join:  {ZOOM_URL}" in to_student.body
    event = event_of(to_student)
    assert (str(event["URL"]), str(event["LOCATION"])) == (ZOOM_URL, ZOOM_URL)


def test_after_the_wait_it_goes_without_the_link_and_an_update_follows(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    wait_over()
    assert drain() == 2
    (first,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert "the join link follows in a separate email" in first.body
    assert "URL" not in event_of(first)

    link_arrives(session)
    pending = OutboundEmail.objects.filter(state=EmailState.PENDING).order_by("to")
    assert list(pending.values_list("kind", "to")) == [
        ("updated", "carla@acme.test"),
        ("updated", "stu@example.test"),
    ]
    assert drain() == 2
    (_, update) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert update.subject == "Updated: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert "The join link for your Lesson with Carla Consultant is ready." in update.body
    assert f"Join:  {ZOOM_URL}" in update.body
    event = event_of(update)
    assert (str(event["URL"]), event["SEQUENCE"]) == (ZOOM_URL, 1)


def test_telling_twice_that_the_link_is_ready_sends_one_update(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    wait_over()
    drain()
    link_arrives(session)
    drain()
    meeting_link_ready(session)
    assert OutboundEmail.objects.filter(kind="updated").count() == 2
    assert drain() == 0


def test_a_new_join_link_is_sent_on(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    link_arrives(session)
    drain()
    link_arrives(session, "https://zoom.example.test/j/111")
    assert drain() == 2
    (_, update) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert "Join:  https://zoom.example.test/j/111" in update.body


def test_no_update_for_a_cancelled_session(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    wait_over()
    drain()
    cancel_session(session, actor=consultant)
    session.refresh_from_db()
    link_arrives(session)
    assert OutboundEmail.objects.filter(kind="updated").count() == 0


def test_a_blocked_link_does_not_hold_the_email(consultant, student, lesson):
    session = zoom_session(consultant, student, lesson)
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.BLOCKED, remedy="Carla must connect Zoom"
    )
    assert send_due() == 2
    (to_student,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert "Join:" not in to_student.body
