"""Calendars and slots for the client-facing page tests (public booking, manage links, portal)."""

import datetime as dt
import re
import zoneinfo

from django.urls import reverse

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.availability import calendar_slots
from sessiondesk.scheduling.models import AvailabilityRule, Calendar, CalendarKind, SessionType


def open_every_day(member: Member, start: dt.time = dt.time(9), end: dt.time = dt.time(17)) -> None:
    """Weekly availability 9 to 5 (the member's own time zone), every day of the week."""
    for weekday in range(7):
        AvailabilityRule.objects.create(member=member, weekday=weekday, start_time=start, end_time=end)


def make_calendar(
    org: Organization,
    session_type: SessionType,
    members: list[Member],
    *,
    slug: str = "carla",
    kind: str = CalendarKind.PERSONAL,
    **fields: object,
) -> Calendar:
    calendar = Calendar.objects.create(
        org=org,
        name=f"Book {slug.title()}",
        slug=slug,
        kind=kind,
        session_type=session_type,
        description="A first lesson to get to know each other.",
        **fields,
    )
    calendar.members.set(members)
    for member in members:
        if not member.availability.exists():
            open_every_day(member)
    return calendar


def day_in(days: int, tz_name: str = "America/New_York") -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(tz_name)).date() + dt.timedelta(days=days)


def slots_on(calendar: Calendar, day: dt.date, tz_name: str = "America/New_York") -> list[dt.datetime]:
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return [s.start for s in calendar_slots(calendar, start, start + dt.timedelta(days=1))]


def first_slot(calendar: Calendar, days: int = 3) -> dt.datetime:
    return slots_on(calendar, day_in(days))[0]


def at(day: dt.date, hour: int, minute: int = 0, tz_name: str = "America/New_York") -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(tz_name))
    return local.astimezone(dt.UTC)


def details_url(calendar: Calendar) -> str:
    return reverse("public_booking_details", args=[calendar.org.slug, calendar.slug])


def booking_data(start: dt.datetime, **fields: str) -> dict[str, str]:
    data = {
        "start": start.astimezone(dt.UTC).isoformat(),
        "tz": "Europe/Paris",
        "name": "Nora Newcomer",
        "email": "nora@example.test",
        "phone": "",
        "notes": "",
    }
    data.update(fields)
    return data


def booking_links(text: str, suffix: str = "") -> list[dict]:
    """What each ``/manage/<token>/<suffix>`` link in ``text`` opens. Tokens carry the second they
    were signed, so tests compare what they decode to rather than the text."""
    from sessiondesk.scheduling import links

    found = re.findall(r"/manage/([^/\s\"?]+)/" + re.escape(suffix), text)
    return [links.read_booking_token(token) or {} for token in found]


def open_a_later_time(page) -> None:  # type: ignore[no-untyped-def]
    """On a public booking page open in the browser, the details form for the first time of the third
    day with open times: at least two days ahead, far past any calendar's notice. Today's first time
    stops being offered when the clock passes its notice, which can fall between opening the form and
    sending it."""
    day = page.locator(".day-pick").nth(2)
    href = day.get_attribute("href") or ""
    date = dt.date.fromisoformat(href.split("date=")[1][:10])
    day.click()
    label = f"Open times on {date:%A} {date.day} {date:%B}"
    page.locator(f'ul.slots[aria-label="{label}"] a').first.click()
    page.get_by_label("Your name").wait_for()
