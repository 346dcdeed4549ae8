"""Bookable slots: weekly rules and date overrides in each member's own time zone, minus busy time.

Rules are wall-clock times, turned into instants day by day, so slots stay right across DST changes.
"""

import bisect
import datetime as dt
import itertools
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.lib.related import remember
from sessiondesk.scheduling import reads
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    CalendarKind,
    DateOverride,
)
from sessiondesk.scheduling.recurrence import localize

Interval = tuple[dt.datetime, dt.datetime]


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    members: list[Member] = field(default_factory=list)


def bookable_members(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> list[Member]:
    """The calendar's active members with their weekly rules and the date overrides around
    ``start``..``end``: three queries however many members there are, each SQL built once."""
    # The local dates ``_member_windows`` reads: a day either side of each instant's, in any zone.
    first, last = start.date() - dt.timedelta(days=2), end.date() + dt.timedelta(days=2)
    members = reads.calendar_members(calendar.pk)
    with_hours(members, first, last)
    return members


def with_hours(members: list[Member], first: dt.date, last: dt.date) -> None:
    """Read the weekly rules and the date overrides of ``first``..``last`` of every member at once (two
    queries, SQL built once: see ``reads``), for ``working_windows``."""
    ids = [m.pk for m in members]
    rules: dict[int, list[AvailabilityRule]] = defaultdict(list)
    for rule in reads.weekly_rules(ids):
        rules[rule.member_id].append(rule)
    nearby: dict[int, list[DateOverride]] = defaultdict(list)
    for override in reads.date_overrides(ids, first, last):
        nearby[override.member_id].append(override)
    for member in members:
        remember(member, "availability", rules[member.pk])
        member.nearby_overrides = nearby[member.pk]  # type: ignore[attr-defined]


def _overrides(member: Member, first: dt.date, last: dt.date) -> list[DateOverride]:
    nearby: list[DateOverride] | None = getattr(member, "nearby_overrides", None)
    if nearby is None:
        return list(member.date_overrides.filter(date__gte=first, date__lte=last))
    return [o for o in nearby if first <= o.date <= last]


def working_windows(member: Member, first: dt.date, last: dt.date) -> list[Interval]:
    """The member's available intervals (UTC) on local dates first..last."""
    tz = zoneinfo.ZoneInfo(member.timezone)
    rules: dict[int, list[AvailabilityRule]] = defaultdict(list)
    for rule in member.availability.all():
        rules[rule.weekday].append(rule)
    overrides: dict[dt.date, list[DateOverride]] = defaultdict(list)
    for override in _overrides(member, first, last):
        overrides[override.date].append(override)
    windows: list[Interval] = []
    day = first
    while day <= last:
        spans: Iterable[tuple[dt.time | None, dt.time | None]]
        if day in overrides:
            spans = [(o.start_time, o.end_time) for o in overrides[day]]
        else:
            spans = [(r.start_time, r.end_time) for r in rules[day.weekday()]]
        for start, end in spans:
            if start is None or end is None:
                continue
            windows.append(
                (
                    localize(dt.datetime.combine(day, start), tz).astimezone(dt.UTC),
                    localize(dt.datetime.combine(day, end), tz).astimezone(dt.UTC),
                )
            )
        day += dt.timedelta(days=1)
    return windows


def outside_hours(member: Member, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether ``start``..``end`` is not wholly inside the member's working hours (weekly rules, or a
    date's overrides instead). A member who has set no weekly hours has none to be outside of: staff
    schedule them freely, as the import does."""
    if not member.availability.exists():
        return False
    return not _member_windows(member, start, end).holds(start, end)


def outside_hours_words(member: Member, start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """``outside_hours`` said in words, with the times in the reader's zone."""
    opens, closes = start.astimezone(tz), end.astimezone(tz)
    return f"{opens:%A} {opens:%H:%M}–{closes:%H:%M} is outside {member.name}’s working hours (Availability)."


def busy_intervals(
    members: Iterable[Member], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Interval]]:
    """Each member's scheduled sessions (hosted or co-hosted) overlapping ``start``..``end``.

    One query of two parts, each on an index that starts at the member, so the cost follows the
    sessions starting near the window (``reads.busy_rows``), never the years of them before it.
    """
    ids = sorted({m.pk for m in members})
    busy: dict[int, list[Interval]] = defaultdict(list)
    rows = reads.busy_rows(ids, start, end)
    seen: set[tuple[int, int]] = set()
    for session_id, member_id, session_start, session_end in rows:
        if (member_id, session_id) not in seen:
            seen.add((member_id, session_id))
            busy[member_id].append((session_start, session_end))
    return busy


class _Busy:
    """A member's busy intervals, searchable in logarithmic time: sorted by start, with the latest
    end reached so far, so "does anything overlap start..end" is one bisection, not a scan."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        ordered = sorted(intervals)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        before_end = bisect.bisect_left(self.starts, end)  # the intervals starting before ``end``
        return before_end > 0 and self.reach[before_end - 1] > start


class _Windows:
    """Working windows merged (touching or overlapping ones as one: 09:00-12:00 and 12:00-17:00
    allow an 11:30 start) and sorted, so the window holding a time is one bisection away."""

    def __init__(self, windows: Iterable[Interval]) -> None:
        merged: list[Interval] = []
        for start, end in sorted(windows):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.spans = merged
        self.starts = [start for start, _ in merged]

    def holds(self, start: dt.datetime, end: dt.datetime) -> bool:
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.spans[index][1]


@dataclass
class _Rules:
    """One calendar's booking rules, as durations, with the bookable range of start times."""

    duration: dt.timedelta
    step: dt.timedelta
    before: dt.timedelta
    after: dt.timedelta
    earliest: dt.datetime
    latest: dt.datetime

    @classmethod
    def of(cls, calendar: Calendar, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> "_Rules":
        return cls(
            duration=dt.timedelta(minutes=calendar.session_type.duration_minutes),
            step=dt.timedelta(minutes=calendar.slot_interval_minutes or 15),
            before=dt.timedelta(minutes=calendar.buffer_before_minutes),
            after=dt.timedelta(minutes=calendar.buffer_after_minutes),
            earliest=max(start, now + dt.timedelta(minutes=calendar.min_notice_minutes)),
            latest=min(end, now + dt.timedelta(days=calendar.max_days_ahead)),
        )

    def free(self, start: dt.datetime, windows: _Windows, busy: _Busy) -> bool:
        end = start + self.duration
        return (
            self.earliest <= start < self.latest
            and windows.holds(start, end)
            and not busy.overlaps(start - self.before, end + self.after)
        )


def _member_windows(member: Member, start: dt.datetime, end: dt.datetime) -> _Windows:
    tz = zoneinfo.ZoneInfo(member.timezone)
    first = (start.astimezone(tz) - dt.timedelta(days=1)).date()
    last = (end.astimezone(tz) + dt.timedelta(days=1)).date()
    return _Windows(working_windows(member, first, last))


def _grid(rules: _Rules, windows: _Windows, busy: _Busy) -> list[Interval]:
    """Free start times stepping by the slot interval from the start of each window."""
    slots: list[Interval] = []
    for window_start, window_end in windows.spans:
        slot_start = window_start
        while slot_start + rules.duration <= window_end:
            if rules.free(slot_start, windows, busy):
                slots.append((slot_start, slot_start + rules.duration))
            slot_start += rules.step
    return slots


def member_slots(
    calendar: Calendar,
    member: Member,
    start: dt.datetime,
    end: dt.datetime,
    busy: list[Interval],
    now: dt.datetime,
) -> list[Interval]:
    rules = _Rules.of(calendar, start, end, now)
    return _grid(rules, _member_windows(member, start, end), _Busy(busy))


def calendar_slots(
    calendar: Calendar,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    any_member: bool = False,
) -> list[Slot]:
    """Free slots of a calendar between two instants, each with the members who could take it.

    A start time offered by any member's grid is checked against every member, so members whose
    windows start at different times still share slots. Personal and round robin: a slot is free
    when any member is free (round robin lists them all); collective: only when every member is free.
    ``any_member``: a page that only needs to know a slot is offered gets one free member per slot
    of a personal or round-robin calendar, without checking the others.
    """
    now = now or timezone.now()
    members = bookable_members(calendar, start, end)
    if not members:
        return []
    rules = _Rules.of(calendar, start, end, now)
    booked = busy_intervals(members, start - dt.timedelta(days=1), end + dt.timedelta(days=1))
    busy = {member.pk: _Busy(booked[member.pk]) for member in members}
    windows = {member.pk: _member_windows(member, start, end) for member in members}
    grids = {member.pk: _grid(rules, windows[member.pk], busy[member.pk]) for member in members}
    collective = calendar.kind == CalendarKind.COLLECTIVE
    if any_member and not collective:
        first: dict[Interval, Member] = {}
        for member in members:  # a member's grid holds only the times that member is free
            for slot in grids[member.pk]:
                first.setdefault(slot, member)
        return [Slot(slot_start, slot_end, [m]) for (slot_start, slot_end), m in sorted(first.items())]
    slots = []
    for slot_start, slot_end in sorted({slot for grid in grids.values() for slot in grid}):
        if collective:
            if all(rules.free(slot_start, windows[m.pk], busy[m.pk]) for m in members):
                slots.append(Slot(slot_start, slot_end, list(members)))
            continue
        free = [m for m in members if rules.free(slot_start, windows[m.pk], busy[m.pk])]
        slots.append(Slot(slot_start, slot_end, free))
    return slots


@dataclass
class SlotCheck:
    """``slot_members`` in two steps, for a booking: what bookings do not change is read before its
    transaction (``slot_check``: the calendar's members, their weekly hours and date overrides), and
    ``free_members`` reads the members' busy times under the transaction's locks. Holding the write
    lock for the busy times alone lets the next booking start sooner (on SQLite one writer at a time
    books)."""

    calendar: Calendar
    start: dt.datetime
    members: list[Member]
    rules: _Rules
    windows: dict[int, _Windows]

    def free_members(self) -> list[Member]:
        """The members free for the slot (empty when it is not bookable)."""
        if not self.members:
            return []
        end = self.start + self.rules.duration
        booked = busy_intervals(self.members, self.start - dt.timedelta(days=1), end + dt.timedelta(days=1))
        free = [
            m for m in self.members if self.rules.free(self.start, self.windows[m.pk], _Busy(booked[m.pk]))
        ]
        if not any(_on_grid(self.rules, self.windows[m.pk], self.start) for m in free):
            return []
        if self.calendar.kind == CalendarKind.COLLECTIVE and len(free) != len(self.members):
            return []
        return free


def slot_check(calendar: Calendar, start: dt.datetime, *, now: dt.datetime | None = None) -> SlotCheck:
    """What ``SlotCheck.free_members`` needs besides the busy times: three queries."""
    now = now or timezone.now()
    end = start + dt.timedelta(minutes=calendar.session_type.duration_minutes)
    members = bookable_members(calendar, start, end)
    rules = _Rules.of(calendar, start, end, now)
    windows = {member.pk: _member_windows(member, start, end) for member in members}
    return SlotCheck(calendar, start, members, rules, windows)


def slot_members(calendar: Calendar, start: dt.datetime, *, now: dt.datetime | None = None) -> list[Member]:
    """The members free for a slot starting exactly at ``start`` (empty when it is not bookable).

    The same answer as looking ``start`` up in ``calendar_slots``, without building the grid: it is
    offered when it lies on some member's grid (a whole number of slot intervals from the start of
    one of their windows, ending inside it) and that member is free then.
    """
    return slot_check(calendar, start, now=now).free_members()


def _on_grid(rules: _Rules, windows: _Windows, start: dt.datetime) -> bool:
    """Whether ``_grid`` over these windows steps onto ``start``."""
    return any(
        window_start <= start
        and start + rules.duration <= window_end
        and (start - window_start) % rules.step == dt.timedelta(0)
        for window_start, window_end in windows.spans
    )
