"""The rolling horizon of recurring series: an occurrence gets its meeting only when it comes within
``MEETING_HORIZON_DAYS`` of its start, so a long series never floods a provider's daily limit.

The first occurrence of a series (and every single session) gets its meeting at once: its
confirmation carries the join link. A later occurrence further ahead waits (its link is
*waiting*, due when the horizon reaches it); the worker creates it then, so the horizon rolls
forward as time passes. Only creation waits: a meeting that exists is updated or deleted at once.
"""

import datetime as dt
import zoneinfo

from django.conf import settings

from sessiondesk.meetings.providers import ProviderError
from sessiondesk.scheduling.models import Session

REMEDY = "Nothing to do: SessionDesk creates it by itself."


class NotYet(ProviderError):
    """The planned wait of an occurrence beyond the horizon: not a failure (the log keeps it at DEBUG)."""


def opens_at(session: Session) -> dt.datetime | None:
    """When the session's meeting may be created; None: at once."""
    if session.series_id is None or not session.series_index:
        return None
    return session.start - dt.timedelta(days=settings.MEETING_HORIZON_DAYS)


def wait_error(session: Session, now: dt.datetime) -> NotYet | None:
    """The wait for a meeting that may not be created yet, or None when it may."""
    opens = opens_at(session)
    if opens is None or opens <= now:
        return None
    local = opens.astimezone(zoneinfo.ZoneInfo(session.org.timezone))
    return NotYet(
        f"The meeting of this occurrence is created {settings.MEETING_HORIZON_DAYS} days before it "
        f"starts, on {local:%a} {local.day} {local:%b %Y}.",
        permanent=False,
        waiting=True,
        retry_after=(opens - now).total_seconds(),
        remedy=REMEDY,
    )
