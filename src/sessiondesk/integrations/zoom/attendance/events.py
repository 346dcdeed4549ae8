"""The meeting's run as Zoom's webhooks tell it, recorded as attendance (run by the worker).

Reference: https://developers.zoom.us/docs/api/meetings/events/
# {"event": "meeting.participant_joined", "event_ts": 1764601330000, "payload": {"account_id": "…",
#  "object": {"id": "85393847045", "uuid": "jUh5o3dKQIytvcsfTtKBlg==", "host_id": "8lzIwvZTSOqjndWPbPqzuA",
#   "topic": "…", "type": 2, "start_time": "…", "timezone": "…", "duration": 60,
#   "participant": {"user_id": "16778240", "user_name": "Ann", "id": "", "participant_uuid": "…",
#    "join_time": "2026-12-01T15:02:10Z", "email": "ann@example.com", "registrant_id": "",
#    "participant_user_id": "…"}}}}
Events about meetings SessionDesk does not hold are ignored; a repeated event is dropped when it is
received (same body), so handlers need not be idempotent beyond that.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessiondesk.attendance import deadlines, record
from sessiondesk.attendance.matching import Seen
from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session


def meeting_object(row: WebhookEvent) -> dict[str, Any]:
    payload = row.payload.get("payload") if isinstance(row.payload, dict) else None
    obj = payload.get("object") if isinstance(payload, dict) else None
    return obj if isinstance(obj, dict) else {}


def session_of(obj: dict[str, Any]) -> Session | None:
    meeting_id = obj.get("id")
    if meeting_id in (None, ""):
        return None
    link = (
        MeetingLink.objects.filter(provider="zoom", external_id=str(meeting_id))
        .select_related("session__org", "session__consultant__user")
        .order_by("-id")
        .first()
    )
    return link.session if link is not None else None


def when(value: Any, row: WebhookEvent) -> dt.datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None:
        return parsed
    stamp = row.payload.get("event_ts") if isinstance(row.payload, dict) else None
    if isinstance(stamp, int):
        return dt.datetime.fromtimestamp(stamp / 1000, dt.UTC)
    return row.received_at or timezone.now()


def seen(obj: dict[str, Any]) -> Seen:
    found = obj.get("participant")
    person: dict[str, Any] = found if isinstance(found, dict) else {}
    zoom_user = str(person.get("id") or "")
    return Seen(
        participant=str(
            person.get("participant_uuid") or person.get("user_id") or person.get("user_name") or ""
        ),
        name=str(person.get("user_name") or ""),
        email=str(person.get("email") or ""),
        registrant_id=str(person.get("registrant_id") or ""),
        is_host=bool(zoom_user) and zoom_user == str(obj.get("host_id") or ""),
    )


def on_started(row: WebhookEvent) -> None:
    obj = meeting_object(row)
    session = session_of(obj)
    if session is not None:
        record.started(session, str(obj.get("uuid") or ""), when(obj.get("start_time"), row))


def on_ended(row: WebhookEvent) -> None:
    obj = meeting_object(row)
    session = session_of(obj)
    if session is not None:
        record.ended(
            session, str(obj.get("uuid") or ""), when(obj.get("end_time"), row), deadlines.report_delay()
        )


def on_joined(row: WebhookEvent) -> None:
    obj = meeting_object(row)
    session = session_of(obj)
    if session is not None:
        person = obj.get("participant") or {}
        record.joined(session, str(obj.get("uuid") or ""), seen(obj), when(person.get("join_time"), row))


def on_left(row: WebhookEvent) -> None:
    obj = meeting_object(row)
    session = session_of(obj)
    if session is not None:
        person = obj.get("participant") or {}
        record.left(session, str(obj.get("uuid") or ""), seen(obj), when(person.get("leave_time"), row))
