"""The public booking page: a visitor picks a slot in their own time zone and books it.

Clients have no password; after booking, a signed link (``links.booking_token``) lets them see,
move or cancel the booking (``views.portal``).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.rows import related_instances, select_related
from sessiondesk.meetings import display
from sessiondesk.meetings.desired import wanted_provider
from sessiondesk.scheduling import links
from sessiondesk.scheduling.actions import book_public
from sessiondesk.scheduling.availability import (
    Slot,
    bookable_members,
    calendar_slots,
    member_slots,
    slot_members,
)
from sessiondesk.scheduling.errors import InvalidBooking, SlotTaken
from sessiondesk.scheduling.forms.public import BookingForm, known_timezone, parse_slot, timezone_choices
from sessiondesk.scheduling.models import Calendar, CalendarKind, Client, Session
from sessiondesk.security import ratelimit

WINDOW_DAYS = 14
TAKEN = "Sorry, that time was just taken. Here are the times still open that day."
NOT_OFFERED = "That time is not offered on this calendar. Please pick a time from the list."


class BadParameter(Exception):
    """A query parameter a visitor (or a hand-edited link) got wrong; shown with a 400."""


# Pages shared with the client portal ---------------------------------------------------------------


def problem(
    request: HttpRequest, title: str, message: str, *, status: int, org: object = None
) -> HttpResponse:
    """A friendly page for links that do not work (404) or requests we cannot honour (400)."""
    return render(
        request,
        "scheduling/public/problem.html",
        {"title": title, "message": message, "org": org},
        status=status,
    )


def link_not_found(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        "This link does not work",
        "The link may be incomplete, or it has expired. Please use the most recent email we sent you, "
        "or contact the organisation you booked with.",
        status=404,
    )


def visitor_timezone(request: HttpRequest, default: str) -> str:
    """The ``tz`` query parameter when it names a real zone; ``default`` when absent."""
    name = request.GET.get("tz", "").strip()
    if not name:
        return default
    if not known_timezone(name):
        raise BadParameter(f"Unknown time zone {name!r}; pick one from the list.")
    return name


def parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"{value!r} is not a date (YYYY-MM-DD).") from None


@dataclass
class Day:
    date: dt.date
    slots: list[Slot] = field(default_factory=list)


@dataclass
class Window:
    first: dt.date
    last: dt.date
    today: dt.date
    horizon: dt.date

    @property
    def earlier(self) -> dt.date | None:
        return (
            max(self.today, self.first - dt.timedelta(days=WINDOW_DAYS)) if self.first > self.today else None
        )

    @property
    def later(self) -> dt.date | None:
        following = self.first + dt.timedelta(days=WINDOW_DAYS)
        return following if following <= self.horizon else None

    def contains(self, day: dt.date) -> bool:
        return self.today <= day <= self.horizon


def window(calendar: Calendar, tz_name: str, first: dt.date | None) -> Window:
    """Up to two weeks of days from ``first`` (default today), never past the calendar's horizon."""
    now = timezone.now()
    tz = zoneinfo.ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    horizon = (now + dt.timedelta(days=calendar.max_days_ahead)).astimezone(tz).date()
    first = min(max(first or today, today), horizon)
    return Window(first, min(first + dt.timedelta(days=WINDOW_DAYS - 1), horizon), today, horizon)


def _midnight(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def slot_days(
    calendar: Calendar, tz_name: str, first: dt.date, last: dt.date, *, required: list[Member] | None = None
) -> list[Day]:
    """The days between ``first`` and ``last`` (local to ``tz_name``) that have free slots.

    ``required``: only slots every one of these members can take (moving an existing booking).
    """
    tz = zoneinfo.ZoneInfo(tz_name)
    start, end = _midnight(first, tz), _midnight(last + dt.timedelta(days=1), tz)
    slots = calendar_slots(calendar, start, end, any_member=not required)
    days: dict[dt.date, Day] = {}
    for slot in slots:
        if required and not {m.pk for m in required} <= {m.pk for m in slot.members}:
            continue
        local = slot.start.astimezone(tz).date()
        days.setdefault(local, Day(local)).slots.append(slot)
    return list(days.values())


def day_slots(calendar: Calendar, tz_name: str, day: dt.date, *, required: list[Member] | None = None) -> Day:
    found = slot_days(calendar, tz_name, day, day, required=required)
    return found[0] if found else Day(day)


def offered_when_free(calendar: Calendar, start: dt.datetime, required: list[Member] | None = None) -> bool:
    """Would the calendar offer ``start`` if nobody had booked anything? Tells "taken" from "never offered"."""
    now = timezone.now()
    end = start + dt.timedelta(minutes=calendar.session_type.duration_minutes)
    members = bookable_members(calendar, start, end)
    free = [m for m in members if any(s == start for s, _ in member_slots(calendar, m, start, end, [], now))]
    if required:
        return {m.pk for m in required} <= {m.pk for m in free}
    if calendar.kind == CalendarKind.COLLECTIVE:
        return bool(members) and len(free) == len(members)
    return bool(free)


@dataclass
class ClientMeeting:
    """What a client sees about joining: a link (never the host's start URL), a wait, or a place."""

    # "join"; "pending": being made now; "later": made later (it waits for a person, a limit or its
    # creation date) and emailed then; "in_person"; "none".
    kind: str
    join_url: str = ""
    passcode: str = ""
    location: str = ""


def client_meeting(session: Session, client: Client | None = None) -> ClientMeeting:
    """What ``client`` sees: their own join link where they have one, never another client's."""
    if session.is_cancelled:
        return ClientMeeting("none")
    if not session.is_online:
        return ClientMeeting("in_person", location=session.location)
    if wanted_provider(session) is None:
        return ClientMeeting("none")
    # One read of the session's links for both questions below (none where the caller prefetched them).
    prefetch_related_objects([session], "meeting_links")
    details = display.join_details(session, client)
    if details is None:
        return ClientMeeting("later" if display.link_comes_later(session) else "pending")
    return ClientMeeting("join", join_url=details.join_url, passcode=details.passcode)


def hosts_phrase(calendar: Calendar) -> str:
    names = [m.name for m in calendar.members.filter(is_active=True).select_related("user").order_by("pk")]
    if not names:
        return ""
    if calendar.kind == CalendarKind.ROUND_ROBIN and len(names) > 1:
        return "one of our team: " + ", ".join(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


# The booking page -----------------------------------------------------------------------------------


def _public_calendar(org_slug: str, calendar_slug: str) -> Calendar | None:
    """The public calendar with its organisation and session type (SQL built once: every view of the
    booking pages starts here)."""
    with connection.cursor() as cursor:
        cursor.execute(_calendar_sql(connection.vendor), [org_slug, calendar_slug, True])
        found = related_instances(Calendar, _CALENDAR_WITH, cursor.fetchall())
    return found[0] if found else None


_CALENDAR_WITH = ("org", "session_type")


@cache
def _calendar_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    calendar, org, slug = quote(Calendar._meta.db_table), quote(Organization._meta.db_table), quote("slug")
    return (
        f"{select_related(Calendar, *_CALENDAR_WITH)} WHERE {org}.{slug} = %s AND {calendar}.{slug} = %s "
        f"AND {calendar}.{quote('is_public')} = %s"
    )


def _calendar_context(calendar: Calendar, tz_name: str) -> dict:
    return {
        "calendar": calendar,
        "org": calendar.org,
        "session_type": calendar.session_type,
        "hosts": hosts_phrase(calendar),
        "tz": tz_name,
        "timezones": timezone_choices(),
        "details_url": reverse("public_booking_details", args=[calendar.org.slug, calendar.slug]),
        "page_url": reverse("public_booking", args=[calendar.org.slug, calendar.slug]),
        "day_url": reverse("public_booking_day", args=[calendar.org.slug, calendar.slug]),
    }


def _bad_link(request: HttpRequest, calendar: Calendar, error: BadParameter) -> HttpResponse:
    return problem(request, "Something in that link is not right", str(error), status=400, org=calendar.org)


@require_GET
def booking_page(request: HttpRequest, org_slug: str, calendar_slug: str) -> HttpResponse:
    calendar = _public_calendar(org_slug, calendar_slug)
    if calendar is None:
        return problem(request, "Page not found", "There is no booking page at this address.", status=404)
    try:
        tz_name = visitor_timezone(request, calendar.org.timezone)
        span = window(calendar, tz_name, parse_day(request.GET.get("from")))
        chosen = parse_day(request.GET.get("date"))
    except BadParameter as error:
        return _bad_link(request, calendar, error)
    days = slot_days(calendar, tz_name, span.first, span.last)
    selected = next((d for d in days if d.date == chosen), days[0] if days else None)
    context = _calendar_context(calendar, tz_name)
    context.update(
        days=days,
        selected=selected,
        span=span,
        detect_tz="tz" not in request.GET,
    )
    return render(request, "scheduling/public/booking.html", context)


@require_GET
def booking_day(request: HttpRequest, org_slug: str, calendar_slug: str) -> HttpResponse:
    """The slots of one day (htmx fragment)."""
    calendar = _public_calendar(org_slug, calendar_slug)
    if calendar is None:
        return problem(request, "Page not found", "There is no booking page at this address.", status=404)
    try:
        tz_name = visitor_timezone(request, calendar.org.timezone)
        day = parse_day(request.GET.get("date"))
    except BadParameter as error:
        return _bad_link(request, calendar, error)
    if day is None:
        return _bad_link(request, calendar, BadParameter("Pick a day."))
    context = _calendar_context(calendar, tz_name)
    context["selected"] = day_slots(calendar, tz_name, day)
    return render(request, "scheduling/public/_day_slots.html", context)


def _details(
    request: HttpRequest, calendar: Calendar, form: BookingForm, status: int = 200, **extra: object
) -> HttpResponse:
    tz_name = form.data.get("tz") if form.is_bound else form.initial.get("tz")
    context = _calendar_context(
        calendar, tz_name if tz_name and known_timezone(tz_name) else calendar.org.timezone
    )
    context.update(form=form, **extra)
    return render(request, "scheduling/public/details.html", context, status=status)


def _taken(
    request: HttpRequest, calendar: Calendar, form: BookingForm, start: dt.datetime, tz_name: str
) -> HttpResponse:
    day = day_slots(calendar, tz_name, start.astimezone(zoneinfo.ZoneInfo(tz_name)).date())
    return _details(request, calendar, form, 409, taken=True, fresh=day, slot_message=TAKEN)


@require_http_methods(["GET", "POST"])
def booking_details(request: HttpRequest, org_slug: str, calendar_slug: str) -> HttpResponse:
    """The visitor's details for a chosen slot; POST books it."""
    calendar = _public_calendar(org_slug, calendar_slug)
    if calendar is None:
        return problem(request, "Page not found", "There is no booking page at this address.", status=404)
    if request.method == "POST":
        return _book(request, calendar)
    try:
        tz_name = visitor_timezone(request, calendar.org.timezone)
    except BadParameter as error:
        return _bad_link(request, calendar, error)
    start = parse_slot(request.GET.get("start", ""))
    form = BookingForm(initial={"tz": tz_name, "start": request.GET.get("start", "")})
    if start is None or start <= timezone.now():
        return _details(
            request,
            calendar,
            form,
            400,
            slot_message="That time is not valid or has passed. Please pick a time from the list.",
        )
    if not slot_members(calendar, start):
        if offered_when_free(calendar, start):
            return _taken(request, calendar, form, start, tz_name)
        return _details(request, calendar, form, 400, slot_message=NOT_OFFERED)
    return _details(request, calendar, form, start=start)


# Accepted bookings per calendar and client address (RATE_LIMIT_BOOKING): a visitor who mistypes
# their email loses nothing, and a school or office behind one address shares a generous allowance
# per calendar instead of one for the whole organisation.
BOOKING_SCOPE = "booking"


class _OverLimit(Exception):
    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def _booking_ident(request: HttpRequest, calendar: Calendar) -> str:
    return f"{calendar.pk}\0{ratelimit.client_ip(request)}"


def _too_many_bookings(request: HttpRequest, calendar: Calendar, wait: int) -> HttpResponse:
    tz_name = request.POST.get("tz", "")
    tz_name = tz_name if known_timezone(tz_name) else calendar.org.timezone
    again = timezone.now() + dt.timedelta(seconds=wait)
    return ratelimit.too_many(
        request,
        wait,
        "bookings",
        "scheduling/public/too_many.html",
        org=calendar.org,
        calendar=calendar,
        tz=tz_name,
        again=again,
        page_url=reverse("public_booking", args=[calendar.org.slug, calendar.slug]),
    )


def _book(request: HttpRequest, calendar: Calendar) -> HttpResponse:
    ident, rate = _booking_ident(request, calendar), ratelimit.setting("RATE_LIMIT_BOOKING")
    wait = ratelimit.retry_after(BOOKING_SCOPE, ident, rate)
    if wait is not None:  # say so before the visitor fixes a form that cannot be booked anyway
        return _too_many_bookings(request, calendar, wait)
    form = BookingForm(request.POST)
    if not form.is_valid():
        if "start" in form.errors:  # nothing to fix on this form: send them back to the times
            return _details(request, calendar, form, 400, slot_message=form.errors["start"][0])
        return _details(request, calendar, form, 400, start=form.cleaned_data.get("start"))
    data = form.cleaned_data

    def admit() -> None:
        # Counted in the booking's transaction, so parallel submits cannot all slip under the limit
        # and a booking that does not happen is not counted.
        wait = ratelimit.hit(BOOKING_SCOPE, ident, rate)
        if wait is not None:
            raise _OverLimit(wait)

    try:
        session = book_public(
            calendar,
            start=data["start"],
            name=data["name"],
            email=data["email"],
            timezone_name=data["tz"],
            phone=data["phone"],
            notes=data["notes"],
            admit=admit,
        )
    except _OverLimit as refused:
        return _too_many_bookings(request, calendar, refused.wait)
    except SlotTaken:
        if offered_when_free(calendar, data["start"]):
            return _taken(request, calendar, form, data["start"], data["tz"])
        return _details(request, calendar, form, 400, slot_message=NOT_OFFERED)
    except InvalidBooking as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _details(request, calendar, form, 400, start=data["start"])
    [client] = session.clients.all()  # the visitor; the new session carries it, no query
    token = links.booking_token(session, client, visitor_tz=data["tz"])
    url = reverse("booking_confirmed", args=[token]) + "?" + urlencode({"tz": data["tz"]})
    return see_other(url)


def see_other(url: str) -> HttpResponse:
    """303: the browser follows with a GET, so a reload never posts the booking twice."""
    return HttpResponseRedirect(url, status=303)
