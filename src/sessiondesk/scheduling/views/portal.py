"""What a client opens from a signed link: one booking (see, move, cancel) and their portal.

A booking token names a session and a client; both must still match (the client attends that
session), so a link for one client can never act on another client's booking.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sessiondesk.notifications import ics
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling import links
from sessiondesk.scheduling.actions import cancel_session, reschedule_session
from sessiondesk.scheduling.errors import InvalidBooking, SlotTaken
from sessiondesk.scheduling.forms.public import (
    CancelForm,
    RescheduleForm,
    known_timezone,
    parse_slot,
    timezone_choices,
)
from sessiondesk.scheduling.models import Calendar, Client, Session, SessionStatus
from sessiondesk.scheduling.views.public import (
    TAKEN,
    BadParameter,
    client_meeting,
    day_slots,
    link_not_found,
    offered_when_free,
    parse_day,
    problem,
    see_other,
    slot_days,
    visitor_timezone,
    window,
)

RECENT = dt.timedelta(days=90)


@dataclass
class Booking:
    session: Session
    client: Client
    # Set for the token handed to the browser that booked (see ``links``): the time zone it chose.
    visitor_tz: str | None


def _booking(token: str) -> Booking | None:
    data = links.read_booking_token(token)
    if data is None or not {"s", "c"} <= data.keys():
        return None
    if not all(isinstance(data[key], int) for key in ("s", "c")):
        return None
    visitor_tz = data.get("v")
    session = (
        Session.objects.select_related("org", "consultant__user", "session_type", "calendar__session_type")
        .prefetch_related("co_hosts__user")
        .filter(pk=data["s"], clients__pk=data["c"])
        .first()
    )
    if session is None:
        return None
    client = Client.objects.filter(pk=data["c"], org_id=session.org_id).first()
    if client is None:
        return None
    return Booking(session, client, str(visitor_tz) if visitor_tz is not None else None)


def _can_change(session: Session) -> bool:
    return session.status == SessionStatus.SCHEDULED and session.start > timezone.now()


def _actor_label(client: Client) -> str:
    return f"client {client.name} <{client.email}>"


def _context(request: HttpRequest, booking: Booking, token: str) -> dict:
    session, client = booking.session, booking.client
    visitor = booking.visitor_tz is not None
    # A visitor sees times in the zone they chose, never the zone stored for the client.
    default_tz = client.timezone
    if booking.visitor_tz is not None:
        default_tz = booking.visitor_tz if known_timezone(booking.visitor_tz) else session.org.timezone
    tz_name = visitor_timezone(request, default_tz)
    manage_path = reverse("manage_booking", args=[token])
    return {
        "session": session,
        "client": client,
        "org": session.org,
        "tz": tz_name,
        "timezones": timezone_choices(),
        "meeting": client_meeting(session, client),
        "meeting_url": reverse("booking_meeting", args=[token]),
        "ask_every": QUICK_SECONDS,
        "token": token,
        "visitor": visitor,
        "can_change": _can_change(session),
        "is_past": session.end <= timezone.now(),
        "manage_url": manage_path,
        "manage_link": settings.SITE_URL + manage_path if visitor else links.manage_url(session, client),
        "portal_link": "" if visitor else links.portal_url(client),
    }


def _load(request: HttpRequest, token: str) -> tuple[Session, Client, dict] | HttpResponse:
    found = _booking(token)
    if found is None:
        return link_not_found(request)
    session, client = found.session, found.client
    try:
        return session, client, _context(request, found, token)
    except BadParameter as error:
        return problem(
            request, "Something in that link is not right", str(error), status=400, org=session.org
        )


@require_GET
def booking_confirmed(request: HttpRequest, token: str) -> HttpResponse:
    loaded = _load(request, token)
    if isinstance(loaded, HttpResponse):
        return loaded
    return render(request, "scheduling/public/confirmed.html", loaded[2])


# While a meeting's link is being made (seconds, normally), its part of the page asks again every
# QUICK_SECONDS; after QUICK_ASKS asks, every SLOW_SECONDS, saying it takes longer: a page left open
# while the worker is down asks twice a minute, not thirty times.
QUICK_ASKS, QUICK_SECONDS, SLOW_SECONDS = 30, 2, 30


@require_GET
def booking_meeting(request: HttpRequest, token: str) -> HttpResponse:
    """The booking's meeting part alone: the confirmation and booking pages ask for it again while the
    link is being made (``asked``: how often so far), and stop once it is there or comes later."""
    found = _booking(token)
    if found is None:
        return link_not_found(request)
    asked = request.GET.get("asked", "0")
    if not (asked.isascii() and asked.isdigit() and len(asked) <= 6):
        return problem(
            request, "Something in that link is not right", "'asked' must be a whole number.", status=400
        )
    asked_now = int(asked) + 1
    context = {
        "meeting": client_meeting(found.session, found.client),
        "meeting_url": f"{request.path}?{urlencode({'asked': asked_now})}",
        "ask_every": QUICK_SECONDS if asked_now < QUICK_ASKS else SLOW_SECONDS,
        "taking_long": asked_now >= QUICK_ASKS,
    }
    return render(request, "scheduling/public/_meeting.html", context)


@require_GET
def manage_booking(request: HttpRequest, token: str) -> HttpResponse:
    loaded = _load(request, token)
    if isinstance(loaded, HttpResponse):
        return loaded
    return render(request, "scheduling/public/manage.html", loaded[2])


@require_GET
def booking_invite(request: HttpRequest, token: str) -> HttpResponse:
    """An .ics file for "add to calendar"; the same UID as the emailed invites, so it stays one entry."""
    found = _booking(token)
    if found is None:
        return link_not_found(request)
    session, client = found.session, found.client
    if session.is_cancelled:
        return problem(
            request,
            "This session was cancelled",
            "There is nothing to add to your calendar.",
            status=404,
            org=session.org,
        )
    meeting = client_meeting(session, client)
    sent = OutboundEmail.objects.filter(session=session, client=client, state=EmailState.SENT).count()
    manage_link = links.manage_url(session, client)
    if found.visitor_tz is not None:
        manage_link = settings.SITE_URL + reverse("manage_booking", args=[token])
    entry = ics.Entry(session, join_url=meeting.join_url, manage_url=manage_link, sequence=sent)
    body = ics.invite(
        [entry],
        method="PUBLISH",
        attendee_email=client.email,
        attendee_name=client.email if found.visitor_tz is not None else client.name,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


def _required(session: Session) -> list:
    return [session.consultant, *session.co_hosts.all()]


def _reschedule_page(
    request: HttpRequest, session: Session, context: dict, status: int = 200, **extra: object
) -> HttpResponse:
    calendar: Calendar | None = session.calendar
    if calendar is not None and "days" not in extra and "start" not in extra:
        try:
            span = window(calendar, context["tz"], parse_day(request.GET.get("from")))
            chosen = parse_day(request.GET.get("date"))
        except BadParameter as error:
            return problem(
                request, "Something in that link is not right", str(error), status=400, org=session.org
            )
        days = slot_days(calendar, context["tz"], span.first, span.last, required=_required(session))
        extra.setdefault("span", span)
        extra.setdefault("days", days)
        extra.setdefault("selected", next((d for d in days if d.date == chosen), days[0] if days else None))
    context.update(
        calendar=calendar,
        page_url=reverse("manage_reschedule", args=[context["token"]]),
        day_url=reverse("manage_reschedule_day", args=[context["token"]]),
        details_url=reverse("manage_reschedule", args=[context["token"]]),
        **extra,
    )
    return render(request, "scheduling/public/reschedule.html", context, status=status)


@require_http_methods(["GET", "POST"])
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    loaded = _load(request, token)
    if isinstance(loaded, HttpResponse):
        return loaded
    session, client, context = loaded
    if not context["can_change"]:
        messages.info(request, "This session can no longer be moved.")
        return see_other(context["manage_url"])
    if session.calendar is None:
        return _reschedule_page(request, session, context)
    if request.method == "POST":
        return _move(request, session, client, context)
    if "start" not in request.GET:
        return _reschedule_page(request, session, context)
    start = parse_slot(request.GET["start"])
    if start is None or start <= timezone.now():
        return _reschedule_page(
            request, session, context, 400, slot_message="That time is not valid or has passed."
        )
    return _check_and_show(request, session, context, start)


def _calendar_of(session: Session) -> Calendar:
    """The session's calendar; callers have already sent calendar-less sessions elsewhere."""
    assert session.calendar is not None
    return session.calendar


def _slot_free(session: Session, start: dt.datetime, tz_name: str) -> bool:
    day = day_slots(
        _calendar_of(session),
        tz_name,
        start.astimezone(zoneinfo.ZoneInfo(tz_name)).date(),
        required=_required(session),
    )
    return any(slot.start == start for slot in day.slots)


def _check_and_show(
    request: HttpRequest, session: Session, context: dict, start: dt.datetime
) -> HttpResponse:
    if _slot_free(session, start, context["tz"]):
        return _reschedule_page(request, session, context, start=start)
    return _refused(request, session, context, start)


def _refused(request: HttpRequest, session: Session, context: dict, start: dt.datetime) -> HttpResponse:
    local_day = start.astimezone(zoneinfo.ZoneInfo(context["tz"])).date()
    if offered_when_free(_calendar_of(session), start, _required(session)):
        fresh = day_slots(_calendar_of(session), context["tz"], local_day, required=_required(session))
        return _reschedule_page(
            request, session, context, 409, slot_message=TAKEN, days=[fresh], selected=fresh
        )
    return _reschedule_page(
        request,
        session,
        context,
        400,
        slot_message="That time is not offered. Please pick a time from the list.",
    )


def _move(request: HttpRequest, session: Session, client: Client, context: dict) -> HttpResponse:
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _reschedule_page(request, session, context, 400, slot_message=message)
    start = form.cleaned_data["start"]
    if not _slot_free(session, start, context["tz"]):
        return _refused(request, session, context, start)
    try:
        reschedule_session(session, start=start, actor=None, actor_label=_actor_label(client))
    except SlotTaken:
        return _refused(request, session, context, start)
    except InvalidBooking as error:
        return _reschedule_page(request, session, context, 400, slot_message=error.message)
    messages.success(request, "Your session has been moved. We've emailed you the new time.")
    return see_other(context["manage_url"] + "?" + urlencode({"tz": context["tz"]}))


@require_GET
def manage_reschedule_day(request: HttpRequest, token: str) -> HttpResponse:
    """The free slots of one day for moving this booking (htmx fragment)."""
    loaded = _load(request, token)
    if isinstance(loaded, HttpResponse):
        return loaded
    session, _client, context = loaded
    try:
        day = parse_day(request.GET.get("date"))
    except BadParameter as error:
        return problem(
            request, "Something in that link is not right", str(error), status=400, org=session.org
        )
    if session.calendar is None or day is None or not context["can_change"]:
        return problem(request, "No times to show", "Pick a day from the list.", status=400, org=session.org)
    context.update(
        selected=day_slots(session.calendar, context["tz"], day, required=_required(session)),
        details_url=reverse("manage_reschedule", args=[token]),
    )
    return render(request, "scheduling/public/_day_slots.html", context)


@require_http_methods(["GET", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    loaded = _load(request, token)
    if isinstance(loaded, HttpResponse):
        return loaded
    session, client, context = loaded
    if not context["can_change"]:
        messages.info(request, "This session can no longer be cancelled.")
        return see_other(context["manage_url"])
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "scheduling/public/cancel.html", {**context, "form": form}, status=400)
        cancel_session(
            session, actor=None, reason=form.cleaned_data["reason"], actor_label=_actor_label(client)
        )
        messages.success(request, "Your session is cancelled. We've let everyone know.")
        return see_other(context["manage_url"] + "?" + urlencode({"tz": context["tz"]}))
    return render(request, "scheduling/public/cancel.html", {**context, "form": form})


@require_GET
def client_portal(request: HttpRequest, token: str) -> HttpResponse:
    data = links.read_portal_token(token)
    client = None
    if data is not None and {"c", "o"} <= data.keys() and all(isinstance(data[k], int) for k in ("c", "o")):
        client = Client.objects.select_related("org").filter(pk=data["c"], org_id=data["o"]).first()
    if client is None:
        return link_not_found(request)
    try:
        tz_name = visitor_timezone(request, client.timezone)
    except BadParameter as error:
        return problem(request, "Something in that link is not right", str(error), status=400, org=client.org)
    now = timezone.now()
    sessions = (
        client.sessions.filter(org=client.org)
        .select_related("consultant__user", "session_type")
        .prefetch_related("co_hosts__user")
    )
    upcoming = sessions.filter(end__gt=now).filter(
        Q(status=SessionStatus.SCHEDULED) | Q(cancelled_at__gte=now - RECENT)
    )
    past = sessions.filter(end__lte=now, start__gte=now - RECENT, status=SessionStatus.SCHEDULED)
    calendars = Calendar.objects.filter(org=client.org, is_public=True).select_related("session_type")
    return render(
        request,
        "scheduling/public/portal.html",
        {
            "client": client,
            "org": client.org,
            "tz": tz_name,
            "timezones": timezone_choices(),
            "upcoming": [_card(s, client) for s in upcoming.order_by("start")],
            "past": [_card(s, client) for s in past.order_by("-start")[:10]],
            "calendars": calendars,
        },
    )


def _card(session: Session, client: Client) -> dict:
    return {
        "session": session,
        "meeting": client_meeting(session, client),
        "manage_link": links.manage_url(session, client),
        "can_change": _can_change(session),
    }
