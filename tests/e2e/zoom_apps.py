"""The Zoom emulator on a real port for browser tests: SessionDesk's apps registered as the Zoom
Marketplace would hold them, and SessionDesk pointed at it."""

from typing import Any

from sessiondesk.integrations.zoom.connection import scopes

PERSONAL = ("e2e-personal", "s1")
ORGANIZATION = ("e2e-org", "s2")
READ_ONLY = ("e2e-org-readonly", "s3")


def sessiondesk_apps(callback: str) -> list[dict[str, Any]]:
    """The personal, organisation and read-only organisation apps, each with the scopes it is
    registered with (``scopes.registration_list``)."""
    registered = [
        (PERSONAL, "user", "personal", "SessionDesk"),
        (ORGANIZATION, "admin", "organization", "SessionDesk (organisation)"),
        (READ_ONLY, "admin", "organization_read_only", "SessionDesk (organisation, read-only)"),
    ]
    return [
        {
            "client_id": pair[0],
            "client_secret": pair[1],
            "type": kind,
            "redirect_uris": [callback],
            "scopes": scopes.registration_list(app),
            "name": name,
        }
        for pair, kind, app, name in registered
    ]


def point_at(settings: Any, server_url: str, callback: str) -> None:
    """SessionDesk talks to the emulator at ``server_url`` with the apps above."""
    settings.ZOOM_ENABLED = True
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = PERSONAL
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = ORGANIZATION
    settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET = READ_ONLY
    settings.ZOOM_OAUTH_URL = server_url
    settings.ZOOM_API_URL = server_url + "/v2"
    settings.ZOOM_REDIRECT_URL = callback
