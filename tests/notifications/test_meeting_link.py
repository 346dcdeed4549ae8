"""The confirmation waits briefly for a provider's join link; a link that comes later is sent on."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from sessiondesk.meetings.models import LinkState, MeetingLink, Registration
from sessiondesk.notifications.actions import meeting_link_ready
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.notifications.sender import send_due
from sessiondesk.scheduling.actions import cancel_session
from sessiondesk.scheduling.models import Provider
from tests.integrations.zoom.meeting_fixtures import due_now, unpaced  # noqa: F401
from tests.notifications.helpers import book
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

ZOOM_URL = "https://zoom.example.test/j/987654321"
CARLA = "carla@zoom.acme.test"


def link_arrives(session, url: str = ZOOM_URL) -> None:
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.ACTIVE, join_url=url, applied_version=1
    )
    meeting_link_ready(session)


def gathered() -> None:
    """Pretend the wait of link news (for other links arriving with it) is over."""
    OutboundEmail.objects.filter(state=EmailState.PENDING).update(not_before=timezone.now())


def wait_over() -> None:
    """Pretend the emails were queued longer ago than the wait for the link."""
    OutboundEmail.objects.update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.EMAIL_LINK_WAIT_SECONDS + 1)
    )


def event_of(message):
    (ics,) = [content for _name, content, _type in message.attachments]
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def book_on_zoom(consultant, student, lesson):
    """Booked through the real flow, so the confirmations wait in the queue."""
    session = book(consultant, [student], lesson, provider=Provider.ZOOM)
    assert MeetingLink.objects.get(session=session).state == LinkState.PENDING
    return session


def test_the_confirmation_waits_for_the_link(consultant, student, lesson):
    book_on_zoom(consultant, student, lesson)
    before = timezone.now()
    assert send_due() == 0
    assert mail.outbox == []
    rows = list(OutboundEmail.objects.all())
    assert [(r.state, r.attempts, r.lease_until) for r in rows] == [(EmailState.PENDING, 0, None)] * 2
    assert all(r.not_before > before for r in rows)


def test_a_link_that_arrives_in_time_is_in_the_confirmation(consultant, student, lesson):
    session = book_on_zoom(consultant, student, lesson)
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
    session = book_on_zoom(consultant, student, lesson)
    wait_over()
    assert run_worker_until_idle("emails") == 2
    (first,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert "the join link follows in a separate email" in first.body
    assert "URL" not in event_of(first)

    before = timezone.now()
    link_arrives(session)
    pending = OutboundEmail.objects.filter(state=EmailState.PENDING).order_by("to")
    assert list(pending.values_list("kind", "to")) == [
        ("updated", "carla@acme.test"),
        ("updated", "stu@example.test"),
    ]
    # It waits for other links arriving with it (a host connecting Zoom), to go with them.
    assert all(
        row.not_before >= before + dt.timedelta(seconds=settings.EMAIL_LINK_WAIT_SECONDS) for row in pending
    )
    assert run_worker_until_idle("emails") == 0
    gathered()
    assert run_worker_until_idle("emails") == 2
    (_, update) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert update.subject == "Updated: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"
    assert "The join link for your Lesson with Carla Consultant is ready." in update.body
    assert f"Join:  {ZOOM_URL}" in update.body
    event = event_of(update)
    assert (str(event["URL"]), event["SEQUENCE"]) == (ZOOM_URL, 1)


def test_telling_twice_that_the_link_is_ready_sends_one_update(consultant, student, lesson):
    session = book_on_zoom(consultant, student, lesson)
    wait_over()
    run_worker_until_idle("emails")
    link_arrives(session)
    gathered()
    run_worker_until_idle("emails")
    meeting_link_ready(session)
    assert OutboundEmail.objects.filter(kind="updated").count() == 2
    assert run_worker_until_idle("emails") == 0


def test_a_new_join_link_is_sent_on(consultant, student, lesson):
    session = book_on_zoom(consultant, student, lesson)
    link_arrives(session)
    run_worker_until_idle("emails")
    link_arrives(session, "https://zoom.example.test/j/111")
    gathered()
    assert run_worker_until_idle("emails") == 2
    (_, update) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert "Join:  https://zoom.example.test/j/111" in update.body


def test_no_update_for_a_cancelled_session(consultant, student, lesson):
    session = book_on_zoom(consultant, student, lesson)
    wait_over()
    run_worker_until_idle("emails")
    cancel_session(session, actor=consultant)
    session.refresh_from_db()
    link_arrives(session)
    assert OutboundEmail.objects.filter(kind="updated").count() == 0


def test_a_blocked_link_does_not_hold_the_email(consultant, student, lesson):
    session = book_on_zoom(consultant, student, lesson)
    MeetingLink.objects.filter(session=session).update(
        state=LinkState.BLOCKED, remedy="Carla must connect Zoom"
    )
    assert send_due() == 2
    (to_student,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    # Online, said without promising a link that waits for someone to act.
    assert "Join:  online; the join link is not ready yet\n" in to_student.body
    assert "follows" not in to_student.body
    assert "Online; the join link is not ready yet." in to_student.alternatives[0].content


def test_a_link_made_on_the_retry_after_a_zoom_timeout_is_in_the_confirmation(
    zoom, consultant, student, lesson
):
    connect(zoom.http, consultant, CARLA)
    fault = {"kind": "timeout", "path": "/v2/users/*/meetings", "methods": ["POST"], "count": 1}
    assert zoom.http.post("/_emulator/faults", json=fault).status_code == 201
    session = book_on_zoom(consultant, student, lesson)
    run_worker_until_idle()
    assert MeetingLink.objects.get(session=session).state == LinkState.PENDING
    # The create that timed out took ZOOM_HTTP_TIMEOUT, and its retry comes up to 2 s later.
    spent = dt.timedelta(seconds=settings.ZOOM_HTTP_TIMEOUT + 2)
    OutboundEmail.objects.update(created_at=F("created_at") - spent)
    assert send_due() == 0
    assert mail.outbox == []
    due_now(session)
    run_worker_until_idle()
    join_url = MeetingLink.objects.get(session=session).join_url
    own_url = Registration.objects.get(session=session, client=student).join_url  # the student's own link
    assert run_worker_until_idle("emails") == 2
    assert OutboundEmail.objects.count() == 2  # no "updated" email follows
    (to_student,) = [m for m in mail.outbox if m.to == ["stu@example.test"]]
    assert to_student.subject.startswith("Confirmed: ")
    assert f"Join:  {own_url}" in to_student.body
    (to_host,) = [m for m in mail.outbox if m.to == [consultant.email]]
    assert f"Join:  {join_url}" in to_host.body


def settings_of(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the settings module in a fresh process with ``env`` and print the link wait."""
    environ = {k: v for k, v in os.environ.items() if k != "EMAIL_LINK_WAIT_SECONDS"}
    environ.update(SESSIONDESK_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="sessiondesk.settings", **env)
    code = "from django.conf import settings; print(settings.EMAIL_LINK_WAIT_SECONDS)"
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_wait_is_read_from_the_environment(tmp_path):
    assert settings_of(tmp_path).stdout == "30.0\n"
    assert settings_of(tmp_path, EMAIL_LINK_WAIT_SECONDS="45").stdout == "45.0\n"
    assert settings_of(tmp_path, EMAIL_LINK_WAIT_SECONDS="0").stdout == "0.0\n"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("-1", "EMAIL_LINK_WAIT_SECONDS must be at least 0, not '-1'"),
        ("soon", "EMAIL_LINK_WAIT_SECONDS must be a number, not 'soon'"),
    ],
)
def test_it_refuses_a_wait_that_is_not_a_number_of_seconds(tmp_path, raw, error):
    done = settings_of(tmp_path, EMAIL_LINK_WAIT_SECONDS=raw)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines()[-1] == f"sessiondesk.lib.env.ConfigError: {error}"
