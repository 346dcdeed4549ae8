"""The staff calendar's data: the sessions of a visible range as time-grid events, the working hours
of the consultants shown, and whom a person's calendar shows.

Times travel as wall-clock times in the viewer's own time zone, without an offset ("2027-03-03T16:00:00"):
the page draws them as they are (FullCalendar's named time zone without a zone library) and sends a
drag back the same way, so the viewer's zone, not the browser's, is the one on the page.

Every answer is bounded: at most ``MAX_DAYS`` days and ``MAX_CONSULTANTS`` consultants, and a fixed
number of queries whatever the number of sessions, clients or members.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from sessiondesk.accounts.models import Member
from sessiondesk.attendance.display import calendar_fields
from sessiondesk.lib.digits import is_id
from sessiondesk.meetings.display import block_for
from sessiondesk.scheduling import availability
from sessiondesk.scheduling.errors import InvalidBooking
from sessiondesk.scheduling.forms.sessions import host_choices
from sessiondesk.scheduling.models import AvailabilityRule, Session, SessionCoHost, SessionStatus
from sessiondesk.scheduling.recurrence import localize
from sessiondesk.scheduling.validation import MAX_SESSION
from sessiondesk.scheduling.visibility import sessions_for

MAX_DAYS = 42
MAX_CONSULTANTS = 20
SELECTION_KEY = "calendar_consultants"

# What a block says about its meeting (meetings.display.MeetingBlock.kind).
MEETING_WORDS = {
    "ready": "{link} ready",
    "creating": "{link} on its way",
    "updating": "{link} being updated",
    "waiting": "{link} waiting",
    "failed": "{link} failed",
    "in_person": "In person",
}


def parse_moment(raw: str, tz_name: str, field: str) -> dt.datetime:
    """An ISO date-time from the page: with an offset as given, without one as a wall-clock time in
    ``tz_name`` (a time skipped by a DST jump moves forward, as in the forms)."""
    try:
        moment = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise InvalidBooking(
            f"The {field} is not a date and time (expected 2027-03-03T16:00).", field
        ) from None
    if moment.tzinfo is None:
        moment = localize(moment, zoneinfo.ZoneInfo(tz_name))
    return moment.astimezone(dt.UTC)


def check_range(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise InvalidBooking("The end of the range must be after its start.", "end")
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise InvalidBooking(f"Show at most {MAX_DAYS} days at once.", "end")


def wall_clock(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    return moment.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


# Whom the calendar shows -------------------------------------------------------------------------------


def pickable(viewer: Member) -> QuerySet[Member]:
    """The consultants an owner, admin or staff member may show (the hosts of the organisation)."""
    return host_choices(viewer.org, viewer)


def search(viewer: Member, query: str, limit: int = MAX_CONSULTANTS) -> list[Member]:
    """At most ``limit`` consultants whose name or email contains ``query``."""
    found = pickable(viewer)
    if query.strip():
        words = query.strip()
        found = found.filter(Q(user__name__icontains=words) | Q(user__email__icontains=words))
    return list(found[:limit])


def parse_ids(raw: Iterable[str]) -> list[int]:
    """Member ids from the address (``consultants=3&consultants=7`` or ``consultants=3,7``)."""
    ids: list[int] = []
    for value in raw:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not is_id(part):
                raise InvalidBooking("Consultants are given by their numbers.", "consultants")
            if int(part) not in ids:
                ids.append(int(part))
    if len(ids) > MAX_CONSULTANTS:
        raise InvalidBooking(f"Show at most {MAX_CONSULTANTS} consultants at once.", "consultants")
    return ids


def default_ids(viewer: Member, remembered: list[int] | None) -> list[int]:
    """The last selection, or else the viewer's own sessions (when they host any)."""
    if remembered:
        return remembered[:MAX_CONSULTANTS]
    return [viewer.pk] if viewer.hosts_sessions else []


def shown(viewer: Member, ids: list[int]) -> list[Member]:
    """The consultants a calendar shows, in the order asked. A consultant only ever sees themselves;
    ids outside the viewer's organisation or of members who cannot host are left out."""
    if not viewer.manages_org:
        return [viewer]
    found = {m.pk: m for m in pickable(viewer).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# The sessions ------------------------------------------------------------------------------------------


def sessions_in(
    viewer: Member, start: dt.datetime, end: dt.datetime, consultants: list[Member]
) -> list[Session]:
    """The sessions overlapping ``start``..``end`` that the viewer may see: a consultant's own
    (hosted or co-hosted); for the others, those hosted or co-hosted by ``consultants``."""
    sessions = sessions_for(viewer).filter(start__lt=end, end__gt=start, start__gt=start - MAX_SESSION)
    if viewer.manages_org:
        ids = [m.pk for m in consultants]
        co_hosted = SessionCoHost.objects.filter(member_id__in=ids).values("session_id")
        sessions = sessions.filter(Q(consultant_id__in=ids) | Q(pk__in=co_hosted))
    return list(with_details(sessions).order_by("start", "pk"))


def with_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What a block shows, read in four queries for any number of sessions."""
    return sessions.select_related("consultant__user").prefetch_related(
        "clients", Prefetch("co_hosts", queryset=Member.objects.select_related("user")), "meeting_links"
    )


def event(
    session: Session, viewer: Member, tz: zoneinfo.ZoneInfo, attendance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``attendance``: the session's entry of ``attendance.display.calendar_fields`` (read once for
    all the events shown); when not given it is read for this one session."""
    block = block_for(session, viewer)
    if attendance is None:
        attendance = calendar_fields([session.pk]).get(session.pk, {})
    cancelled = session.status == SessionStatus.CANCELLED
    words = MEETING_WORDS.get(block.kind, "")
    return {
        "id": str(session.pk),
        "title": session.title,
        "start": wall_clock(session.start, tz),
        "end": wall_clock(session.end, tz),
        "url": reverse("session_detail", args=[session.pk]),
        "editable": not cancelled,
        "classNames": [f"sd-{session.status}", f"sd-meeting-{block.kind}"]
        + ([f"sd-attendance-{attendance['attendance']}"] if attendance.get("attendance") else []),
        "extendedProps": {
            "status": session.status,
            "statusLabel": "Cancelled" if cancelled else "Scheduled",
            "meeting": block.kind,
            "meetingLabel": words.format(link=_link_words(block.provider_label)),
            "consultant": session.consultant_id,
            "consultantName": session.consultant.name,
            "coHosts": [m.pk for m in session.co_hosts.all()],
            "clients": ", ".join(c.name for c in session.clients.all()),
            "series": session.series_id is not None,
            "moveUrl": reverse("calendar_move", args=[session.pk]),
            # Attendance: the outcome ("" until known) and how many people are in the meeting now.
            "attendance": attendance.get("attendance", ""),
            "attendanceLabel": attendance.get("attendanceLabel", ""),
            "inMeeting": attendance.get("inMeeting", 0),
        },
    }


def _link_words(provider_label: str) -> str:
    """ "Zoom link", "Custom link", "Meeting link"."""
    label = provider_label or "Meeting"
    return label if label.lower().endswith("link") else f"{label} link"


# Working hours -----------------------------------------------------------------------------------------


def working_hours(
    consultants: list[Member], start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo
) -> dict[str, list[list[str]]]:
    """Each consultant's available windows (weekly rules, or a date's overrides instead) that touch
    the range, as wall-clock pairs in the viewer's zone; read in two queries for everyone."""
    first = (start - dt.timedelta(days=1)).date()
    last = (end + dt.timedelta(days=1)).date()
    availability.with_hours(consultants, first, last)
    return {
        str(member.pk): [
            [wall_clock(opens, tz), wall_clock(closes, tz)]
            for opens, closes in availability.working_windows(member, first, last)
            if opens < end and closes > start
        ]
        for member in consultants
    }


def without_hours(consultants: list[Member], shaded: bool) -> list[Member]:
    """The consultants whose grid is all grey because they set no weekly hours, named above the
    calendar when it shades hours (one consultant's grid, or the consultants view). Said with the
    page, not after the events arrive, so the grid does not move under a pointer."""
    if not shaded:
        return []
    with_rules = set(
        AvailabilityRule.objects.filter(member__in=consultants).values_list("member_id", flat=True)
    )
    return [m for m in consultants if m.pk not in with_rules]
