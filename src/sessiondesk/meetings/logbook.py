"""What the worker tells the log about meeting links: one line per event an operator needs to see.

A failure names what failed and its remedy, and what happens next: a retry with its delay, a wait
until a time, or a stop until a person acts. A takeover names the worker whose lease ran out; an
adoption names the meeting an interrupted pass had made. Each line starts
``meeting link <id> (session <id>):`` and carries ``link_id`` and ``session_id`` as fields (the
JSON log shows them), so a log system can follow one session. No line holds a token, join link or
passcode: meetings are named by their id.
"""

import datetime as dt
import logging
from typing import Any

from sessiondesk.meetings import horizon
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers import ProviderError

log = logging.getLogger("sessiondesk.meetings")


def _line(
    level: int, link_id: int, session_id: int, text: str, *args: Any, exc_info: bool = False, **fields: Any
) -> None:
    prefix = "meeting link %s (session %s): "
    extra = {"link_id": link_id, "session_id": session_id, **fields}
    log.log(level, prefix + text, link_id, session_id, *args, extra=extra, exc_info=exc_info)


def _failure(link: MeetingLink, error: ProviderError) -> str:
    what = f"{link.provider} {error.operation}" if error.operation else link.provider
    return f"{what} failed: {error.message.rstrip('.')}"


def retrying(link: MeetingLink, error: ProviderError, remedy: str, attempt: int, delay: float) -> None:
    _line(
        logging.WARNING, link.pk, link.session_id, "%s; retry %s in %.1f s. Remedy: %s",
        _failure(link, error), attempt, delay, remedy,
        operation=error.operation, attempt=attempt, retry_in_seconds=round(delay, 1),
    )  # fmt: skip


def waiting(link: MeetingLink, error: ProviderError, remedy: str, until: dt.datetime) -> None:
    level = logging.DEBUG if isinstance(error, horizon.NotYet) else logging.INFO
    _line(
        level, link.pk, link.session_id, "waits until %s: %s. Remedy: %s",
        f"{until.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC", error.message.rstrip("."), remedy, operation=error.operation,
    )  # fmt: skip


def blocked(link: MeetingLink, error: ProviderError, remedy: str) -> None:
    _line(
        logging.WARNING, link.pk, link.session_id, "%s; stopped until someone acts. Remedy: %s",
        _failure(link, error), remedy or "none known: see the session's meeting block", operation=error.operation,
    )  # fmt: skip


def superseded(link: MeetingLink, error: ProviderError) -> None:
    _line(
        logging.WARNING, link.pk, link.session_id, "%s; the session changed meanwhile, so the change is tried again at once",
        _failure(link, error), operation=error.operation,
    )  # fmt: skip


def unexpected(link: MeetingLink) -> None:
    """From inside an ``except``: a failure that is not the provider's, with its traceback."""
    _line(logging.ERROR, link.pk, link.session_id, "failed unexpectedly", exc_info=True)


def lease_lost(link: MeetingLink, what: str) -> None:
    _line(
        logging.WARNING, link.pk, link.session_id,
        "the worker's lease ran out before it saved %s; the worker that took the link over carries on", what,
    )  # fmt: skip


def recovered(link: MeetingLink) -> None:
    _line(logging.INFO, link.pk, link.session_id, "retry %s succeeded", link.attempts, attempt=link.attempts)


def taken_over(link_id: int, session_id: int, previous: str, expired: dt.datetime) -> None:
    _line(
        logging.WARNING, link_id, session_id,
        "taken over from worker %s, whose lease ran out at %s without a result (it stopped, hung or lost the "
        "database); an unfinished create is looked for before anything is made again",
        previous, f"{expired.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
    )  # fmt: skip


def adopted(link: MeetingLink, provider: str, meeting_id: str) -> None:
    _line(
        logging.INFO, link.pk, link.session_id,
        "adopted %s meeting %s, which an earlier pass created but never saved (its answer was lost or the pass "
        "stopped)", provider, meeting_id, meeting_id=meeting_id,
    )  # fmt: skip


def discarded(link: MeetingLink, provider: str, meeting_id: str) -> None:
    _line(
        logging.INFO, link.pk, link.session_id,
        "deleted %s meeting %s, which an earlier pass created but never saved, for a host or a session the link "
        "no longer has", provider, meeting_id, meeting_id=meeting_id,
    )  # fmt: skip
