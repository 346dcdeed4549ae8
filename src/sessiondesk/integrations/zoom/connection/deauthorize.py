"""The app was removed inside Zoom (``app_deauthorized``): drop the tokens at once, then comply.

Reference: https://developers.zoom.us/docs/api/rest/data-compliance/
"""

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import zoom_app
from sessiondesk.integrations.zoom.models import (
    ConnectionStatus,
    WebhookEvent,
    ZoomConnection,
    ZoomTokenSet,
)

log = logging.getLogger(__name__)


def revoke_connections(body: dict[str, Any]) -> list[ZoomConnection]:
    """The Zoom user removed the app: delete the tokens of their connections and mark them revoked."""
    # {"event": "app_deauthorized", "payload": {"account_id", "user_id", "client_id",
    #  "deauthorization_time", "signature", "event_ts"}}
    payload = body.get("payload") or {}
    user_id, account_id = str(payload.get("user_id", "")), str(payload.get("account_id", ""))
    if not user_id:
        return []
    client_id = str(payload.get("client_id", ""))
    found = (
        ZoomConnection.objects.select_for_update()
        .filter(zoom_user_id=user_id, zoom_account_id=account_id)
        .exclude(status=ConnectionStatus.REVOKED)
    )
    # Only the removed app's connections: the organisation account may have moved to the other
    # organisation app (Read-only ↔ Read/Write), whose tokens stay good.
    connections = [c for c in found if zoom_app.issued_by(c, client_id)]
    now = timezone.now()
    for connection in connections:
        ZoomTokenSet.objects.filter(connection=connection).delete()
        connection.status = ConnectionStatus.REVOKED
        connection.broken_at = connection.broken_at or now
        connection.last_error = "The app was removed inside Zoom."
        connection.remedy = "Connect Zoom again in Settings → Meeting Preferences if it was a mistake."
        connection.save(update_fields=["status", "broken_at", "last_error", "remedy", "updated_at"])
        audit.record(
            connection.org,
            None,
            "zoom.deauthorized",
            connection,
            actor_label="Zoom",
            zoom_user_id=user_id,
            deauthorization_time=str(payload.get("deauthorization_time", "")),
        )
    return connections


def _app_key(payload: dict[str, Any]) -> str:
    """Which of SessionDesk's Zoom apps was removed (the personal one when the event does not say)."""
    client_id = str(payload.get("client_id", ""))
    keys = (zoom_app.PERSONAL, zoom_app.ORGANIZATION, zoom_app.ORGANIZATION_READ_ONLY)
    return next((k for k in keys if client_id and zoom_app.app_for(k).client_id == client_id), keys[0])


def after_deauthorization(row: WebhookEvent) -> None:
    """Worker handler for a stored ``app_deauthorized``: the Data Compliance call, when configured.

    Zoom deprecated the call, so it is made only when ``ZOOM_DATA_COMPLIANCE`` is on or when the
    event still carries ``user_data_retention: false`` (older apps, where Zoom required it)."""
    payload = row.payload.get("payload") or {}
    wanted = getattr(settings, "ZOOM_DATA_COMPLIANCE", False) or payload.get("user_data_retention") is False
    if not wanted or not payload.get("user_id"):
        return
    kind = _app_key(payload)
    received = {
        key: payload[key]
        for key in (
            "client_id",
            "user_id",
            "account_id",
            "user_data_retention",
            "deauthorization_time",
            "signature",
        )
        if key in payload
    }
    client.data_compliance(
        kind=kind,
        user_id=str(payload["user_id"]),
        account_id=str(payload.get("account_id", "")),
        deauthorization=received,
    )
    for connection in ZoomConnection.objects.filter(
        zoom_user_id=str(payload["user_id"]), status=ConnectionStatus.REVOKED
    ).select_related("org"):
        audit.record(connection.org, None, "zoom.data_compliance", connection, actor_label="Zoom")
