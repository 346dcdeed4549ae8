"""Which Zoom app SessionDesk uses for each kind of connection, read from settings at call time."""

from dataclasses import dataclass

from django.conf import settings

from sessiondesk.integrations.zoom.models import ConnectionKind


@dataclass(frozen=True)
class ZoomApp:
    client_id: str
    client_secret: str


def enabled() -> bool:
    """Zoom is shown only when an app is configured (always true with the bundled emulator)."""
    return bool(settings.ZOOM_ENABLED and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET)


def app_for(kind: str) -> ZoomApp:
    """Personal connections use the user-managed app; the organisation account the admin-managed one."""
    if kind == ConnectionKind.ORGANIZATION:
        return ZoomApp(settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET)
    return ZoomApp(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET)


def oauth_url(path: str) -> str:
    return f"{settings.ZOOM_OAUTH_URL}{path}"


def api_url(path: str) -> str:
    return f"{settings.ZOOM_API_URL}{path}"
