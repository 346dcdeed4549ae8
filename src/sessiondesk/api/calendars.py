"""Calendars through the same form the pages use. Managers set the kind and the team; consultants
edit the calendars they belong to and create personal ones for themselves."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from sessiondesk.accounts.models import Member
from sessiondesk.api import access
from sessiondesk.api.auth import member_of
from sessiondesk.api.errors import form_invalid
from sessiondesk.api.present import calendar_out, with_calendar_details
from sessiondesk.api.schemas import CalendarIn, CalendarOut, CalendarPatch, Error
from sessiondesk.scheduling import visibility
from sessiondesk.scheduling.errors import InvalidBooking
from sessiondesk.scheduling.forms.calendars import TEAM_FIELDS, CalendarForm
from sessiondesk.scheduling.models import Calendar, CalendarKind

router = Router(tags=["calendars"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
FIELDS = (
    "name",
    "slug",
    "kind",
    "session_type",
    "description",
    "is_public",
    "custom_meeting_url",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "max_days_ahead",
    "slot_interval_minutes",
)


def _current(calendar: Calendar) -> dict[str, Any]:
    data = {name: getattr(calendar, name) for name in FIELDS if name != "session_type"}
    data["session_type"] = calendar.session_type_id
    data["members"] = [m.pk for m in calendar.members.all()] if calendar.pk else []
    return data


def _save(member: Member, calendar: Calendar, values: dict[str, Any]) -> Calendar:
    if not member.manages_org and set(values) & set(TEAM_FIELDS):
        raise HttpError(403, "Only owners, admins and staff can set a calendar's kind and members.")
    if "session_type" in values:
        access.org_session_type(member, values["session_type"])
    for host in access.org_members(member, values.get("members", []), "members"):
        if not host.hosts_sessions:
            raise InvalidBooking(f"{host.name} is staff and cannot host sessions.", "members")
    form = CalendarForm(_current(calendar) | values, org=member.org, actor=member, instance=calendar)
    if not form.is_valid():
        raise form_invalid(form)
    if calendar.pk and not form.has_changed():
        return calendar
    saved = form.save_for(member)
    if saved is None:
        raise form_invalid(form)
    return saved


def _detailed(member: Member, calendar_id: int) -> Calendar:
    return access.get_or_404(with_calendar_details(visibility.calendars_for(member)), calendar_id, "Calendar")


@router.get("/", response={200: list[CalendarOut], **ERRORS}, summary="List calendars")
def list_calendars(request: HttpRequest) -> list[dict]:
    calendars = with_calendar_details(visibility.calendars_for(member_of(request))).order_by("name", "id")
    return [calendar_out(c) for c in calendars]


@router.get("/{calendar_id}", response={200: CalendarOut, **ERRORS}, summary="Get a calendar")
def get_calendar(request: HttpRequest, calendar_id: int) -> dict:
    return calendar_out(_detailed(member_of(request), calendar_id))


@router.post("/", response={201: CalendarOut, **ERRORS}, summary="Create a calendar")
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[dict]:
    member = member_of(request)
    values = payload.model_dump(exclude_none=True)
    if "members" not in values:
        values["members"] = [member.pk]
    if (
        not member.manages_org
        and values["kind"] == CalendarKind.PERSONAL
        and values["members"] == [member.pk]
    ):
        # A consultant's own personal calendar: the form makes it so without team fields.
        del values["kind"], values["members"]
    calendar = _save(member, Calendar(org=member.org), values)
    return Status(201, calendar_out(_detailed(member, calendar.pk)))


@router.patch("/{calendar_id}", response={200: CalendarOut, **ERRORS}, summary="Change a calendar")
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> dict:
    member = member_of(request)
    calendar = access.get_or_404(visibility.calendars_for(member), calendar_id, "Calendar")
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    _save(member, calendar, values)
    return calendar_out(_detailed(member, calendar.pk))
