"""Helpers for notification tests: book through the real flows, read what a local SMTP server
received (``tests.support.worker`` runs the worker's email job)."""

import datetime as dt
import email
import re
import socket
from email import policy
from email.message import EmailMessage

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.actions import SessionDraft, schedule_session
from sessiondesk.scheduling.links import read_booking_token
from sessiondesk.scheduling.models import Client, Provider, Session, SessionType
from sessiondesk.scheduling.recurrence import Repeat

# Tue 3 Dec 2030, 4:00 PM in New York (EST): far enough ahead to stay in the future.
START = dt.datetime(2030, 12, 3, 21, 0, tzinfo=dt.UTC)
JOIN_URL = "https://meet.example.test/j/123456"


def book(
    consultant: Member,
    clients: list[Client],
    session_type: SessionType,
    *,
    start: dt.datetime = START,
    provider: str = Provider.CUSTOM,
    custom_meeting_url: str = JOIN_URL,
    repeat: Repeat | None = None,
    co_hosts: list[Member] | None = None,
    title: str = "Lesson",
) -> Session:
    draft = SessionDraft(
        title=title,
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=session_type,
        consultant=consultant,
        clients=clients,
        co_hosts=co_hosts or [],
        is_online=provider != Provider.NONE,
        provider=provider,
        custom_meeting_url=custom_meeting_url if provider == Provider.CUSTOM else "",
        location="" if provider != Provider.NONE else "Room 4, 12 High Street",
    )
    # About emails: a Zoom meeting may wait for its host (nobody has connected Zoom here).
    return schedule_session(consultant.org, draft, actor=consultant, repeat=repeat, host_later=True)


class Inbox:
    """What a local SMTP server received: one parsed message per recipient address."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for e, m in zip(self.envelopes, self.messages(), strict=True) if address in e.rcpt_tos]


def manage_token_in(text: str) -> dict[str, int] | None:
    """The booking a manage link in ``text`` opens (links are signed with a timestamp, so compare
    what they decode to)."""
    found = re.search(r"/manage/([^/\s]+)/", text)
    return read_booking_token(found.group(1)) if found else None


def smtp_mailers(port: int) -> dict:
    """MAILERS sending through the SMTP server on localhost ``port``."""
    options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5}
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ics_of(message: EmailMessage) -> str:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_content()


def subject_of(message: EmailMessage) -> str:
    # Python folds a long Subject onto the next line; the unfolded value keeps that one space.
    return str(message["Subject"]).strip()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
