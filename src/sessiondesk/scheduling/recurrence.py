"""Weekly recurrence in the host's wall-clock time, so a 4 pm lesson stays at 4 pm across DST."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sessiondesk.scheduling.errors import InvalidBooking

MAX_OCCURRENCES = 104


@dataclass(frozen=True)
class Repeat:
    every_weeks: int = 1
    count: int | None = None
    until: dt.date | None = None

    def validate(self) -> None:
        if not 1 <= self.every_weeks <= 12:
            raise InvalidBooking("Repeat every 1 to 12 weeks.", "every_weeks")
        if (self.count is None) == (self.until is None):
            raise InvalidBooking("Give either a number of sessions or an end date.", "count")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise InvalidBooking(f"A series has 1 to {MAX_OCCURRENCES} sessions.", "count")


def shift_wall_clock(moment: dt.datetime, tz_name: str, delta: dt.timedelta) -> dt.datetime:
    """``moment`` moved by ``delta`` in local wall-clock time, returned in UTC."""
    tz = zoneinfo.ZoneInfo(tz_name)
    local = moment.astimezone(tz).replace(tzinfo=None) + delta
    return localize(local, tz).astimezone(dt.UTC)


def localize(naive: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """Attach ``tz``; a wall time skipped by a DST jump moves forward by the jump (as people expect)."""
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        return round_trip
    return aware


def occurrences(first_start: dt.datetime, tz_name: str, repeat: Repeat) -> list[dt.datetime]:
    repeat.validate()
    tz = zoneinfo.ZoneInfo(tz_name)
    starts: list[dt.datetime] = []
    step = dt.timedelta(weeks=repeat.every_weeks)
    for index in range(MAX_OCCURRENCES):
        start = shift_wall_clock(first_start, tz_name, step * index)
        if repeat.count is not None and index >= repeat.count:
            break
        if repeat.until is not None and start.astimezone(tz).date() > repeat.until:
            break
        starts.append(start)
    if not starts:
        raise InvalidBooking("The end date is before the first session.", "until")
    return starts
