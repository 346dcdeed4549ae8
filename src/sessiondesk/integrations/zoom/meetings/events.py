"""What happened to a meeting inside Zoom, brought back to SessionDesk (webhooks and the sweep).

SessionDesk is the source of truth: a meeting deleted in Zoom is recreated (or, by the
organisation's choice, the session is flagged), and a time or topic changed in Zoom is put back
by the reconciler. Handlers are idempotent: a repeated event finds nothing left to do, and events
about meetings SessionDesk does not hold are ignored.

Reference: https://developers.zoom.us/docs/api/meetings/events/
"""

import copy
import datetime as dt
import logging
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessiondesk.accounts import audit
from sessiondesk.integrations.zoom.meetings.policy import policy_of
from sessiondesk.integrations.zoom.models import WebhookEvent, WhenDeletedInZoom
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.meetings.reconciler import CLEARED
from sessiondesk.scheduling.models import Session

log = logging.getLogger(__name__)

PROVIDER = "zoom"
DELETED_ERROR = "The Zoom meeting was deleted inside Zoom."
DELETED_REMEDY = "Press Retry to create a new Zoom meeting; attendees then get the new link."


def live_link(meeting_id: Any) -> MeetingLink | None:
    """The locked link that holds this Zoom meeting for a scheduled, future session, or None."""
    if meeting_id in (None, ""):
        return None
    link = (
        MeetingLink.objects.select_for_update()
        .select_related("session__org")
        .filter(provider=PROVIDER, external_id=str(meeting_id))
        .first()
    )
    if link is None or link.state == LinkState.DELETED:
        return None
    session = link.session
    if desired.wanted_provider(session) != PROVIDER or session.start <= timezone.now():
        return None  # past, cancelled or moved off Zoom: a meeting deleted there is no loss
    return link


def meeting_gone(link: MeetingLink, *, source: str, **detail: Any) -> None:
    """The link's meeting no longer exists at Zoom: recreate it, or flag the session, per the org."""
    session = link.session
    flag = policy_of(session.org).when_deleted_in_zoom == WhenDeletedInZoom.FLAG
    # Forget the dead meeting, so the next pass creates one instead of updating a missing id.
    MeetingLink.objects.filter(pk=link.pk).update(**CLEARED)
    if flag:
        MeetingLink.objects.filter(pk=link.pk).update(
            state=LinkState.BLOCKED, last_error=DELETED_ERROR, remedy=DELETED_REMEDY, attempts=0
        )
    else:
        # The reconciler creates the new meeting and, once it is stored, emails the new link
        # (notifications.meeting_link_ready) to attendees who had the old one.
        desired.session_changed(session)
    audit.record(
        session.org,
        None,
        "meeting.deleted_in_zoom",
        session,
        actor_label="Zoom",
        meeting_id=link.external_id,
        outcome="flagged" if flag else "recreating",
        source=source,
        **detail,
    )


def on_meeting_deleted(row: WebhookEvent) -> None:
    # {"event": "meeting.deleted", "payload": {"account_id": "…", "operator": "someone@example.com",
    #  "operator_id": "…", "object": {"uuid": "…", "id": 98884753832, "host_id": "…", "topic": "…", …}}}
    payload = row.payload.get("payload") or {}
    obj = payload.get("object") or {}
    if obj.get("occurrences"):
        return  # one occurrence of a recurring meeting; SessionDesk creates one meeting per session
    link = live_link(obj.get("id"))
    if link is None:
        return
    meeting_gone(link, source="webhook", operator=str(payload.get("operator", "")))


# What SessionDesk keeps in line, as Zoom names it in meeting.updated.
WATCHED = ("topic", "start_time", "duration")


def on_meeting_updated(row: WebhookEvent) -> None:
    # {"event": "meeting.updated", "payload": {"account_id": "…", "operator": "…", "operator_id": "…",
    #  "object": {"id": 94890226305, "topic": "UPDATED topic"}, "old_object": {"id": 94890226305,
    #  "topic": "old topic"}, "time_stamp": 1617628464664}}
    payload = row.payload.get("payload") or {}
    obj, old = payload.get("object") or {}, payload.get("old_object") or {}
    link = live_link(obj.get("id"))
    if link is None:
        return
    meeting_changed(link, obj, old, source="webhook", operator=str(payload.get("operator", "")))


def meeting_changed(
    link: MeetingLink, now: dict[str, Any], before: dict[str, Any], *, source: str, **detail: Any
) -> bool:
    """Zoom now holds ``now`` for the link's meeting: if its time or topic strayed from the session,
    have the reconciler put it back and note it on the session. True when it had strayed."""
    drift = _drift(link, now)
    if not drift:
        return False  # our own update coming back, or a change SessionDesk does not manage
    _invalidate(link, {key: now[key] for key in drift})
    audit.record(
        link.session.org,
        None,
        "meeting.changed_in_zoom",
        link.session,
        actor_label="Zoom",
        meeting_id=link.external_id,
        source=source,
        changes={key: {"from": before.get(key), "to": now[key]} for key in drift},
        **detail,
    )
    return True


def _drift(link: MeetingLink, obj: dict[str, Any]) -> list[str]:
    """Watched fields whose new Zoom value matches neither the session nor what we last sent.

    Comparing with both keeps our own PATCH's echo quiet even when the session changed again
    since, or when the echo arrives before the reconciler stored what it applied.
    """
    wanted = _wanted(link.session)
    applied = _meeting_part(link.applied_payload or {})
    return [
        key
        for key in WATCHED
        if key in obj
        and not _same(key, obj[key], wanted[key])
        and not (key in applied and _same(key, obj[key], applied[key]))
    ]


def _meeting_part(applied: dict[str, Any]) -> dict[str, Any]:
    """The Zoom meeting fields of an applied payload: the Zoom provider nests them under "meeting"."""
    return applied["meeting"] if isinstance(applied.get("meeting"), dict) else applied


def _wanted(session: Session) -> dict[str, Any]:
    return {
        "topic": session.title[:200],  # Zoom's limit, as the provider sends it
        "start_time": session.start,
        "duration": -(-int((session.end - session.start).total_seconds()) // 60),
    }


def _same(key: str, a: Any, b: Any) -> bool:
    if key == "start_time":
        return _instant(a) == _instant(b)
    if key == "duration":
        try:
            return int(a) == int(b)
        except (TypeError, ValueError):
            return False
    return str(a).strip() == str(b).strip()


def _instant(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value)) if value else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _invalidate(link: MeetingLink, zoom_values: dict[str, Any]) -> None:
    """Record Zoom's values as what the meeting holds, so the reconciler's diff names exactly
    those fields and it PATCHes them back to the session's."""
    applied = copy.deepcopy(link.applied_payload) or None
    if applied is not None:  # None already makes the provider look the meeting up and adopt it
        _meeting_part(applied).update(zoom_values)
    MeetingLink.objects.filter(pk=link.pk).update(applied_payload=applied)
    desired.session_changed(link.session)  # the bump: the session has not changed, but its meeting has
