"""Calendar invites (.ics, RFC 5546): REQUEST for new or changed sessions, CANCEL for cancelled ones."""

import datetime as dt
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sessiondesk.notifications.content import hosts_phrase
from sessiondesk.scheduling.models import Session

PRODID = "-//SessionDesk//Sessions//EN"


def uid(session: Session) -> str:
    """Stable per session, so every later invite updates the same calendar entry."""
    host = urlsplit(settings.SITE_URL).hostname or "sessiondesk"
    return f"session-{session.pk}@{host}"


@dataclass
class Entry:
    session: Session
    join_url: str = ""
    manage_url: str = ""
    sequence: int = 0  # how many invites for this session the attendee had before this one


def invite(entries: list[Entry], *, method: str, attendee_email: str, attendee_name: str) -> str:
    """One VCALENDAR with a VEVENT per session (a series lists each occurrence)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    for entry in entries:
        cal.add_component(
            _event(
                entry.session,
                method,
                entry.sequence,
                attendee_email,
                attendee_name,
                entry.join_url,
                entry.manage_url,
            )
        )
    return cal.to_ical().decode()


def _event(
    session: Session,
    method: str,
    sequence: int,
    attendee_email: str,
    attendee_name: str,
    join_url: str,
    manage_url: str,
) -> Event:
    event = Event()
    event.add("uid", uid(session))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", session.start.astimezone(dt.UTC))
    event.add("dtend", session.end.astimezone(dt.UTC))
    event.add("summary", session.title)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    location = join_url or session.location
    if location:
        event.add("location", location)
    if join_url:
        event.add("url", join_url)
    event.add("description", _description(session, join_url, manage_url))
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText(session.consultant.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    return event


def _description(session: Session, join_url: str, manage_url: str) -> str:
    lines = [f"{session.title} with {hosts_phrase(session)}"]
    if session.agenda:
        lines += ["", session.agenda]
    if join_url:
        lines += ["", f"Join: {join_url}"]
    elif session.location:
        lines += ["", f"Where: {session.location}"]
    if manage_url:
        lines += ["", f"Reschedule or cancel: {manage_url}"]
    return "\n".join(lines)


def _from_address() -> str:
    """The bare address of DEFAULT_FROM_EMAIL: replies to invites go to a mailbox we control, not the
    consultant's, whose calendar would otherwise treat the invite as its own."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "no-reply@sessiondesk.localhost"
