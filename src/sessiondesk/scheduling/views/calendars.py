"""Calendar pages. Managers (owner, admin, staff) manage every calendar; consultants see and edit the
calendars they are a member of, and create personal calendars for themselves."""

import datetime as dt
import zoneinfo
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.middleware import MemberRequest
from sessiondesk.lib import picker
from sessiondesk.scheduling.availability import Slot, calendar_slots
from sessiondesk.scheduling.forms.calendars import CalendarForm
from sessiondesk.scheduling.models import Calendar
from sessiondesk.scheduling.visibility import calendars_for

PREVIEW_DAYS = 14
PREVIEW_SLOTS = 24


visible_calendars = calendars_for


def _calendar_or_denied(request: MemberRequest, pk: int) -> Calendar:
    calendar = get_object_or_404(
        Calendar.objects.select_related("session_type", "org"), org=request.org, pk=pk
    )
    if not visible_calendars(request.member).filter(pk=calendar.pk).exists():
        raise PermissionDenied
    return calendar


def booking_url(calendar: Calendar) -> str:
    kwargs = {"org_slug": calendar.org.slug, "calendar_slug": calendar.slug}
    try:
        path = reverse("public_booking", kwargs=kwargs)
    except NoReverseMatch:
        path = f"/book/{calendar.org.slug}/{calendar.slug}"
    return settings.SITE_URL + path


def preview(calendar: Calendar, tz_name: str) -> list[tuple[dt.date, list[Slot]]]:
    """The next free slots, grouped by day in the viewer's time zone."""
    now = timezone.now()
    slots = calendar_slots(calendar, now, now + dt.timedelta(days=PREVIEW_DAYS), now=now)[:PREVIEW_SLOTS]
    tz = zoneinfo.ZoneInfo(tz_name)
    return [
        (day, list(group)) for day, group in groupby(slots, key=lambda slot: slot.start.astimezone(tz).date())
    ]


@member_required
def calendar_list(request: MemberRequest) -> HttpResponse:
    calendars = (
        visible_calendars(request.member)
        .select_related("session_type", "org")
        .prefetch_related("members__user")
        .order_by("name")
    )
    rows = [(calendar, booking_url(calendar)) for calendar in calendars]
    return render(request, "scheduling/calendars/list.html", {"rows": rows})


@member_required
def calendar_create(request: MemberRequest) -> HttpResponse:
    member = request.member
    if not member.manages_org and not member.hosts_sessions:
        raise PermissionDenied
    if picker.SEARCH_BUTTON in request.POST:
        found = CalendarForm(
            initial=picker.initial_from(request.POST, ["members"]), org=request.org, actor=member
        )
        return render(request, "scheduling/calendars/form.html", {"form": found, "calendar": None})
    form = CalendarForm(request.POST or None, org=request.org, actor=member)
    if request.method == "POST":
        calendar = form.save_for(member) if form.is_valid() else None
        if calendar is not None:
            messages.success(request, f"The calendar “{calendar.name}” was created.")
            return redirect("calendar_detail", pk=calendar.pk)
    status = 400 if form.errors else 200
    return render(request, "scheduling/calendars/form.html", {"form": form, "calendar": None}, status=status)


@member_required
def calendar_edit(request: MemberRequest, pk: int) -> HttpResponse:
    calendar = _calendar_or_denied(request, pk)
    if picker.SEARCH_BUTTON in request.POST:
        initial = picker.initial_from(request.POST, ["members"])
        found = CalendarForm(initial=initial, instance=calendar, org=request.org, actor=request.member)
        return render(request, "scheduling/calendars/form.html", {"form": found, "calendar": calendar})
    form = CalendarForm(request.POST or None, instance=calendar, org=request.org, actor=request.member)
    if request.method == "POST":
        saved = form.save_for(request.member) if form.is_valid() else None
        if saved is not None:
            messages.success(request, f"Changes to “{saved.name}” were saved.")
            return redirect("calendar_detail", pk=saved.pk)
        calendar.refresh_from_db()
    status = 400 if form.errors else 200
    return render(
        request, "scheduling/calendars/form.html", {"form": form, "calendar": calendar}, status=status
    )


@member_required
def calendar_detail(request: MemberRequest, pk: int) -> HttpResponse:
    calendar = _calendar_or_denied(request, pk)
    viewer_tz = request.member.timezone
    context = {
        "calendar": calendar,
        "members": list(calendar.members.select_related("user").order_by("user__name")),
        "booking_url": booking_url(calendar),
        "days": preview(calendar, viewer_tz),
        "viewer_tz": viewer_tz,
        "preview_days": PREVIEW_DAYS,
    }
    return render(request, "scheduling/calendars/detail.html", context)
