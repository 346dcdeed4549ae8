"""Registering, approving, cancelling and deleting registrants, with Zoom's rules. Call with the lock held."""

from typing import TYPE_CHECKING, Any

from ..clock import utc_day
from ..http import ZoomError, validation_failed
from ..ids import opaque, user_id
from ..meetings.models import Meeting
from .models import CAPACITY, DAILY_REQUESTS_PER_REGISTRANT, Registrant

if TYPE_CHECKING:
    from ..state import State


def ensure_registration(state: "State", meeting: Meeting, code: int = 404) -> None:
    """Registration needs a licensed host and a meeting that requires it (approval_type 0 or 1)."""
    host = state.users.get(meeting.host_id)
    if host is None or host.type == 1:
        # Zoom: {"code": 200, "message": "Only available for paid users: {0}."}
        raise ZoomError(400, 200, f"Only available for paid users: {meeting.host_id}.")
    if meeting.settings.get("approval_type", 2) not in (0, 1):
        if code == 300:
            raise ZoomError(400, 300, f"This meeting has not set registration as required: {meeting.id}.")
        raise ZoomError(404, 404, f"Registration has not been enabled for this meeting: {meeting.id}.")


def of_meeting(state: "State", meeting: Meeting) -> list[Registrant]:
    return [r for r in state.registrants.values() if r.meeting_id == meeting.id]


def person(item: Any, field: str = "") -> tuple[str, str, str]:
    """(email, first name, last name) of a registrant body, checked like Zoom (email and first_name required)."""
    prefix = f"{field}." if field else ""
    if not isinstance(item, dict):
        raise validation_failed(field or "body")
    email, first = item.get("email"), item.get("first_name")
    last = item.get("last_name", "")
    if not isinstance(email, str) or "@" not in email or len(email) > 128:
        raise validation_failed(prefix + "email", "Invalid email.")
    if not isinstance(first, str) or not first.strip() or len(first) > 64:
        raise validation_failed(prefix + "first_name")
    if not isinstance(last, str) or len(last) > 64:
        raise validation_failed(prefix + "last_name")
    return email.strip(), first.strip(), last.strip()


def register(
    state: "State", meeting: Meeting, email: str, first: str, last: str, approve: bool
) -> Registrant:
    """One registration. Registering an email again answers with the same registrant and link, as Zoom does."""
    if meeting.type == 2 and meeting.start_time + meeting.duration * 60 < state.now():
        # Zoom: {"code": 3038, "message": "Meeting is over, you can not register now. …"}
        raise ZoomError(
            400,
            3038,
            "Meeting is over, you can not register now. If you have any questions, please contact the Meeting host.",
        )
    count_request(state, meeting, email)
    existing = next((r for r in of_meeting(state, meeting) if r.email.lower() == email.lower()), None)
    status = "approved" if approve else "pending"
    if existing is not None:
        if existing.status == "denied":
            existing.status = status
        existing.first_name, existing.last_name = first, last
        return existing
    if len(of_meeting(state, meeting)) >= CAPACITY:
        raise ZoomError(404, 3043, "Meeting has reached maximum attendee capacity.")
    new = Registrant(
        id=user_id(),
        meeting_id=meeting.id,
        email=email,
        first_name=first,
        last_name=last,
        token=opaque(24),
        created_at=state.now(),
        status=status,
    )
    state.registrants[new.id] = new
    return new


def count_request(state: "State", meeting: Meeting, email: str) -> None:
    key = (meeting.id, email.lower(), utc_day(state.now()))
    used = state.registration_requests.get(key, 0)
    if used >= DAILY_REQUESTS_PER_REGISTRANT:
        raise ZoomError(
            429,
            429,
            f"You have reached the maximum of {DAILY_REQUESTS_PER_REGISTRANT} registration requests "
            "per day for this registrant in this meeting. Try again tomorrow.",
        )
    state.registration_requests[key] = used + 1


def set_status(state: "State", meeting: Meeting, action: str, targets: list[Registrant]) -> None:
    for registrant in targets:
        if action == "approve":
            registrant.status = "approved"
        else:
            # Cancel and deny both take the registrant's link away; both are listed as denied.
            registrant.status = "denied"


def by_token(state: "State", meeting: Meeting, token: str) -> Registrant | None:
    if not token:
        return None
    for registrant in of_meeting(state, meeting):
        if registrant.token == token:
            return registrant
    return None
