"""What the worker does with each stored Zoom event: one table, event name to handler.

A handler takes the stored event row and is idempotent. Events without a handler stay stored,
unprocessed. ``app_deauthorized`` also drops the tokens at once, when the event is received
(``receive.receive``); its handler does the slower rest.
Reference: https://developers.zoom.us/docs/api/webhooks/
"""

from collections.abc import Callable

from sessiondesk.integrations.zoom.attendance import events as attendance
from sessiondesk.integrations.zoom.connection import deauthorize
from sessiondesk.integrations.zoom.directory import events as directory
from sessiondesk.integrations.zoom.meetings import events as meetings
from sessiondesk.integrations.zoom.models import WebhookEvent

Handler = Callable[[WebhookEvent], None]

HANDLERS: dict[str, Handler] = {
    "app_deauthorized": deauthorize.after_deauthorization,
    "meeting.deleted": meetings.on_meeting_deleted,
    "meeting.updated": meetings.on_meeting_updated,
    "meeting.started": attendance.on_started,
    "meeting.ended": attendance.on_ended,
    "meeting.participant_joined": attendance.on_joined,
    "meeting.participant_left": attendance.on_left,
    "user.created": directory.on_created,
    "user.invitation_accepted": directory.on_activated,
    "user.activated": directory.on_activated,
    "user.deactivated": directory.on_deactivated,
    "user.updated": directory.on_updated,
    "user.deleted": directory.on_removed,
    "user.disassociated": directory.on_removed,
    "group.member_added": directory.on_member_added,
    "group.member_deleted": directory.on_member_deleted,
}
