"""Meetings and the meeting object as Zoom renders it."""

from dataclasses import dataclass, field
from typing import Any

from ..clock import iso

MEETING_TYPES = (1, 2, 3, 8)

DEFAULT_SETTINGS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_host_update_polls": False,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": False,
    "request_permission_to_unmute_participants": False,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "approved_or_denied_countries_or_regions": {"enable": False},
    "breakout_room": {"enable": False},
    "alternative_hosts_email_notification": True,
    "show_join_info": False,
    "device_testing": False,
    "focus_mode": False,
    "meeting_invitees": [],
    "private_meeting": False,
    "email_notification": True,
    "host_save_video_order": False,
    "sign_language_interpretation": {"enable": False},
    "email_in_attendee_report": False,
}


@dataclass
class Meeting:
    id: int
    uuid: str
    account_id: str
    host_id: str
    topic: str
    type: int
    start_time: float
    duration: int
    timezone: str
    created_at: float
    password: str
    agenda: str = ""
    status: str = "waiting"
    assistant_id: str = ""
    pre_schedule: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    recurrence: dict[str, Any] | None = None
    tracking_fields: list[dict[str, Any]] = field(default_factory=list)
    deleted_at: float | None = None
    # Zoom: "open_api" for meetings made through the API, "web_portal" for those made on zoom.us.
    creation_source: str = "open_api"


def join_url(meeting: Meeting, base_url: str) -> str:
    return f"{base_url}/j/{meeting.id}?pwd={encrypted_password(meeting)}"


def registration_url(meeting: Meeting, base_url: str) -> str | None:
    """Zoom gives a registration link when registration is on (approval_type 0 or 1)."""
    if meeting.settings.get("approval_type", 2) not in (0, 1):
        return None
    import base64
    import hashlib

    token = base64.urlsafe_b64encode(hashlib.sha256(f"register:{meeting.uuid}".encode()).digest()[:24])
    return f"{base_url}/meeting/register/{token.decode()}"


def encrypted_password(meeting: Meeting) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(f"{meeting.id}:{meeting.password}".encode()).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=") + ".1"


def render(meeting: Meeting, host_email: str, base_url: str, zak: str) -> dict[str, Any]:
    """The body of POST /users/{userId}/meetings (201) and GET /meetings/{meetingId} (200)."""
    body: dict[str, Any] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "host_email": host_email,
    }
    if meeting.assistant_id:
        body["assistant_id"] = meeting.assistant_id
    body.update(
        {
            "topic": meeting.topic,
            "type": meeting.type,
            "status": meeting.status,
            "start_time": iso(meeting.start_time),
            "duration": meeting.duration,
            "timezone": meeting.timezone,
        }
    )
    if meeting.agenda:
        body["agenda"] = meeting.agenda
    body.update(
        {
            "created_at": iso(meeting.created_at),
            "start_url": f"{base_url}/s/{meeting.id}?zak={zak}",
            "join_url": join_url(meeting, base_url),
            "password": meeting.password,
            "h323_password": digits(meeting.password),
            "pstn_password": digits(meeting.password),
            "encrypted_password": encrypted_password(meeting),
            "settings": dict(meeting.settings),
            "pre_schedule": meeting.pre_schedule,
            "creation_source": meeting.creation_source,
        }
    )
    registration = registration_url(meeting, base_url)
    if registration:
        body["registration_url"] = registration
    if meeting.recurrence is not None:
        body["recurrence"] = meeting.recurrence
    if meeting.tracking_fields:
        body["tracking_fields"] = meeting.tracking_fields
    return body


def listed(meeting: Meeting, base_url: str) -> dict[str, Any]:
    """A row of GET /users/{userId}/meetings."""
    row: dict[str, Any] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
        "start_time": iso(meeting.start_time),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "created_at": iso(meeting.created_at),
        "join_url": join_url(meeting, base_url),
    }
    if meeting.agenda:
        row["agenda"] = meeting.agenda
    return row


def webhook_object(meeting: Meeting, base_url: str) -> dict[str, Any]:
    """The object of meeting.created, as in recorded Zoom deliveries."""
    return {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
        "start_time": iso(meeting.start_time),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "join_url": join_url(meeting, base_url),
        "password": meeting.password,
        "creation_source": meeting.creation_source,
        "settings": {
            "use_pmi": bool(meeting.settings.get("use_pmi", False)),
            "alternative_hosts": meeting.settings.get("alternative_hosts", ""),
        },
    }


def digits(password: str) -> str:
    # Zoom derives numeric passcodes for phone and H.323 joiners.
    return "".join(str(ord(c) % 10) for c in password)
