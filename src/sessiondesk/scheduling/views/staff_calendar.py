"""The staff calendar: a time grid (week, day) and, for owners, admins and staff, a day with one column
per consultant. The page is a shell; FullCalendar draws it from the events feed, and a drag or a
resize posts to ``calendar_move``, which runs the same booking flow as the reschedule form.

The forms stay the keyboard and no-script path: every block links to its session's card.
"""

import datetime as dt
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.models import Member
from sessiondesk.attendance.display import calendar_fields
from sessiondesk.lib.digits import is_id
from sessiondesk.scheduling import actions, availability, staff_calendar
from sessiondesk.scheduling.errors import BookingError, InvalidBooking
from sessiondesk.scheduling.models import Session
from sessiondesk.scheduling.staff_calendar import MAX_CONSULTANTS, SELECTION_KEY
from sessiondesk.scheduling.visibility import sessions_for

VIEWS = {"week": "timeGridWeek", "day": "timeGridDay", "consultants": "consultants"}


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _selection(request: HttpRequest, member: Member) -> list[Member]:
    """The consultants asked for in the address (remembered for next time), else the remembered ones,
    else the viewer's own."""
    if not member.manages_org:
        return [member]
    asked = request.GET.getlist("consultants")
    if not asked:
        return staff_calendar.shown(
            member, staff_calendar.default_ids(member, request.session.get(SELECTION_KEY))
        )
    chosen = staff_calendar.shown(member, staff_calendar.parse_ids(asked))
    request.session[SELECTION_KEY] = [m.pk for m in chosen]
    return chosen


def _day(request: HttpRequest, member: Member) -> tuple[dt.date, bool]:
    today = timezone.localtime(timezone=zoneinfo.ZoneInfo(member.timezone)).date()
    raw = request.GET.get("date", "")
    if not raw:
        return today, True
    try:
        return dt.date.fromisoformat(raw), True
    except ValueError:
        return today, False


@require_GET
@member_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    view = request.GET.get("view", "week")
    problems = []
    if view not in VIEWS or (view == "consultants" and not member.manages_org):
        problems.append("That calendar view does not exist; showing the week instead.")
        view = "week"
    day, valid = _day(request, member)
    if not valid:
        problems.append("That date is not a valid date; showing today instead.")
    try:
        consultants = _selection(request, member)
    except InvalidBooking as error:
        problems.append(error.message)
        consultants = staff_calendar.shown(member, staff_calendar.default_ids(member, None))
    query = request.GET.get("q", "")
    # An owner or admin who hosts nothing would see an empty week: point them at the filter.
    hosts_nothing = (
        member.manages_org
        and [m.pk for m in consultants] == [member.pk]
        and not Session.objects.filter(consultant=member).exists()
    )
    context = {
        "hosts_nothing": hosts_nothing,
        "view": view,
        "fc_view": VIEWS[view],
        "day": day,
        "viewer_tz": member.timezone,
        "consultants": consultants,
        "consultant_list": [{"id": m.pk, "name": m.name} for m in consultants],
        "without_hours": staff_calendar.without_hours(
            consultants, shaded=view == "consultants" or len(consultants) == 1
        ),
        "matches": _matches(member, query, consultants),
        "query": query,
        "max_consultants": MAX_CONSULTANTS,
        "problems": problems,
        "csp_nonce": get_nonce(request),
        "views": [("week", "Week"), ("day", "Day")]
        + ([("consultants", "Consultants")] if member.manages_org else []),
    }
    return render(request, "scheduling/calendar/page.html", context, status=400 if problems else 200)


def _matches(member: Member, query: str, selected: list[Member]) -> list[tuple[Member, bool]]:
    """The filter's checkboxes: the selected consultants first, then up to the limit of matches."""
    if not member.manages_org:
        return []
    chosen = {m.pk for m in selected}
    found = [m for m in staff_calendar.search(member, query) if m.pk not in chosen]
    return [(m, True) for m in selected] + [(m, False) for m in found]


@require_GET
@member_required
def consultant_matches(request: HttpRequest) -> HttpResponse:
    """The filter's checkbox list for a search (typed into the filter; htmx swaps it in)."""
    member = _member(request)
    if not member.manages_org:
        return HttpResponse("Only owners, admins and staff choose whom the calendar shows.", status=403)
    try:
        ids = staff_calendar.parse_ids(request.GET.getlist("consultants"))
    except InvalidBooking as error:
        return HttpResponse(error.message, status=400)
    selected = staff_calendar.shown(member, ids)
    query = request.GET.get("q", "")
    context = {"matches": _matches(member, query, selected), "query": query}
    return render(request, "scheduling/calendar/_matches.html", context)


@require_GET
@member_required
def calendar_events(request: HttpRequest) -> HttpResponse:
    """The sessions of the visible range for the consultants shown, and their working hours."""
    member = _member(request)
    tz = zoneinfo.ZoneInfo(member.timezone)
    try:
        start = staff_calendar.parse_moment(request.GET.get("start", ""), member.timezone, "start")
        end = staff_calendar.parse_moment(request.GET.get("end", ""), member.timezone, "end")
        staff_calendar.check_range(start, end)
        if member.manages_org and "consultants" in request.GET:
            ids = staff_calendar.parse_ids(request.GET.getlist("consultants"))
        else:
            ids = staff_calendar.default_ids(member, request.session.get(SELECTION_KEY))
    except InvalidBooking as error:
        return JsonResponse({"error": error.message, "field": error.field}, status=400)
    consultants = staff_calendar.shown(member, ids)
    sessions = list(staff_calendar.sessions_in(member, start, end, consultants))
    attendance = calendar_fields([s.pk for s in sessions])
    return JsonResponse(
        {
            "timezone": member.timezone,
            "consultants": [{"id": m.pk, "name": m.name} for m in consultants],
            "events": [staff_calendar.event(s, member, tz, attendance.get(s.pk, {})) for s in sessions],
            "hours": staff_calendar.working_hours(consultants, start, end, tz),
        }
    )


@require_POST
@member_required
def calendar_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A drag or a resize: the reschedule flow (and, dropped in another consultant's column, the new
    host in the same step). A refusal answers 4xx with the reason and changes nothing."""
    member = _member(request)
    session = sessions_for(member).select_related("consultant__user").filter(pk=pk).first()
    if session is None:
        return _refuse("That session does not exist or is not one of yours.", 404)
    try:
        start = staff_calendar.parse_moment(request.POST.get("start", ""), member.timezone, "start")
        end = staff_calendar.parse_moment(request.POST.get("end", ""), member.timezone, "end")
        consultant = _new_host(request, member, session)
        scope = _scope(request, session)
        host = consultant or session.consultant
        if request.POST.get("outside_hours") != "keep" and availability.outside_hours(host, start, end):
            words = availability.outside_hours_words(host, start, end, zoneinfo.ZoneInfo(member.timezone))
            # Asked, not refused: the page puts the question and sends the move again with the answer.
            return JsonResponse({"error": words, "field": "start", "confirm": "outside_hours"}, status=409)
        moved = actions.reschedule_session(
            session, start=start, end=end, actor=member, scope=scope, consultant=consultant
        )
    except BookingError as error:
        return _refuse(error.message, error.status, error.field)
    except PermissionDenied as error:
        return _refuse(str(error), 403)
    tz = zoneinfo.ZoneInfo(member.timezone)
    shown = staff_calendar.with_details(Session.objects.filter(pk=moved.pk)).get()
    return JsonResponse(
        {"message": _moved(session, shown, scope, tz), "event": staff_calendar.event(shown, member, tz)}
    )


def _moved(before: Session, after: Session, scope: str, tz: zoneinfo.ZoneInfo) -> str:
    if (before.start, before.end, before.consultant_id) == (after.start, after.end, after.consultant_id):
        return "Nothing changed."
    local = timezone.localtime(after.start, tz)
    when = f"{local:%A} {local.day} {local:%B at %H:%M %Z}"
    who = f" with {after.consultant.name}" if after.consultant_id != before.consultant_id else ""
    following = " (and the following sessions by as much)" if scope == actions.FOLLOWING else ""
    return f"“{after.title}” moved to {when}{who}{following}. Everyone on it will get an email."


def _new_host(request: HttpRequest, member: Member, session: Session) -> Member | None:
    raw = request.POST.get("consultant", "")
    if not raw or raw == str(session.consultant_id):
        return None
    if not member.manages_org:
        raise PermissionDenied("Only owners, admins and staff can give a session to another consultant.")
    if not is_id(raw):
        raise InvalidBooking("The consultant is given by their number.", "consultant")
    host = Member.objects.select_related("user").filter(org=member.org, pk=int(raw)).first()
    if host is None:
        raise InvalidBooking("That consultant is not a member of this organisation.", "consultant")
    return host


def _scope(request: HttpRequest, session: Session) -> str:
    scope = request.POST.get("scope", "")
    if session.series_id is None:
        return actions.THIS
    if scope not in (actions.THIS, actions.FOLLOWING):
        raise InvalidBooking(
            "This session is part of a weekly series: say whether to move this session only or this "
            "and the following ones.",
            "scope",
        )
    return scope


def _refuse(message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status)


@require_GET
@member_required
def week_redirect(request: HttpRequest) -> HttpResponse:
    """The old week page's address opens the calendar's week view on the same week and consultant."""
    query = request.GET.copy()
    week = query.pop("week", [""])[-1]
    consultant = query.pop("consultant", [""])[-1]
    params: dict[str, Any] = {"view": "week"}
    if week:
        params["date"] = week
    if consultant:
        params["consultants"] = consultant
    return redirect(f"{reverse('calendar')}?{urlencode(params)}")
