"""Which Zoom app SessionDesk uses for each connection, read from settings at call time.

Three apps at most, named by a key: ``personal`` (user-managed), ``organization`` (admin-managed,
read and write scopes) and ``organization_read_only`` (admin-managed, registered with read scopes
only; optional). Zoom grants the scopes configured on an app; an authorisation cannot ask for fewer
(it takes no ``scope`` parameter), so Read-only is truly read-only only through its own app.
"""

from dataclasses import dataclass

from django.conf import settings

from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind, ZoomConnection

PERSONAL = str(ConnectionKind.PERSONAL)
ORGANIZATION = str(ConnectionKind.ORGANIZATION)
ORGANIZATION_READ_ONLY = "organization_read_only"


@dataclass(frozen=True)
class ZoomApp:
    client_id: str
    client_secret: str


def enabled() -> bool:
    """Zoom is shown only when an app is configured (always true with the bundled emulator)."""
    return bool(settings.ZOOM_ENABLED and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET)


def read_only_configured() -> bool:
    return bool(
        getattr(settings, "ZOOM_ORG_READONLY_CLIENT_ID", "")
        and getattr(settings, "ZOOM_ORG_READONLY_CLIENT_SECRET", "")
    )


def app_for(key: str) -> ZoomApp:
    """Personal connections use the user-managed app; the organisation account the admin-managed one,
    or in Read-only its read-only twin (``key_for``)."""
    if key == ORGANIZATION_READ_ONLY:
        return ZoomApp(settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET)
    if key == ORGANIZATION:
        return ZoomApp(settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET)
    return ZoomApp(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET)


def key_for(kind: str, admin_mode: str) -> str:
    """The app a new connection authorises: Read-only goes through the read-only app when there is one."""
    if kind == ORGANIZATION and admin_mode == AdminMode.READ_ONLY and read_only_configured():
        return ORGANIZATION_READ_ONLY
    return PERSONAL if kind == PERSONAL else ORGANIZATION


def key_of(connection: ZoomConnection) -> str:
    """The app that issued a connection's tokens (they are refreshed and revoked with that app only).
    Connections saved before the app was recorded have no client id: the app of their kind."""
    if connection.kind != ORGANIZATION:
        return PERSONAL
    if read_only_configured() and connection.client_id == settings.ZOOM_ORG_READONLY_CLIENT_ID:
        return ORGANIZATION_READ_ONLY
    return ORGANIZATION


def issued_by(connection: ZoomConnection, client_id: str) -> bool:
    """Whether the app with ``client_id`` issued this connection's tokens (e.g. for app_deauthorized)."""
    return not client_id or app_for(key_of(connection)).client_id == client_id


def oauth_url(path: str) -> str:
    return f"{settings.ZOOM_OAUTH_URL}{path}"


def api_url(path: str) -> str:
    return f"{settings.ZOOM_API_URL}{path}"
