"""app_deauthorized: the connection's tokens are deleted in the request, the connection is revoked,
the audit log says so, and the data-compliance call follows from the worker when configured."""

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.db import connection as db
from django.test import Client as HttpClient

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom.models import ConnectionStatus, WebhookEvent, ZoomConnection
from sessiondesk.integrations.zoom.webhooks import receive
from tests.integrations.zoom.token_fixtures import carla_zoom_fixture, emu_fixture, token_emulator_fixture  # noqa: F401
from zoom_emulator.app import EmulatorApp

URL = "/integrations/zoom/webhook/"


def raw_token_rows(connection: ZoomConnection) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM zoom_zoomtokenset WHERE connection_id = %s", [connection.pk])
        return cursor.fetchone()[0]


def deauthorized_body(connection: ZoomConnection, client_id: str, **extra: Any) -> bytes:
    payload = {
        "account_id": connection.zoom_account_id,
        "user_id": connection.zoom_user_id,
        "client_id": client_id,
        "deauthorization_time": "2026-11-22T10:00:00.000Z",
        "signature": "4f1e0c7d2a",
        "event_ts": 1763805600000,
        **extra,
    }
    return json.dumps({"event": "app_deauthorized", "payload": payload}).encode()


def signed(body: bytes, secret: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": timestamp, "HTTP_X_ZM_SIGNATURE": f"v0={digest}"}


def to_sessiondesk(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """The emulator's webhook transport: deliver to SessionDesk in this process, headers and bytes as sent."""
    extra = {k: v for k, v in headers.items() if k != "content-type"}
    answer = HttpClient().generic(
        "POST", urlsplit(url).path, body, content_type=headers["content-type"], headers=extra
    )
    return httpx.Response(answer.status_code, content=answer.content)


def test_a_signed_app_deauthorized_deletes_the_tokens_at_once(
    client: HttpClient, carla_zoom: ZoomConnection, settings: Any
) -> None:
    assert raw_token_rows(carla_zoom) == 1
    body = deauthorized_body(carla_zoom, settings.ZOOM_CLIENT_ID)

    response = client.post(
        URL, data=body, content_type="application/json", **signed(body, settings.ZOOM_WEBHOOK_SECRET_TOKEN)
    )

    assert (response.status_code, response.json()) == (200, {"status": "received"})
    assert raw_token_rows(carla_zoom) == 0
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.REVOKED
    assert carla_zoom.last_error == "The app was removed inside Zoom."
    entry = AuditEntry.objects.get(action="zoom.deauthorized")
    assert (entry.actor_label, entry.object_id) == ("Zoom", str(carla_zoom.pk))
    assert entry.detail["zoom_user_id"] == carla_zoom.zoom_user_id
    assert WebhookEvent.objects.get().event == "app_deauthorized"


def test_an_unsigned_app_deauthorized_changes_nothing(
    client: HttpClient, carla_zoom: ZoomConnection, settings: Any
) -> None:
    body = deauthorized_body(carla_zoom, settings.ZOOM_CLIENT_ID)

    response = client.post(URL, data=body, content_type="application/json", **signed(body, "not-the-secret"))

    assert response.status_code == 401
    assert raw_token_rows(carla_zoom) == 1
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.ACTIVE
    assert AuditEntry.objects.filter(action="zoom.deauthorized").count() == 0


def test_the_organisation_app_leaves_personal_connections_alone(
    client: HttpClient, carla_zoom: ZoomConnection, settings: Any
) -> None:
    body = deauthorized_body(carla_zoom, settings.ZOOM_ORG_CLIENT_ID)

    client.post(
        URL, data=body, content_type="application/json", **signed(body, settings.ZOOM_WEBHOOK_SECRET_TOKEN)
    )

    assert raw_token_rows(carla_zoom) == 1
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.ACTIVE


def test_removing_the_app_inside_zoom_reaches_our_endpoint(
    emu: httpx.Client, token_emulator: EmulatorApp, carla_zoom: ZoomConnection
) -> None:
    """The person clicks Remove on the emulator's Installed Apps page; the emulator delivers the
    signed app_deauthorized to SessionDesk's webhook URL (Django's test client stands in for HTTPS)."""
    token_emulator.state.webhook_transport = to_sessiondesk

    page = emu.post(f"/web/users/{carla_zoom.zoom_user_id}/apps/sessiondesk-dev/remove")
    assert page.status_code in (200, 302, 303)
    flushed = emu.post("/_emulator/webhooks/flush", json={"timeout": 10}).json()

    assert flushed == {"pending": 0, "delivered": 1, "failed": 0}
    delivery = emu.get("/_emulator/webhooks/deliveries", params={"event": "app_deauthorized"}).json()
    assert [d["status_code"] for d in delivery["deliveries"]] == [200]
    assert raw_token_rows(carla_zoom) == 0
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.REVOKED
    assert AuditEntry.objects.filter(action="zoom.deauthorized", object_id=str(carla_zoom.pk)).count() == 1


def test_the_worker_makes_the_compliance_call_when_configured(
    emu: httpx.Client, carla_zoom: ZoomConnection, settings: Any
) -> None:
    settings.ZOOM_DATA_COMPLIANCE = True
    body = deauthorized_body(carla_zoom, settings.ZOOM_CLIENT_ID)
    receive.receive("app_deauthorized", json.loads(body), body)

    assert receive.process_due(10) == 1

    calls = emu.get("/_emulator/requests", params={"path": "/oauth/data/compliance"}).json()["requests"]
    assert [(c["method"], c["status"]) for c in calls] == [("POST", 200)]
    assert AuditEntry.objects.filter(action="zoom.data_compliance").count() == 1
    assert WebhookEvent.objects.get().error == ""


def test_no_compliance_call_unless_configured(
    emu: httpx.Client, carla_zoom: ZoomConnection, settings: Any
) -> None:
    settings.ZOOM_DATA_COMPLIANCE = False
    body = deauthorized_body(carla_zoom, settings.ZOOM_CLIENT_ID)
    receive.receive("app_deauthorized", json.loads(body), body)

    assert receive.process_due(10) == 1

    assert emu.get("/_emulator/requests", params={"path": "/oauth/data/compliance"}).json()["requests"] == []
    assert WebhookEvent.objects.get().processed_at is not None


@pytest.mark.parametrize("retention", [False])
def test_an_old_style_event_without_data_retention_gets_the_compliance_call(
    emu: httpx.Client, carla_zoom: ZoomConnection, settings: Any, retention: bool
) -> None:
    settings.ZOOM_DATA_COMPLIANCE = False
    body = deauthorized_body(carla_zoom, settings.ZOOM_CLIENT_ID, user_data_retention=retention)
    receive.receive("app_deauthorized", json.loads(body), body)

    assert receive.process_due(10) == 1

    calls = emu.get("/_emulator/requests", params={"path": "/oauth/data/compliance"}).json()["requests"]
    assert len(calls) == 1
