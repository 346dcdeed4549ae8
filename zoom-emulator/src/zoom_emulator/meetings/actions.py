"""Meeting changes shared by the REST API and the "inside Zoom" pages. Call with the lock held."""

import re
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..http import ZoomError, is_digits
from ..ids import meeting_id, meeting_uuid, password
from ..users.models import User
from ..webhooks import events
from .models import DEFAULT_SETTINGS, Meeting

if TYPE_CHECKING:
    from ..state import State


def find(state: "State", raw: str) -> Meeting:
    meeting = state.meetings.get(int(raw)) if is_digits(raw) else None
    if meeting is None or meeting.deleted_at is not None:
        # {"code": 3001, "message": "Meeting 123 is not found or has expired."}
        raise ZoomError(404, 3001, f"Meeting {raw} is not found or has expired.")
    return meeting


def alternative_hosts(state: "State", value: Any, host: User) -> str:
    """Alternative hosts must be licensed, active users of the host's account (not the host)."""
    if not isinstance(value, str):
        raise ZoomError(400, 300, "Invalid parameter: alternative_hosts.")
    emails = []
    for item in filter(None, (part.strip() for part in re.split(r"[;,]", value))):
        user = state.user_by_email(item) if "@" in item else state.users.get(item)
        if user is None or user.account_id != host.account_id or user.status != "active" or user.type != 2:
            raise ZoomError(400, 300, f"Alternative host {item} must be a licensed user in the same account.")
        if user.id == host.id:
            raise ZoomError(400, 300, "The meeting host cannot be an alternative host.")
        emails.append(user.email)
    return ";".join(emails)


def create(state: "State", host: User, fields: dict[str, Any], assistant: User | None) -> Meeting:
    now = state.now()
    kind = fields.get("type", 2)
    settings = {**DEFAULT_SETTINGS, **fields.get("settings", {})}
    if "alternative_hosts" in settings:
        settings["alternative_hosts"] = alternative_hosts(state, settings["alternative_hosts"], host)
    new_id = meeting_id()
    while new_id in state.meetings:
        new_id = meeting_id()
    meeting = Meeting(
        id=new_id,
        uuid=meeting_uuid(),
        account_id=host.account_id,
        host_id=host.id,
        topic=fields.get("topic") or f"{host.name}'s Zoom Meeting",
        type=kind,
        # Instant meetings start now; Zoom ignores their start_time.
        start_time=now if kind == 1 else fields.get("start_time", now),
        duration=fields.get("duration", 60),
        timezone=fields.get("timezone", host.timezone),
        created_at=now,
        password=fields.get("password") or password(),
        agenda=fields.get("agenda", ""),
        assistant_id=assistant.id if assistant is not None else "",
        pre_schedule=fields.get("pre_schedule", False),
        settings=settings,
        recurrence=fields.get("recurrence") if kind in (3, 8) else None,
        tracking_fields=fields.get("tracking_fields", []),
    )
    state.meetings[meeting.id] = meeting
    return meeting


def update(state: "State", meeting: Meeting, fields: dict[str, Any], operator: User | None) -> None:
    host = state.users[meeting.host_id]
    changed: dict[str, Any] = {}
    old: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "settings":
            continue
        current = getattr(meeting, key)
        if current != value:
            old[key] = wire(key, current)
            changed[key] = wire(key, value)
            setattr(meeting, key, value)
    if "settings" in fields:
        new_settings = dict(fields["settings"])
        if "alternative_hosts" in new_settings:
            new_settings["alternative_hosts"] = alternative_hosts(
                state, new_settings["alternative_hosts"], host
            )
        before = {
            k: meeting.settings.get(k) for k in new_settings if meeting.settings.get(k) != new_settings[k]
        }
        if before:
            old["settings"] = before
            changed["settings"] = {k: new_settings[k] for k in before}
            meeting.settings.update(changed["settings"])
    if changed:
        events.meeting_updated(state, meeting, changed, old, operator)


def delete(state: "State", meeting: Meeting, operator: User | None) -> None:
    meeting.deleted_at = state.now()
    events.meeting_deleted(state, meeting, operator)


def wire(key: str, value: Any) -> Any:
    return iso(value) if key == "start_time" else value
