"""What people did to a session's meeting inside Zoom lately, as notes under its meeting block."""

import zoneinfo

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.lib.zones import zone_name
from sessiondesk.scheduling.models import Session

INSIDE_ZOOM = ("meeting.changed_in_zoom", "meeting.deleted_in_zoom")
FIELD_NAMES = {"topic": "title", "start_time": "start time", "duration": "length"}


def inside_zoom_notes(session: Session, viewer: Member | None, limit: int = 3) -> list[str]:
    """What people did to the session's meeting inside Zoom lately (from the audit log), newest first."""
    entries = AuditEntry.objects.filter(
        org_id=session.org_id, object_type="session", object_id=str(session.pk), action__in=INSIDE_ZOOM
    ).order_by("-created_at", "-id")[:limit]
    tz = zoneinfo.ZoneInfo(viewer.timezone if viewer is not None else session.org.timezone)
    return [_note(entry, tz) for entry in entries]


def _note(entry: AuditEntry, tz: zoneinfo.ZoneInfo) -> str:
    when = entry.created_at.astimezone(tz)
    on = f"{when:%a} {when.day} {when:%b, %H:%M} ({zone_name(tz.key)})"
    if entry.action == "meeting.deleted_in_zoom":
        if entry.detail.get("outcome") == "flagged":
            return f"The meeting was deleted inside Zoom on {on}."
        return f"The meeting was deleted inside Zoom on {on}; SessionDesk replaces it with a new one."
    changed = [FIELD_NAMES.get(key, key) for key in entry.detail.get("changes", {})]
    return f"Its {' and '.join(changed) or 'details'} changed inside Zoom on {on}; SessionDesk put it back."
