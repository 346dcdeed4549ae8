"""Pure figures: time present over rejoins, lateness, and the session's outcome."""

import datetime as dt
from collections.abc import Iterable

from sessiondesk.attendance.models import Outcome

Interval = tuple[dt.datetime, dt.datetime]


def seconds_present(intervals: Iterable[Interval]) -> int:
    """Seconds covered by the intervals, overlaps counted once (two devices, or a rejoin that
    overlaps the old connection's timeout)."""
    total = 0.0
    end: dt.datetime | None = None
    start: dt.datetime | None = None
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if end is None or a > end:
            if end is not None and start is not None:
                total += (end - start).total_seconds()
            start, end = a, b
        elif b > end:
            end = b
    if end is not None and start is not None:
        total += (end - start).total_seconds()
    return round(total)


def late_seconds(first_join: dt.datetime | None, scheduled_start: dt.datetime) -> int:
    if first_join is None or first_join <= scheduled_start:
        return 0
    return int((first_join - scheduled_start).total_seconds())


def decide(
    *,
    start: dt.datetime,
    grace: dt.timedelta,
    now: dt.datetime,
    started: bool,
    ended: bool,
    host_came: bool,
    client_came: bool,
) -> str:
    """The outcome of a session from what is known now."""
    if started and not ended:
        return Outcome.IN_PROGRESS
    if not started and not (host_came or client_came):
        return Outcome.PENDING if now < start + grace else Outcome.DID_NOT_TAKE_PLACE
    if host_came and client_came:
        return Outcome.COMPLETED
    if host_came:
        return Outcome.CLIENT_NO_SHOW
    if client_came:
        return Outcome.CONSULTANT_NO_SHOW
    return Outcome.DID_NOT_TAKE_PLACE
