"""Join links that arrive together reach each person in one email, not one per session.

A series booked before its host connected Zoom is confirmed without links; once the host connects
(or replaces their Zoom account), the worker makes the meetings of the coming sessions within
seconds of each other: a series' occurrences, and every single session they host. Each link still
gets its own row (so each session's history says what its attendees were shown), but a person's rows
wait ``EMAIL_LINK_WAIT_SECONDS`` and go as one email: those of one series, or of sessions with the
same host, title and people.
"""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications import content
from sessiondesk.notifications.actions import meeting_link_ready
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling.actions import cancel_session
from sessiondesk.scheduling.models import Client, Provider
from sessiondesk.scheduling.recurrence import Repeat
from tests.conftest import login
from tests.integrations.zoom.conftest import connect_through_pages
from tests.integrations.zoom.meeting_fixtures import unpaced  # noqa: F401 (pacing off)
from tests.notifications.helpers import (
    START,
    book,
    free_port,
    ics_of,
    manage_token_in,
    smtp_mailers,
    subject_of,
    text_of,
)
from tests.support.worker import run_worker_until_idle


def url(n: int) -> str:
    return f"https://zoom.example.test/j/90000000{n}"


def booked_and_told(consultant, student, lesson, count=4):
    """A weekly series on Zoom whose confirmations went out without links (the wait ran out)."""
    first = book(consultant, [student], lesson, provider=Provider.ZOOM, repeat=Repeat(count=count))
    OutboundEmail.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert run_worker_until_idle("emails") == 2
    assert all("the join link follows in a separate email" in m.body for m in mail.outbox)
    mail.outbox.clear()
    return list(first.series.sessions.order_by("series_index"))


def link_arrives(session, n: int) -> None:
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.ACTIVE, join_url=url(n), applied_version=1
    )
    meeting_link_ready(session)


def gathered() -> None:
    """Pretend the gathering wait is over."""
    OutboundEmail.objects.filter(state=EmailState.PENDING).update(not_before=timezone.now())


def events(message) -> list:
    (ics,) = [content for _name, content, _type in message.attachments]
    return Calendar.from_ical(ics).walk("VEVENT")


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_links_arriving_together_go_as_one_email_a_person(consultant, student, lesson):
    sessions = booked_and_told(consultant, student, lesson)
    before = timezone.now()
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    rows = OutboundEmail.objects.filter(state=EmailState.PENDING)
    assert rows.count() == 8  # one a session and a person, so each session's history stays whole
    assert all(row.not_before > before for row in rows)
    assert send_due() == 0  # still gathering
    assert mail.outbox == []

    gathered()
    assert run_worker_until_idle("emails") == 2
    (email,) = to("stu@example.test")
    assert (
        email.subject
        == "Updated: Lesson with Carla Consultant, join links for 4 sessions from Wed 4 Dec, 6:00 AM (JST)"
    )
    assert "The join links for your Lesson with Carla Consultant are ready." in email.body
    assert f"First: Wed 4 Dec, 6:00 AM (JST) until 7:00 AM\nJoin:  {url(0)}\n" in email.body
    for n, day in enumerate(["Wed 4 Dec", "Wed 11 Dec", "Wed 18 Dec", "Wed 25 Dec"]):
        assert f"  - {day}, 6:00 AM (JST)  {url(n)}" in email.body
    html = email.alternatives[0].content
    assert all(html.count(f'href="{url(n)}"') == 1 for n in range(1, 4))  # each in the list
    assert html.count(f'href="{url(0)}"') == 3  # the Join line, the button and the list
    found = events(email)
    assert [str(e["UID"]) for e in found] == [f"session-{s.pk}@localhost" for s in sessions]
    assert [str(e["URL"]) for e in found] == [url(n) for n in range(4)]
    assert [e["SEQUENCE"] for e in found] == [1, 1, 1, 1]  # each updates its booked entry
    (carla,) = to("carla@acme.test")
    assert carla.subject.startswith("Updated: Lesson with Stu Student, join links for 4 sessions from ")

    rows = OutboundEmail.objects.filter(kind="updated").order_by("pk")
    assert {row.state for row in rows} == {EmailState.SENT}
    for address in ("stu@example.test", "carla@acme.test"):
        mine = [row for row in rows if row.to == address]
        first = mine[0]
        assert [row.context.get("sent_with") for row in mine] == [None, first.pk, first.pk, first.pk]
        # Each row remembers the link it told of, for its own session.
        assert [row.context["shown"]["join_url"] for row in mine] == [url(n) for n in range(4)]


def test_telling_again_sends_nothing_and_a_new_link_goes_alone(consultant, student, lesson):
    sessions = booked_and_told(consultant, student, lesson)
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    gathered()
    run_worker_until_idle("emails")
    mail.outbox.clear()

    for session in sessions:
        meeting_link_ready(session)
    assert OutboundEmail.objects.filter(state=EmailState.PENDING).count() == 0

    link_arrives(sessions[2], 7)  # a meeting made again: its link changed
    gathered()
    assert run_worker_until_idle("emails") == 2
    (email,) = to("stu@example.test")
    assert email.subject == "Updated: Lesson with Carla Consultant on Wed 18 Dec, 6:00 AM (JST)"
    assert "The join link for your Lesson with Carla Consultant is ready." in email.body
    assert f"Join:  {url(7)}" in email.body
    (event,) = events(email)
    assert (str(event["UID"]), str(event["URL"]), event["SEQUENCE"]) == (
        f"session-{sessions[2].pk}@localhost",
        url(7),
        2,
    )


def test_a_session_cancelled_while_gathering_is_left_out(consultant, student, lesson):
    sessions = booked_and_told(consultant, student, lesson, count=3)
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    cancel_session(sessions[1], actor=consultant)
    gathered()
    run_worker_until_idle("emails")
    (cancelled, update) = sorted(to("stu@example.test"), key=lambda m: m.subject)
    assert cancelled.subject.startswith("Cancelled: ")
    assert update.subject.startswith("Updated: Lesson with Carla Consultant, join links for 2 sessions from ")
    assert [str(e["URL"]) for e in events(update)] == [url(0), url(2)]
    assert url(1) not in update.body
    skipped = OutboundEmail.objects.filter(kind="updated", session=sessions[1], state=EmailState.SKIPPED)
    assert skipped.count() == 2


def test_one_link_of_a_series_goes_as_the_email_of_that_session(consultant, student, lesson):
    sessions = booked_and_told(consultant, student, lesson, count=2)
    link_arrives(sessions[1], 1)  # the later one, alone (its meeting was due first)
    gathered()
    assert run_worker_until_idle("emails") == 2
    (email,) = to("stu@example.test")
    assert email.subject == "Updated: Lesson with Carla Consultant on Wed 11 Dec, 6:00 AM (JST)"
    assert f"Join:  {url(1)}" in email.body
    assert "join links for" not in email.body
    assert [str(e["URL"]) for e in events(email)] == [url(1)]


def test_a_failed_send_keeps_the_gathered_rows_together(consultant, student, lesson, settings):
    sessions = booked_and_told(consultant, student, lesson, count=2)
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    gathered()
    locmem = settings.MAILERS
    settings.MAILERS = smtp_mailers(free_port())  # nothing listens there
    assert send_due() == 0
    rows = OutboundEmail.objects.filter(kind="updated")
    assert {(row.state, row.attempts) for row in rows} == {(EmailState.PENDING, 1)}
    assert all(row.lease_until is None and row.not_before > timezone.now() for row in rows)
    assert all(row.last_error.startswith("ConnectionRefusedError: ") for row in rows)
    settings.MAILERS = locmem
    gathered()
    assert run_worker_until_idle("emails") == 2
    (email,) = to("stu@example.test")
    assert "join links for 2 sessions" in email.subject


def test_a_series_booked_before_zoom_was_connected_gets_one_email_of_links(
    client, zoom, smtp, consultant, student, lesson
):
    """The whole way: the worker makes the meetings at the emulator once the host connects, and each
    person's links arrive over SMTP in one email."""
    first = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    series = book(
        consultant, [student], lesson, start=first, provider=Provider.ZOOM, repeat=Repeat(count=6)
    ).series
    run_worker_until_idle("meetings")  # nobody can host them yet: blocked, so nothing waits for them
    assert run_worker_until_idle("emails") == 2
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")  # which makes their meetings due again
    meetings = run_worker_until_idle("meetings")
    sessions = list(series.sessions.order_by("start"))
    links = [MeetingLink.objects.get(session=s) for s in sessions]
    assert [link.state for link in links] == [LinkState.ACTIVE] * 5 + [LinkState.WAITING]  # 30 days
    assert meetings >= 5
    assert run_worker_until_idle("emails") == 0  # gathering
    gathered()
    assert run_worker_until_idle("emails") == 2
    (confirmed, update) = smtp.to("stu@example.test")
    # Nobody could host it then: online, with no promise of a link.
    assert "Join:  online; the join link is not ready yet" in text_of(confirmed).splitlines()
    assert "follows" not in text_of(confirmed)
    assert subject_of(update).startswith(
        "Updated: Lesson with Carla Consultant, join links for 5 sessions from "
    )
    body = text_of(update).replace("\r\n", "\n")  # SMTP's line ends
    own = content.join_urls(sessions[:5], student)  # her own links: Zoom registered her for each
    assert len(set(own.values())) == 5 and all(u.startswith("http://zoom.test/") for u in own.values())
    assert f"Join:  {own[sessions[0].pk]}" in body
    for session in sessions[:5]:
        assert f"  - {content.format_when(session.start, 'Asia/Tokyo')}  {own[session.pk]}\n" in body
    found = Calendar.from_ical(ics_of(update)).walk("VEVENT")
    assert [str(e["URL"]) for e in found] == [own[s.pk] for s in sessions[:5]]
    assert [e["SEQUENCE"] for e in found] == [1] * 5
    assert len(smtp.to("carla@acme.test")) == 2


def test_a_link_planned_for_weeks_ahead_holds_no_email(client, zoom, smtp, consultant, student, lesson):
    """The meeting of a series' session more than 30 days ahead is made when it comes within the
    horizon: the confirmation does not wait for it."""
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    first = book(
        consultant,
        [student],
        lesson,
        start=start,
        provider=Provider.ZOOM,
        repeat=Repeat(every_weeks=5, count=2),
    )
    run_worker_until_idle("meetings")
    links = MeetingLink.objects.filter(session__series=first.series).order_by("session__start")
    assert [(link.state, link.waiting_for) for link in links] == [("active", ""), ("waiting", "horizon")]
    assert run_worker_until_idle("emails") == 2  # at once: no wait for the link weeks away
    (confirmed,) = smtp.to("stu@example.test")
    body = text_of(confirmed).replace("\r\n", "\n")
    assert f"Join:  {content.join_url(first, student)}\n" in body
    assert f"  - {content.format_when(start + dt.timedelta(weeks=5), 'Asia/Tokyo')}\n" in body  # no link yet


def singles_told(consultant, lesson, bookings):
    """Single sessions on Zoom, one a week from START, each (clients, title), confirmed without links."""
    sessions = [
        book(
            consultant,
            clients,
            lesson,
            provider=Provider.ZOOM,
            title=title,
            start=START + dt.timedelta(weeks=n),
        )
        for n, (clients, title) in enumerate(bookings)
    ]
    OutboundEmail.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert run_worker_until_idle("emails") == sum(len(clients) + 1 for clients, _ in bookings)
    mail.outbox.clear()
    return sessions


def test_single_sessions_of_one_host_whose_links_arrive_together_go_as_one_email(consultant, student, lesson):
    sessions = singles_told(consultant, lesson, [([student], "Lesson")] * 3)
    assert {s.series_id for s in sessions} == {None}
    before = timezone.now()
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    rows = OutboundEmail.objects.filter(state=EmailState.PENDING)
    assert rows.count() == 6
    assert all(row.not_before > before for row in rows)
    assert send_due() == 0  # still gathering

    gathered()
    assert run_worker_until_idle("emails") == 2
    (email,) = to("stu@example.test")
    assert (
        email.subject
        == "Updated: Lesson with Carla Consultant, join links for 3 sessions from Wed 4 Dec, 6:00 AM (JST)"
    )
    for n, day in enumerate(["Wed 4 Dec", "Wed 11 Dec", "Wed 18 Dec"]):
        assert f"  - {day}, 6:00 AM (JST)  {url(n)}" in email.body
    # Each session can be changed from its own line, as from its own email before.
    manage = re.findall(r"\n    Reschedule or cancel: (\S+)\n", email.body)
    assert [manage_token_in(link) for link in manage] == [{"s": s.pk, "c": student.pk} for s in sessions]
    assert [str(e["UID"]) for e in events(email)] == [f"session-{s.pk}@localhost" for s in sessions]
    assert [str(e["URL"]) for e in events(email)] == [url(n) for n in range(3)]
    (carla,) = to("carla@acme.test")
    assert carla.subject.startswith("Updated: Lesson with Stu Student, join links for 3 sessions from ")
    assert {row.state for row in OutboundEmail.objects.filter(kind="updated")} == {EmailState.SENT}


def test_link_news_of_sessions_with_other_people_or_titles_goes_on_its_own(consultant, student, lesson):
    sam = Client.objects.create(
        org=consultant.org, name="Sam Pupil", email="sam@example.test", timezone="UTC"
    )
    sessions = singles_told(
        consultant, lesson, [([student], "Lesson"), ([sam], "Lesson"), ([student], "Essay review")]
    )
    for n, session in enumerate(sessions):
        link_arrives(session, n)
    gathered()
    assert run_worker_until_idle("emails") == 6
    assert sorted(m.subject for m in to("stu@example.test")) == [
        "Updated: Essay review with Carla Consultant on Wed 18 Dec, 6:00 AM (JST)",
        "Updated: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)",
    ]
    (to_sam,) = to("sam@example.test")
    assert to_sam.subject == "Updated: Lesson with Carla Consultant on Tue 10 Dec, 9:00 PM (UTC)"
    assert [str(e["URL"]) for e in events(to_sam)] == [url(1)]
    carla = to("carla@acme.test")
    assert len(carla) == 3
    assert not any("join links for" in m.subject for m in carla)
    rows = OutboundEmail.objects.filter(kind="updated")
    assert rows.count() == 6  # a row a session and a person
    assert {row.state for row in rows} == {EmailState.SENT}
    assert [row.context.get("sent_with") for row in rows] == [None] * 6
