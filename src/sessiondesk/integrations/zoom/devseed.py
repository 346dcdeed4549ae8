"""What `sessiondesk up` seeds into a fresh bundled Zoom emulator: a Zoom account whose users are the
demo organisation's hosts, and SessionDesk's three development apps (personal, organisation,
organisation read-only), so Zoom connects on the first try."""

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from sessiondesk.accounts.models import Role
from sessiondesk.integrations.zoom.connection import scopes, zoom_app
from sessiondesk.ops.demo import DEMO_PEOPLE

ZOOM_ROLES = {Role.OWNER: "owner", Role.ADMIN: "admin", Role.CONSULTANT: "member"}
EVENTS = [
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "app_deauthorized",
    # Attendance: the meeting's run.
    "meeting.started",
    "meeting.ended",
    "meeting.participant_joined",
    "meeting.participant_left",
]
# The organisation app also hears about Zoom users and groups (the Zoom Users page's incremental sync).
DIRECTORY_EVENTS = [
    "user.created",
    "user.invitation_accepted",
    "user.updated",
    "user.activated",
    "user.deactivated",
    "user.deleted",
    "user.disassociated",
    "group.member_added",
    "group.member_deleted",
]


def webhook_url(site_url: str) -> str:
    try:
        path = reverse("zoom_webhook")
    except NoReverseMatch:
        path = "/integrations/zoom/webhook/"
    return site_url + path


def _redirect_uris() -> list[str]:
    # The browser may reach the instance as localhost or 127.0.0.1; register both spellings.
    primary = settings.ZOOM_REDIRECT_URL
    return list(dict.fromkeys([primary, primary.replace("//localhost:", "//127.0.0.1:")]))


NAMES = {
    zoom_app.PERSONAL: "SessionDesk",
    zoom_app.ORGANIZATION: "SessionDesk (organisation)",
    zoom_app.ORGANIZATION_READ_ONLY: "SessionDesk (organisation, read-only)",
}


def _app(client_id: str, secret: str, key: str, site_url: str) -> dict[str, Any]:
    organization = key != zoom_app.PERSONAL
    return {
        "client_id": client_id,
        "client_secret": secret,
        "type": "admin" if organization else "user",
        "name": NAMES[key],
        "redirect_uris": _redirect_uris(),
        "scopes": scopes.registration_list(key),
        "webhook": {
            "url": webhook_url(site_url),
            "secret_token": settings.ZOOM_WEBHOOK_SECRET_TOKEN,
            "events": EVENTS + (DIRECTORY_EVENTS if organization else []),
        },
    }


def seed_data(site_url: str) -> dict[str, Any]:
    users = []
    for email, name, role, tz in DEMO_PEOPLE:
        if role not in ZOOM_ROLES:
            continue  # staff schedule for others and host nothing
        first, _, last = name.partition(" ")
        users.append(
            {"email": email, "first_name": first, "last_name": last, "role": ZOOM_ROLES[role], "timezone": tz}
        )
    return {
        "accounts": [
            {
                "id": "brightside-zoom",
                "plan": "pro",
                "name": "Brightside Tutoring",
                "users": users,
                "groups": [
                    {"name": "Tutors", "members": [u["email"] for u in users if u["role"] == "member"]},
                    {"name": "Admissions", "members": []},
                ],
            }
        ],
        "apps": [
            _app(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET, "personal", site_url),
            _app(settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET, "organization", site_url),
            _app(
                settings.ZOOM_ORG_READONLY_CLIENT_ID,
                settings.ZOOM_ORG_READONLY_CLIENT_SECRET,
                zoom_app.ORGANIZATION_READ_ONLY,
                site_url,
            ),
        ],
    }
