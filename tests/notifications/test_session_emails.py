"""Which session emails go to whom, and what send time decides (rendered in each person's zone)."""

import datetime as dt
import re

import pytest
from django.core import mail
from icalendar import Calendar

from sessiondesk.notifications import actions, sender
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.actions import (
    SessionChanges,
    book_public,
    cancel_session,
    reschedule_session,
    update_session,
)
from sessiondesk.scheduling.models import CalendarKind, Client, Provider, Session
from sessiondesk.scheduling.recurrence import Repeat
from tests.notifications.helpers import JOIN_URL, START, book, manage_token_in
from tests.scheduling.public_support import at, day_in, make_calendar
from tests.support.worker import run_worker_until_idle


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def states() -> list[tuple[str, str, str]]:
    return list(OutboundEmail.objects.order_by("id").values_list("kind", "to", "state"))


def invite_events(message) -> list:
    (ics,) = [content for _name, content, _type in message.attachments]
    return Calendar.from_ical(ics).walk("VEVENT")


def test_booking_queues_one_row_per_attendee_and_sends_nothing_yet(session):
    assert states() == [
        ("booked", "stu@example.test", EmailState.PENDING),
        ("booked", "carla@acme.test", EmailState.PENDING),
    ]
    assert mail.outbox == []


def test_co_hosts_are_told_in_their_own_time_zone(consultant, consultant2, student, lesson):
    book(consultant, [student], lesson, co_hosts=[consultant2])
    assert run_worker_until_idle("emails") == 3
    (dev,) = sent_to("dev@acme.test")
    assert dev.subject == "Confirmed: Lesson with Stu Student on Tue 3 Dec, 9:00 PM (GMT)"


def test_a_collective_booking_names_every_host_to_the_client(org, lesson, consultant, consultant2, admin):
    calendar = make_calendar(
        org, lesson, [consultant, consultant2, admin], slug="team", kind=CalendarKind.COLLECTIVE
    )
    start = at(day_in(3), 10)  # 10:00 in New York, 15:00 in London: within everyone's hours
    session = book_public(
        calendar, start=start, name="Nora Newcomer", email="nora@example.test", timezone_name="UTC"
    )
    assert run_worker_until_idle("emails") == 4
    (email,) = sent_to("nora@example.test")
    when = f"{start:%a} {start.day} {start:%b}, {start.hour - 12}:00 PM (UTC)"
    hosts = "Carla Consultant, Dev Consultant and Adam Admin"
    assert email.subject == f"Confirmed: Lesson with {hosts} on {when}"
    assert f"Your Lesson with {hosts} is confirmed." in email.body
    assert f"\nWith:  {hosts}\n" in email.body
    html = email.alternatives[0].content
    assert f'<td style="padding:4px 0;">{hosts}</td>' in html
    (event,) = invite_events(email)
    assert str(event["DESCRIPTION"]).splitlines()[0] == f"Lesson with {hosts}"
    (carla,) = sent_to("carla@acme.test")
    assert "Nora Newcomer booked a Lesson with you." in carla.body
    # The zone as people read it, in both parts (the identifier is America/New_York).
    assert "Times are shown in America/New York." in carla.body
    assert "Times are shown in America/New York." in carla.alternatives[0].content
    assert list(session.co_hosts.order_by("pk")) == [consultant2, admin]


def test_a_series_email_says_it_repeats_and_lists_the_dates(consultant, student, lesson):
    book(consultant, [student], lesson, repeat=Repeat(every_weeks=2, count=3))
    assert OutboundEmail.objects.count() == 2
    assert run_worker_until_idle("emails") == 2
    (email,) = sent_to("stu@example.test")
    assert email.subject == (
        "Confirmed: Lesson with Carla Consultant, every 2 weeks from Wed 4 Dec, 6:00 AM (JST)"
    )
    assert "Repeats every 2 weeks, 3 sessions in all." in email.body
    # The lines above the list are the first session's, and say so.
    assert "First: Wed 4 Dec, 6:00 AM (JST) until 7:00 AM\n" in email.body
    assert "When:" not in email.body
    # Each session with its links in the list, the first too (its join link is also on the Join
    # line): the client changes each session from its own line, not from one link for all.
    listed = re.findall(r"  - (.+)  (\S+)\n    Reschedule or cancel: (\S+)\n", email.body)
    assert [(when, join) for when, join, _ in listed] == [
        ("Wed 4 Dec, 6:00 AM (JST)", JOIN_URL),
        ("Wed 18 Dec, 6:00 AM (JST)", JOIN_URL),
        ("Wed 1 Jan, 6:00 AM (JST)", JOIN_URL),
    ]
    series = list(Session.objects.filter(series__isnull=False).order_by("start"))
    assert [manage_token_in(manage) for _, _, manage in listed] == [
        {"s": s.pk, "c": student.pk} for s in series
    ]
    assert "Need to reschedule or cancel?" not in email.body
    html = email.alternatives[0].content
    assert html.count(">reschedule or cancel</a>") == 3
    assert "Reschedule or cancel this session" not in html
    assert ">First</td>" in html and ">When</td>" not in html
    assert ">Join the first session</a>" in html and "Join the session<" not in html
    (to_host,) = sent_to("carla@acme.test")
    assert "Reschedule or cancel" not in to_host.body
    events = invite_events(email)
    assert [e.decoded("DTSTART") for e in events] == [
        START,
        START + dt.timedelta(weeks=2),
        START + dt.timedelta(weeks=4),
    ]
    assert len({str(e["UID"]) for e in events}) == 3


def test_a_series_with_an_end_date_says_until_when(consultant, student, lesson):
    book(consultant, [student], lesson, repeat=Repeat(until=dt.date(2030, 12, 20)))
    run_worker_until_idle("emails")
    (email,) = sent_to("carla@acme.test")
    assert email.subject == "Confirmed: Lesson with Stu Student, weekly from Tue 3 Dec, 4:00 PM (EST)"
    assert "Repeats every week until 20 Dec 2030." in email.body


def test_cancelling_one_occurrence_of_a_series_tells_both_sides(consultant, student, lesson):
    first = book(consultant, [student], lesson, repeat=Repeat(count=2))
    run_worker_until_idle("emails")
    second = first.series.sessions.get(series_index=1)
    cancel_session(second, actor=consultant)
    assert run_worker_until_idle("emails") == 2
    (_, cancelled) = sent_to("stu@example.test")
    assert cancelled.subject == "Cancelled: Lesson with Carla Consultant on Wed 11 Dec, 6:00 AM (JST)"
    (event,) = invite_events(cancelled)
    assert str(event["UID"]) == f"session-{second.pk}@localhost"
    assert event["SEQUENCE"] == 1


def test_a_booking_cancelled_before_its_email_went_out_is_skipped(session, consultant):
    cancel_session(session, actor=consultant)
    assert run_worker_until_idle("emails") == 0
    assert mail.outbox == []
    assert [s for _k, _t, s in states()] == [EmailState.SKIPPED] * 4


def test_a_reschedule_before_the_confirmation_went_out_sends_one_email_with_the_new_time(session, consultant):
    reschedule_session(session, start=START + dt.timedelta(hours=2), actor=consultant)
    assert run_worker_until_idle("emails") == 2
    (email,) = sent_to("stu@example.test")
    assert email.subject == "Confirmed: Lesson with Carla Consultant on Wed 4 Dec, 8:00 AM (JST)"
    assert [k for k, t, s in states() if s == EmailState.SKIPPED] == ["rescheduled", "rescheduled"]


def test_a_rename_sends_updated_details(session, consultant):
    run_worker_until_idle("emails")
    update_session(session, SessionChanges(title="Algebra"), actor=consultant)
    assert run_worker_until_idle("emails") == 2
    (_, updated) = sent_to("stu@example.test")
    assert updated.subject == "Updated: Algebra with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert "The details of your Algebra with Carla Consultant have changed." in updated.body


def test_a_new_attendee_gets_a_confirmation(session, consultant, org):
    run_worker_until_idle("emails")
    ana = Client.objects.create(
        org=org, name="Ana Attendee", email="ana@example.test", timezone="Europe/Paris"
    )
    update_session(session, SessionChanges(clients=[*session.clients.all(), ana]), actor=consultant)
    run_worker_until_idle("emails")
    (email,) = sent_to("ana@example.test")
    assert email.subject == "Confirmed: Lesson with Carla Consultant on Tue 3 Dec, 10:00 PM (CET)"
    assert "Your Lesson with Carla Consultant is confirmed." in email.body


def test_a_removed_attendee_gets_a_cancellation(session, consultant, student, org):
    run_worker_until_idle("emails")
    ana = Client.objects.create(org=org, name="Ana Attendee", email="ana@example.test")
    update_session(session, SessionChanges(clients=[ana]), actor=consultant)
    assert run_worker_until_idle("emails") == 3
    (_, removed) = sent_to("stu@example.test")
    assert removed.subject == "Cancelled: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert "You are no longer on the Lesson with Carla Consultant." in removed.body
    (event,) = invite_events(removed)
    assert str(event["STATUS"]) == "CANCELLED"
    assert [m.subject for m in sent_to("ana@example.test")] == [
        "Confirmed: Lesson with Carla Consultant on Tue 3 Dec, 4:00 PM (EST)"
    ]
    (_, carla) = sent_to("carla@acme.test")
    assert carla.subject == "Updated: Lesson with Ana Attendee on Tue 3 Dec, 4:00 PM (EST)"


def test_a_new_consultant_is_told_and_the_old_one_released(session, consultant, consultant2):
    run_worker_until_idle("emails")
    update_session(session, SessionChanges(consultant=consultant2), actor=consultant)
    assert run_worker_until_idle("emails") == 3
    assert [m.subject for m in sent_to("dev@acme.test")] == [
        "Confirmed: Lesson with Stu Student on Tue 3 Dec, 9:00 PM (GMT)"
    ]
    (_, carla) = sent_to("carla@acme.test")
    assert carla.subject == "Cancelled: Lesson with Stu Student on Tue 3 Dec, 4:00 PM (EST)"
    (_, stu) = sent_to("stu@example.test")
    assert stu.subject == "Updated: Lesson with Dev Consultant on Wed 4 Dec, 6:00 AM (JST)"


def test_an_in_person_session_shows_where(consultant, student, lesson):
    book(consultant, [student], lesson, provider=Provider.NONE)
    run_worker_until_idle("emails")
    (email,) = sent_to("stu@example.test")
    assert "Where: Room 4, 12 High Street" in email.body
    assert "When:  Wed 4 Dec, 6:00 AM (JST) until 7:00 AM\n" in email.body
    assert "First:" not in email.body
    assert "Join:" not in email.body
    (event,) = invite_events(email)
    assert str(event["LOCATION"]) == "Room 4, 12 High Street"
    assert "URL" not in event


def test_it_refuses_an_unknown_kind(session):
    with pytest.raises(ValueError, match="Unknown session email kind 'moved'"):
        actions.session_event(session, "moved")
    assert OutboundEmail.objects.count() == 2


def test_queue_email_sends_a_ready_made_email_as_it_is(org):
    email = actions.queue_email(
        to="new@acme.test",
        subject="You are invited",
        body_text="Join Acme.",
        body_html="<p>Join Acme.</p>",
        kind="invitation",
        org=org,
    )
    assert email.state == EmailState.PENDING
    assert run_worker_until_idle("emails") == 1
    (message,) = mail.outbox
    assert (message.to, message.subject, message.body) == (["new@acme.test"], "You are invited", "Join Acme.")
    assert message.alternatives[0].content == "<p>Join Acme.</p>"
    assert message.attachments == []
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)


def test_a_claimed_email_is_not_claimed_twice(session):
    claimed = sender._claim(10)
    assert len(claimed) == 2
    assert sender._claim(10) == []
    assert sender.send_due() == 0
    assert mail.outbox == []


def test_an_expired_lease_is_claimed_again(session):
    sender._claim(10)
    OutboundEmail.objects.update(lease_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert sender.send_due() == 2
    assert len(mail.outbox) == 2


def test_a_session_without_clients_names_only_the_other_hosts(consultant, consultant2, lesson):
    """Nobody is told they meet themselves: a consultant's own session without clients names nobody,
    and with a co-host each host is told of the other."""
    book(consultant, [], lesson, title="Planning")
    book(consultant, [], lesson, title="Review", co_hosts=[consultant2], start=START + dt.timedelta(days=1))
    assert run_worker_until_idle("emails") == 3
    planning, review = sent_to("carla@acme.test")
    assert planning.subject == "Confirmed: Planning on Tue 3 Dec, 4:00 PM (EST)"
    assert "A Planning was booked for you." in planning.body
    assert "With:" not in planning.body
    assert "Carla Consultant" not in planning.subject + planning.body.replace("Hello Carla Consultant,", "")
    assert review.subject == "Confirmed: Review with Dev Consultant on Wed 4 Dec, 4:00 PM (EST)"
    assert "A Review with Dev Consultant was booked for you." in review.body
    assert "With:  Dev Consultant" in review.body
    (dev,) = sent_to("dev@acme.test")
    assert dev.subject == "Confirmed: Review with Carla Consultant on Wed 4 Dec, 9:00 PM (GMT)"
    assert "A Review with Carla Consultant was booked for you." in dev.body
