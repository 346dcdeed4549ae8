import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_helpers import SECRET, bearer

from zoom_emulator.webhooks.signing import encrypted_token, signature, verify

# Genuine signed Zoom requests (source in THIRD-PARTY-NOTICES.md).
VECTORS = Path(__file__).resolve().parent / "fixtures" / "webhook_signature_vectors.json"


def vectors() -> list[dict[str, Any]]:
    return json.loads(VECTORS.read_text())["vectors"]


@pytest.mark.parametrize(
    "vector", [v for v in vectors() if v.get("expected_x_zm_signature")], ids=lambda v: v["id"]
)
def test_it_signs_genuine_zoom_requests_identically(vector: dict[str, Any]) -> None:
    raw = base64.b64decode(vector["raw_body_base64"])
    expected = vector["expected_x_zm_signature"]
    assert signature(vector["secret_token"], vector["x_zm_request_timestamp"], raw) == expected
    assert verify(vector["secret_token"], vector["x_zm_request_timestamp"], raw, expected)


@pytest.mark.parametrize(
    "vector", [v for v in vectors() if v.get("expected_url_validation_response")], ids=lambda v: v["id"]
)
def test_it_answers_url_validation_like_zoom(vector: dict[str, Any]) -> None:
    answer = vector["expected_url_validation_response"]
    assert encrypted_token(vector["secret_token"], answer["plainToken"]) == answer["encryptedToken"]


def test_it_delivers_signed_meeting_events(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    meeting = client.post("/v2/users/me/meetings", headers=headers, json={"topic": "Hi"}).json()
    client.patch(f"/v2/meetings/{meeting['id']}", headers=headers, json={"topic": "Hello"})
    client.delete(f"/v2/meetings/{meeting['id']}", headers=headers)
    assert receiver.requests == []  # nothing goes out on the request thread in manual mode
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 0, "delivered": 3, "failed": 0}
    assert receiver.events() == ["meeting.created", "meeting.updated", "meeting.deleted"]
    for request in receiver.requests:
        assert verify(
            SECRET,
            request.headers["x-zm-request-timestamp"],
            request.content,
            request.headers["x-zm-signature"],
        )
        assert request.headers["x-zm-request-timestamp"] == "1900000000"
        assert request.headers["user-agent"] == "Zoom Marketplace/1.0a"
    created, updated, deleted = receiver.bodies()
    assert created["event_ts"] == 1_900_000_000_000
    assert created["payload"]["operator"] == "tutor@acme.test"
    assert created["payload"]["object"]["id"] == meeting["id"]
    assert updated["payload"]["object"] == {"id": meeting["id"], "topic": "Hello"}
    assert updated["payload"]["old_object"] == {"id": meeting["id"], "topic": "Hi"}
    assert deleted["payload"]["object"]["uuid"] == meeting["uuid"]


def test_it_retries_5xx_on_zooms_schedule(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    receiver.statuses = [500, 503, 502, 500]
    client.post("/v2/users/me/meetings", headers=headers, json={})
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 1, "delivered": 0, "failed": 0}
    for delay in (299, 1):
        client.post("/_emulator/clock", json={"advance": delay})
        client.post("/_emulator/webhooks/flush")
    assert len(receiver.requests) == 2
    client.post("/_emulator/clock", json={"advance": 1200})
    client.post("/_emulator/webhooks/flush")
    client.post("/_emulator/clock", json={"advance": 3600})
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 0, "delivered": 0, "failed": 1}
    delivery = client.get("/_emulator/webhooks/deliveries").json()["deliveries"][0]
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 502, 500]
    assert [a["at"] for a in delivery["attempts"]] == [
        1_900_000_000,
        1_900_000_300,
        1_900_001_500,
        1_900_005_100,
    ]


def test_it_does_not_retry_4xx(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    receiver.statuses = [401]
    client.post("/v2/users/me/meetings", headers=headers, json={})
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 0, "delivered": 0, "failed": 1}
    assert len(receiver.requests) == 1


def test_it_compresses_retries_when_told(client: httpx.Client, login: Any, receiver: Any) -> None:
    client.patch("/_emulator/settings", json={"webhook_retry_delays": [0, 0, 0]})
    headers = bearer(login("user-app", "tutor@acme.test"))
    receiver.statuses = [500, 500]
    client.post("/v2/users/me/meetings", headers=headers, json={})
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 0, "delivered": 1, "failed": 0}
    assert len(receiver.requests) == 3


def test_it_delivers_in_the_background(client: httpx.Client, app: Any, login: Any, receiver: Any) -> None:
    client.patch("/_emulator/settings", json={"webhook_mode": "background"})
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post("/v2/users/me/meetings", headers=headers, json={})
    assert client.post("/_emulator/webhooks/flush").json() == {"pending": 0, "delivered": 1, "failed": 0}
    assert receiver.events() == ["meeting.created"]
    app.close()


def test_it_only_tells_user_apps_about_their_own_users(
    client: httpx.Client, login: Any, receiver: Any
) -> None:
    login("user-app", "tutor@acme.test")
    admin = bearer(login("admin-app", "admin@acme.test"))
    client.post("/v2/users/u-owner/meetings", headers=admin, json={})
    client.post("/_emulator/webhooks/flush")
    assert [d["client_id"] for d in client.get("/_emulator/webhooks/deliveries").json()["deliveries"]] == [
        "admin-app"
    ]


def test_it_validates_endpoints_with_the_crc_challenge(
    client: httpx.Client, app: Any, seeded: dict[str, Any]
) -> None:
    def endpoint(request: httpx.Request) -> httpx.Response:
        plain = json.loads(request.content)["payload"]["plainToken"]
        return httpx.Response(
            200, json={"plainToken": plain, "encryptedToken": encrypted_token(SECRET, plain)}
        )

    app.state.webhook_transport = httpx.MockTransport(endpoint)
    assert client.post("/_emulator/apps/user-app/validate").json() == {
        "ok": True,
        "status_code": 200,
        "error": None,
    }
    app.state.webhook_transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    assert client.post("/_emulator/apps/user-app/validate").json()["ok"] is False
