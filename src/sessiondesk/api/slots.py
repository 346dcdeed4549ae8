import datetime as dt
import zoneinfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from sessiondesk.api import access
from sessiondesk.api.auth import member_of
from sessiondesk.api.errors import MESSAGES
from sessiondesk.api.schemas import Error, SlotList, TimeZoneName
from sessiondesk.scheduling import validation, visibility
from sessiondesk.scheduling.availability import calendar_slots
from sessiondesk.scheduling.errors import InvalidBooking

router = Router(tags=["calendars"])
ERRORS = {400: Error, 401: Error, 404: Error, 422: Error}
DEFAULT_SPAN = dt.timedelta(days=7)
MAX_SPAN = dt.timedelta(days=31)


class SlotQuery(Schema):
    start_from: str | None = Field(
        None,
        alias="from",
        max_length=40,
        description="An ISO 8601 instant with offset, or a date (from midnight in `timezone`). Default: now.",
    )
    to: str | None = Field(
        None,
        max_length=40,
        description="An instant, or a date (through the end of that day). Default: 7 days after `from`.",
    )
    timezone: TimeZoneName | None = Field(
        None, description="IANA zone for dates and the answer; default: yours."
    )


def _instant(value: str, field: str, tz: zoneinfo.ZoneInfo, *, end_of_day: bool = False) -> dt.datetime:
    """A date (midnight in ``tz``; with ``end_of_day`` the midnight after) or an instant with offset."""
    try:
        moment = (
            dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=tz)
            if len(value) == 10
            else dt.datetime.fromisoformat(value)
        )
    except ValueError:
        raise InvalidBooking(
            f"'{field}' must be a date (2026-03-02) or a date and time with offset.", field
        ) from None
    if moment.tzinfo is None:
        raise InvalidBooking(f"'{field}': {MESSAGES['timezone_aware']}", field)
    if not 2000 <= moment.year <= 2100:
        raise InvalidBooking(f"'{field}': use a date between the years 2000 and 2100.", field)
    if end_of_day and len(value) == 10:
        moment += dt.timedelta(days=1)
    return moment.astimezone(dt.UTC)


@router.get("/{calendar_id}/slots", response={200: SlotList, **ERRORS}, summary="Free slots of a calendar")
def list_slots(request: HttpRequest, calendar_id: int, query: Query[SlotQuery]) -> dict:
    member = member_of(request)
    calendar = access.get_or_404(
        visibility.calendars_for(member).select_related("session_type"), calendar_id, "Calendar"
    )
    tz_name = query.timezone or member.timezone
    validation.validate_client_timezone(tz_name)
    tz = zoneinfo.ZoneInfo(tz_name)
    start = _instant(query.start_from, "from", tz) if query.start_from else timezone.now()
    end = _instant(query.to, "to", tz, end_of_day=True) if query.to else start + DEFAULT_SPAN
    if end <= start:
        raise InvalidBooking("'to' must be after 'from'.", "to")
    if end - start > MAX_SPAN:
        raise InvalidBooking("Ask for at most 31 days of slots at a time.", "to")
    return {
        "calendar": {"id": calendar.pk, "name": calendar.name},
        "timezone": tz_name,
        "slots": [
            {
                "start": slot.start.astimezone(tz),
                "end": slot.end.astimezone(tz),
                "members": [{"id": m.pk, "name": m.name} for m in slot.members],
            }
            for slot in calendar_slots(calendar, start, end)
        ],
    }
