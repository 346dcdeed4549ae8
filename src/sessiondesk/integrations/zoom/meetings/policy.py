"""The organisation's meeting policy as Zoom meeting settings."""

from typing import Any

from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom.models import MeetingPolicy
from sessiondesk.lib.rows import unique_row


def policy_of(org: Organization) -> MeetingPolicy:
    """The saved policy, or the defaults (waiting room on, join before host off, no recording)."""
    return unique_row(MeetingPolicy, "org_id", org.pk) or MeetingPolicy(org=org)


def zoom_settings(policy: MeetingPolicy) -> dict[str, Any]:
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings
    # (settings.waiting_room, settings.join_before_host, settings.auto_recording: "local" | "cloud" | "none")
    return {
        "waiting_room": policy.waiting_room,
        "join_before_host": policy.join_before_host,
        "auto_recording": policy.auto_recording,
    }
