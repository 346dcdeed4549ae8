"""Slot computation: weekly rules in each member's own time zone, overrides, busy time and booking rules.

Dates are fixed in 2027 and ``now`` is passed in, so the DST changes are known:
New York springs forward on Sunday 14 March and falls back on Sunday 7 November;
London springs forward on Sunday 28 March and falls back on Sunday 31 October.
"""

import datetime as dt
import zoneinfo

import pytest

from sessiondesk.accounts.actions import add_member
from sessiondesk.accounts.models import Member, Role
from sessiondesk.scheduling.availability import calendar_slots, slot_members
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    CalendarKind,
    DateOverride,
    Session,
    SessionStatus,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
ALL_DAYS = range(7)


def at(tz: zoneinfo.ZoneInfo, when: str) -> dt.datetime:
    return dt.datetime.fromisoformat(when).replace(tzinfo=tz)


def utc(when: str) -> dt.datetime:
    return at(UTC, when)


def hours(member: Member, days, start: str, end: str) -> None:
    for day in [days] if isinstance(days, int) else days:
        AvailabilityRule.objects.create(
            member=member,
            weekday=day,
            start_time=dt.time.fromisoformat(start),
            end_time=dt.time.fromisoformat(end),
        )


def make_calendar(org, lesson, members, kind=CalendarKind.PERSONAL, **rules) -> Calendar:
    options = {"min_notice_minutes": 0, "max_days_ahead": 365, "slot_interval_minutes": 60, **rules}
    calendar = Calendar.objects.create(
        org=org, name="Test", slug=f"test-{kind}", kind=kind, session_type=lesson, **options
    )
    calendar.members.set(members)
    return calendar


def starts(calendar, start: dt.datetime, end: dt.datetime, tz=UTC, now=None) -> list[str]:
    now = now or utc("2027-01-01 00:00")
    return [
        f"{slot.start.astimezone(tz):%m-%d %H:%M %Z}"
        for slot in calendar_slots(calendar, start, end, now=now)
    ]


def day_utc(date: str) -> tuple[dt.datetime, dt.datetime]:
    """A UTC range wide enough to hold one local day anywhere between London and New York."""
    start = utc(f"{date} 00:00") - dt.timedelta(hours=2)
    return start, start + dt.timedelta(hours=32)


def busy(member: Member, org, lesson, start: dt.datetime, minutes: int = 60, **kw) -> Session:
    return Session.objects.create(
        org=org,
        title="Busy",
        session_type=lesson,
        consultant=member,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        **kw,
    )


# --- the basic grid -------------------------------------------------------------------------------------


def test_it_offers_hourly_slots_inside_the_weekly_window(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")  # Monday
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == [
        "03-08 09:00 EST",
        "03-08 10:00 EST",
        "03-08 11:00 EST",
    ]


def test_a_slot_must_end_inside_the_window(org, lesson, consultant):
    hours(consultant, 0, "09:00", "11:30")
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 09:00 EST", "03-08 10:00 EST"]


def test_it_offers_nothing_without_members_or_rules(org, lesson, consultant):
    assert starts(make_calendar(org, lesson, []), *day_utc("2027-03-08")) == []
    assert (
        starts(
            make_calendar(org, lesson, [consultant], kind=CalendarKind.ROUND_ROBIN), *day_utc("2027-03-08")
        )
        == []
    )


def test_it_leaves_out_deactivated_members(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant])
    Member.objects.filter(pk=consultant.pk).update(is_active=False)
    assert starts(calendar, *day_utc("2027-03-08")) == []


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (15, ["09:00", "09:15", "09:30"]),
        (30, ["09:00", "09:30"]),
        (45, ["09:00"]),
        (90, ["09:00"]),
    ],
)
def test_the_slot_interval_sets_how_often_start_times_are_offered(
    org, lesson, consultant, interval, expected
):
    hours(consultant, 0, "09:00", "10:30")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=interval)
    got = [s.split(" ")[1] for s in starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK)]
    assert got == expected


def test_a_long_interval_steps_through_a_long_window(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=90)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 09:00 EST", "03-08 10:30 EST"]


def test_touching_windows_count_as_one(org, lesson, consultant):
    hours(consultant, 0, "09:00", "10:00")
    hours(consultant, 0, "10:00", "11:00")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=30)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == [
        "03-08 09:00 EST",
        "03-08 09:30 EST",
        "03-08 10:00 EST",
    ]


def test_a_break_between_two_windows_is_kept(org, lesson, consultant):
    hours(consultant, 0, "09:00", "11:00")
    hours(consultant, 0, "13:00", "14:00")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=30)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == [
        "03-08 09:00 EST",
        "03-08 09:30 EST",
        "03-08 10:00 EST",
        "03-08 13:00 EST",
    ]


# --- DST: New York --------------------------------------------------------------------------------------


def test_new_york_hours_keep_their_wall_clock_time_across_the_spring_change(org, lesson, consultant):
    hours(consultant, 0, "09:00", "10:00")
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, utc("2027-03-08 00:00"), utc("2027-03-16 00:00")) == [
        "03-08 14:00 UTC",
        "03-15 13:00 UTC",
    ]
    assert starts(calendar, utc("2027-03-08 00:00"), utc("2027-03-16 00:00"), tz=NEW_YORK) == [
        "03-08 09:00 EST",
        "03-15 09:00 EDT",
    ]


def test_new_york_hours_keep_their_wall_clock_time_across_the_autumn_change(org, lesson, consultant):
    hours(consultant, 0, "09:00", "10:00")
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, utc("2027-11-01 00:00"), utc("2027-11-09 00:00")) == [
        "11-01 13:00 UTC",
        "11-08 14:00 UTC",
    ]


def test_the_skipped_spring_hour_in_new_york_is_not_offered(org, lesson, consultant):
    hours(consultant, 6, "01:00", "04:00")  # Sunday 14 March 2027: 02:00 jumps to 03:00
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-03-14"), tz=NEW_YORK) == ["03-14 01:00 EST", "03-14 03:00 EDT"]
    assert starts(calendar, *day_utc("2027-03-14")) == ["03-14 06:00 UTC", "03-14 07:00 UTC"]


def test_a_window_starting_in_the_skipped_hour_starts_when_the_clock_resumes(org, lesson, consultant):
    hours(consultant, 6, "02:30", "05:00")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=30)
    assert starts(calendar, *day_utc("2027-03-14"), tz=NEW_YORK) == [
        "03-14 03:30 EDT",
        "03-14 04:00 EDT",
    ]


def test_the_repeated_autumn_hour_in_new_york_is_offered_twice(org, lesson, consultant):
    hours(consultant, 6, "00:00", "03:00")  # Sunday 7 November 2027: 02:00 EDT falls back to 01:00 EST
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-11-07")) == [
        "11-07 04:00 UTC",
        "11-07 05:00 UTC",
        "11-07 06:00 UTC",
        "11-07 07:00 UTC",
    ]
    assert starts(calendar, *day_utc("2027-11-07"), tz=NEW_YORK) == [
        "11-07 00:00 EDT",
        "11-07 01:00 EDT",
        "11-07 01:00 EST",
        "11-07 02:00 EST",
    ]


# --- DST: London ----------------------------------------------------------------------------------------


def test_london_hours_keep_their_wall_clock_time_across_the_spring_change(org, lesson, consultant2):
    hours(consultant2, 0, "09:00", "10:00")
    calendar = make_calendar(org, lesson, [consultant2])
    assert starts(calendar, utc("2027-03-22 00:00"), utc("2027-03-30 00:00"), tz=LONDON) == [
        "03-22 09:00 GMT",
        "03-29 09:00 BST",
    ]
    assert starts(calendar, utc("2027-03-22 00:00"), utc("2027-03-30 00:00")) == [
        "03-22 09:00 UTC",
        "03-29 08:00 UTC",
    ]


def test_london_hours_keep_their_wall_clock_time_across_the_autumn_change(org, lesson, consultant2):
    hours(consultant2, 0, "09:00", "10:00")
    calendar = make_calendar(org, lesson, [consultant2])
    assert starts(calendar, utc("2027-10-25 00:00"), utc("2027-11-02 00:00")) == [
        "10-25 08:00 UTC",
        "11-01 09:00 UTC",
    ]


def test_the_skipped_spring_hour_in_london_is_not_offered(org, lesson, consultant2):
    hours(consultant2, 6, "00:30", "03:00")  # Sunday 28 March 2027: 01:00 jumps to 02:00
    calendar = make_calendar(org, lesson, [consultant2], slot_interval_minutes=30)
    assert starts(calendar, *day_utc("2027-03-28"), tz=LONDON) == ["03-28 00:30 GMT", "03-28 02:00 BST"]


def test_the_repeated_autumn_hour_in_london_is_offered_twice(org, lesson, consultant2):
    hours(consultant2, 6, "00:00", "03:00")  # Sunday 31 October 2027: 02:00 BST falls back to 01:00 GMT
    calendar = make_calendar(org, lesson, [consultant2])
    assert starts(calendar, utc("2027-10-30 12:00"), utc("2027-10-31 12:00")) == [
        "10-30 23:00 UTC",
        "10-31 00:00 UTC",
        "10-31 01:00 UTC",
        "10-31 02:00 UTC",
    ]
    assert starts(calendar, utc("2027-10-30 12:00"), utc("2027-10-31 12:00"), tz=LONDON) == [
        "10-31 00:00 BST",
        "10-31 01:00 BST",
        "10-31 01:00 GMT",
        "10-31 02:00 GMT",
    ]


# --- DST across two zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        ("2027-03-08", ["14:00", "15:00", "16:00"]),  # both on standard time: five hours apart
        ("2027-03-15", ["13:00", "14:00", "15:00", "16:00"]),  # New York moved, London not yet: four
        ("2027-03-29", ["13:00", "14:00", "15:00"]),  # both on summer time: five again
        ("2027-11-01", ["13:00", "14:00", "15:00", "16:00"]),  # London moved back, New York not yet
        ("2027-11-08", ["14:00", "15:00", "16:00"]),
    ],
)
def test_a_collective_calendar_follows_both_members_dst_changes(
    org, lesson, consultant, consultant2, monday, expected
):
    hours(consultant, 0, "09:00", "17:00")  # New York
    hours(consultant2, 0, "09:00", "17:00")  # London
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.COLLECTIVE)
    got = [s.split(" ")[1] for s in starts(calendar, *day_utc(monday))]
    assert got == expected


# --- calendar kinds -------------------------------------------------------------------------------------


def test_a_collective_slot_needs_every_member_free(org, lesson, consultant, consultant2):
    hours(consultant, 0, "09:00", "12:00")
    hours(consultant2, 0, "14:00", "17:00")  # London 14:00 = New York 09:00 in early March
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.COLLECTIVE)
    busy(consultant2, org, lesson, at(NEW_YORK, "2027-03-08 10:00"))
    slots = calendar_slots(calendar, *day_utc("2027-03-08"), now=utc("2027-01-01 00:00"))
    assert [f"{s.start.astimezone(NEW_YORK):%H:%M}" for s in slots] == ["09:00", "11:00"]
    assert [s.members for s in slots] == [[consultant, consultant2], [consultant, consultant2]]


def test_a_collective_calendar_finds_common_times_when_windows_start_differently(
    org, lesson, consultant, consultant2
):
    hours(consultant, 0, "09:00", "11:00")  # New York
    hours(consultant2, 0, "14:30", "17:00")  # London, = 09:30-12:00 in New York
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.COLLECTIVE)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 09:30 EST", "03-08 10:00 EST"]


def test_round_robin_lists_every_free_member_per_slot(org, lesson, consultant, consultant2):
    hours(consultant, 0, "09:00", "11:00")  # New York
    hours(consultant2, 0, "15:00", "17:00")  # London, = 10:00-12:00 in New York
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.ROUND_ROBIN)
    slots = calendar_slots(calendar, *day_utc("2027-03-08"), now=utc("2027-01-01 00:00"))
    assert [(f"{s.start.astimezone(NEW_YORK):%H:%M}", [m.name for m in s.members]) for s in slots] == [
        ("09:00", ["Carla Consultant"]),
        ("10:00", ["Carla Consultant", "Dev Consultant"]),
        ("11:00", ["Dev Consultant"]),
    ]


def test_round_robin_drops_a_busy_member_but_keeps_the_slot(org, lesson, consultant, consultant2):
    hours(consultant, 0, "09:00", "11:00")
    hours(consultant2, 0, "14:00", "16:00")  # = 09:00-11:00 in New York
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.ROUND_ROBIN)
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 09:00"))
    assert slot_members(calendar, at(NEW_YORK, "2027-03-08 09:00"), now=utc("2027-01-01 00:00")) == [
        consultant2
    ]
    assert slot_members(calendar, at(NEW_YORK, "2027-03-08 10:00"), now=utc("2027-01-01 00:00")) == [
        consultant,
        consultant2,
    ]


def test_a_personal_calendar_hides_busy_times_but_not_cancelled_ones(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant])
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 10:00"))
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 11:00"), status=SessionStatus.CANCELLED)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 09:00 EST", "03-08 11:00 EST"]


def test_a_co_hosted_session_makes_the_co_host_busy(org, lesson, consultant, consultant2):
    hours(consultant2, 0, "14:00", "17:00")
    calendar = make_calendar(org, lesson, [consultant2])
    session = busy(consultant, org, lesson, at(LONDON, "2027-03-08 15:00"))
    session.co_hosts.set([consultant2])
    assert starts(calendar, *day_utc("2027-03-08"), tz=LONDON) == ["03-08 14:00 GMT", "03-08 16:00 GMT"]


def test_a_session_on_another_calendar_makes_the_member_busy(org, lesson, consultant):
    hours(consultant, 0, "09:00", "11:00")
    calendar = make_calendar(org, lesson, [consultant])
    other = make_calendar(org, lesson, [consultant], kind=CalendarKind.ROUND_ROBIN)
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 09:30"), minutes=30, calendar=other)
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 10:00 EST"]


def test_slot_members_is_empty_for_a_time_off_the_grid(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant])
    now = utc("2027-01-01 00:00")
    assert slot_members(calendar, at(NEW_YORK, "2027-03-08 09:00"), now=now) == [consultant]
    assert slot_members(calendar, at(NEW_YORK, "2027-03-08 09:20"), now=now) == []
    assert slot_members(calendar, at(NEW_YORK, "2027-03-08 12:00"), now=now) == []


def members_on_the_day_grid(calendar, start, now) -> list[Member]:
    """``slot_members`` by its definition: the slot at ``start`` in the calendar's list of slots."""
    end = start + dt.timedelta(minutes=calendar.session_type.duration_minutes)
    return next((s.members for s in calendar_slots(calendar, start, end, now=now) if s.start == start), [])


@pytest.mark.parametrize("kind", [CalendarKind.PERSONAL, CalendarKind.ROUND_ROBIN, CalendarKind.COLLECTIVE])
def test_slot_members_answers_as_the_list_of_slots_does_for_every_start(
    org, lesson, consultant, consultant2, kind
):
    hours(consultant, 0, "09:10", "12:00")  # New York
    hours(consultant, 0, "13:00", "15:00")
    hours(consultant2, 0, "14:00", "18:30")  # London, = 09:00-13:30 in New York
    DateOverride.objects.create(
        member=consultant2, date=dt.date(2027, 3, 1), start_time=dt.time(15), end_time=dt.time(17)
    )
    members = [consultant] if kind == CalendarKind.PERSONAL else [consultant, consultant2]
    calendar = make_calendar(
        org,
        lesson,
        members,
        kind=kind,
        slot_interval_minutes=20,
        buffer_before_minutes=10,
        min_notice_minutes=0,
    )
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 10:30"))
    busy(consultant2, org, lesson, at(NEW_YORK, "2027-03-01 11:00"), minutes=30)
    co_hosted = busy(consultant2, org, lesson, at(NEW_YORK, "2027-03-08 12:20"))
    co_hosted.co_hosts.set([consultant])
    now = at(NEW_YORK, "2027-03-01 09:25")  # the first slots of the 1st have passed
    offered = 0
    for day in ("2027-03-01", "2027-03-08"):
        start = at(NEW_YORK, f"{day} 08:00")
        while start < at(NEW_YORK, f"{day} 16:00"):
            expected = members_on_the_day_grid(calendar, start, now)
            assert slot_members(calendar, start, now=now) == expected, start
            offered += bool(expected)
            start += dt.timedelta(minutes=5)
    assert (
        offered == {CalendarKind.PERSONAL: 13, CalendarKind.ROUND_ROBIN: 22, CalendarKind.COLLECTIVE: 4}[kind]
    )


# --- buffers, notice, horizon ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (0, 0, ["09:00", "11:00", "11:15", "11:30", "11:45", "12:00"]),
        (15, 0, ["09:00", "11:15", "11:30", "11:45", "12:00"]),
        (0, 15, ["11:00", "11:15", "11:30", "11:45", "12:00"]),
        (30, 30, ["11:30", "11:45", "12:00"]),
    ],
)
def test_buffers_keep_free_time_around_existing_sessions(org, lesson, consultant, before, after, expected):
    hours(consultant, 0, "09:00", "13:00")
    calendar = make_calendar(
        org,
        lesson,
        [consultant],
        slot_interval_minutes=15,
        buffer_before_minutes=before,
        buffer_after_minutes=after,
    )
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 10:00"))
    got = [s.split(" ")[1] for s in starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK)]
    assert [g for g in got if g not in ("09:15", "09:30", "09:45")] == expected
    assert set(got) & {"09:15", "09:30", "09:45"} == set()


def test_minimum_notice_hides_slots_starting_too_soon(org, lesson, consultant):
    hours(consultant, 0, "09:00", "13:00")
    calendar = make_calendar(org, lesson, [consultant], slot_interval_minutes=30, min_notice_minutes=60)
    now = at(NEW_YORK, "2027-03-08 09:20")
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK, now=now) == [
        "03-08 10:30 EST",
        "03-08 11:00 EST",
        "03-08 11:30 EST",
        "03-08 12:00 EST",
    ]


def test_a_slot_exactly_at_the_notice_limit_is_offered(org, lesson, consultant):
    hours(consultant, 0, "09:00", "11:00")
    calendar = make_calendar(org, lesson, [consultant], min_notice_minutes=240)
    now = at(NEW_YORK, "2027-03-08 06:00")
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK, now=now) == ["03-08 10:00 EST"]


def test_nothing_in_the_past_is_offered(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK, now=at(NEW_YORK, "2027-03-08 10:30")) == [
        "03-08 11:00 EST",
    ]


def test_max_days_ahead_stops_the_offer(org, lesson, consultant):
    hours(consultant, ALL_DAYS, "09:00", "11:00")
    calendar = make_calendar(org, lesson, [consultant], max_days_ahead=2)
    now = at(NEW_YORK, "2027-03-08 09:00")
    got = starts(calendar, now, now + dt.timedelta(days=10), tz=NEW_YORK, now=now)
    assert got == ["03-08 09:00 EST", "03-08 10:00 EST", "03-09 09:00 EST", "03-09 10:00 EST"]


def test_max_days_ahead_counts_real_days_across_a_dst_change(org, lesson, consultant):
    hours(consultant, ALL_DAYS, "09:00", "10:00")
    calendar = make_calendar(org, lesson, [consultant], max_days_ahead=2)
    now = at(NEW_YORK, "2027-03-13 08:30")  # Saturday; the clocks change overnight
    got = starts(calendar, now, now + dt.timedelta(days=10), tz=NEW_YORK, now=now)
    assert got == ["03-13 09:00 EST", "03-14 09:00 EDT"]


# --- date overrides -------------------------------------------------------------------------------------


def test_a_day_off_removes_that_date_only(org, lesson, consultant):
    hours(consultant, 0, "09:00", "10:00")
    DateOverride.objects.create(member=consultant, date=dt.date(2027, 3, 15))
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, utc("2027-03-08 00:00"), utc("2027-03-23 00:00"), tz=NEW_YORK) == [
        "03-08 09:00 EST",
        "03-22 09:00 EDT",
    ]


def test_special_hours_replace_the_weekly_hours_on_that_date(org, lesson, consultant):
    hours(consultant, 0, "09:00", "12:00")
    DateOverride.objects.create(
        member=consultant, date=dt.date(2027, 3, 8), start_time=dt.time(14), end_time=dt.time(16)
    )
    calendar = make_calendar(org, lesson, [consultant])
    assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 14:00 EST", "03-08 15:00 EST"]


def test_special_hours_open_a_day_without_weekly_hours(org, lesson, consultant2):
    DateOverride.objects.create(
        member=consultant2, date=dt.date(2027, 3, 28), start_time=dt.time(10), end_time=dt.time(11)
    )
    DateOverride.objects.create(
        member=consultant2, date=dt.date(2027, 3, 28), start_time=dt.time(15), end_time=dt.time(16)
    )
    calendar = make_calendar(org, lesson, [consultant2])
    # Sunday 28 March is London's spring change: the special hours are summer time.
    assert starts(calendar, *day_utc("2027-03-28")) == ["03-28 09:00 UTC", "03-28 14:00 UTC"]


def test_overrides_are_read_in_the_members_own_time_zone(org, lesson, consultant, consultant2):
    """A London day off covers London's date, which starts five hours before New York's."""
    hours(consultant2, 0, "00:00", "02:00")
    DateOverride.objects.create(member=consultant2, date=dt.date(2027, 3, 8))
    calendar = make_calendar(org, lesson, [consultant2])
    assert starts(calendar, utc("2027-03-07 12:00"), utc("2027-03-09 12:00")) == []


# --- cost -------------------------------------------------------------------------------------------------


def test_slots_take_as_many_queries_for_many_members_and_a_long_past_as_for_one(
    org, lesson, consultant, django_assert_num_queries
):
    hours(consultant, 0, "09:00", "12:00")
    calendar = make_calendar(org, lesson, [consultant], kind=CalendarKind.ROUND_ROBIN)
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 10:00"))
    calendar = Calendar.objects.select_related("session_type").get(pk=calendar.pk)
    # The members with their weekly hours and nearby overrides (3), busy times (1).
    with django_assert_num_queries(4):
        assert starts(calendar, *day_utc("2027-03-08"), tz=NEW_YORK) == ["03-08 09:00 EST", "03-08 11:00 EST"]

    team = [consultant] + [
        add_member(org, email=f"t{n}@acme.test", name=f"Tutor {n}", role=Role.CONSULTANT, password=None)
        for n in range(4)
    ]
    calendar.members.set(team)
    for member in team[1:]:
        hours(member, 0, "09:00", "10:00")
    for week in range(1, 40):  # a long past, and days off long ago
        for member in team:
            busy(member, org, lesson, at(NEW_YORK, "2027-03-08 09:00") - dt.timedelta(weeks=week))
            DateOverride.objects.create(member=member, date=dt.date(2027, 3, 8) - dt.timedelta(weeks=week))
    with django_assert_num_queries(4):
        slots = calendar_slots(calendar, *day_utc("2027-03-08"), now=utc("2027-01-01 00:00"))
    assert [(f"{s.start.astimezone(NEW_YORK):%H:%M}", len(s.members)) for s in slots] == [
        ("09:00", 5),
        ("11:00", 1),
    ]


def test_an_override_at_the_edge_of_the_window_is_read(org, lesson, consultant2):
    """Overrides are fetched for the window's dates with a margin; the local date that matters is
    the member's, a day off from UTC's at either end."""
    hours(consultant2, ALL_DAYS, "00:00", "23:59")
    DateOverride.objects.create(
        member=consultant2, date=dt.date(2027, 3, 9), start_time=dt.time(0), end_time=dt.time(1)
    )
    calendar = make_calendar(org, lesson, [consultant2])
    start = utc("2027-03-09 00:00")
    assert starts(calendar, start, start + dt.timedelta(hours=3), tz=LONDON) == ["03-09 00:00 GMT"]


def test_any_member_offers_the_same_times_with_one_free_member_each(org, lesson, consultant, consultant2):
    hours(consultant, 0, "09:00", "12:00")
    hours(consultant2, 0, "14:00", "18:30")  # London: 09:00-13:30 in New York, on the half hour
    calendar = make_calendar(org, lesson, [consultant, consultant2], kind=CalendarKind.ROUND_ROBIN)
    busy(consultant, org, lesson, at(NEW_YORK, "2027-03-08 10:00"))
    window, now = day_utc("2027-03-08"), utc("2027-01-01 00:00")
    every = calendar_slots(calendar, *window, now=now)
    some = calendar_slots(calendar, *window, now=now, any_member=True)
    assert [s.start for s in some] == [s.start for s in every]
    assert all(len(s.members) == 1 and s.members[0] in e.members for s, e in zip(some, every, strict=True))
    assert [(f"{s.start.astimezone(NEW_YORK):%H:%M}", [m.name for m in s.members]) for s in some] == [
        ("09:00", ["Carla Consultant"]),
        ("10:00", ["Dev Consultant"]),
        ("11:00", ["Carla Consultant"]),
        ("12:00", ["Dev Consultant"]),
    ]
