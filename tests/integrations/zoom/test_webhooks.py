"""The webhook endpoint: genuine requests (recorded vectors and our own signing) pass, anything
tampered, stale or unsigned is refused with 401 and stores nothing."""

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.integrations.zoom.webhooks import receive

URL = "/integrations/zoom/webhook/"
VECTORS = json.loads((Path(__file__).parent / "fixtures" / "webhook_signature_vectors.json").read_text())[
    "vectors"
]
SIGNED = [v for v in VECTORS if v.get("expected_x_zm_signature")]
SECRET = "sessiondesk-test-secret"
NOW = 1_900_000_000


@pytest.fixture(autouse=True)
def _secret_and_clock(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = SECRET
    monkeypatch.setattr(receive, "clock", lambda: NOW)


def sign(body: bytes, timestamp: int = NOW, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), b"v0:%d:" % timestamp + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": str(timestamp), "HTTP_X_ZM_SIGNATURE": "v0=" + digest}


def post(client: HttpClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(URL, data=body, content_type="application/json; charset=utf-8", **headers)


def vector_request(vector: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = base64.b64decode(vector["raw_body_base64"])
    headers = {
        "HTTP_X_ZM_REQUEST_TIMESTAMP": vector["x_zm_request_timestamp"],
        "HTTP_X_ZM_SIGNATURE": vector["expected_x_zm_signature"],
    }
    return body, headers


@pytest.fixture
def at_vector_time(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(vector: dict[str, Any]) -> None:
        settings.ZOOM_WEBHOOK_SECRET_TOKEN = vector["secret_token"]
        monkeypatch.setattr(receive, "clock", lambda: int(vector["x_zm_request_timestamp"]) + 2)

    return use


@pytest.mark.parametrize("vector", SIGNED, ids=[v["id"] for v in SIGNED])
def test_each_genuine_vector_is_accepted(
    client: HttpClient, db: None, at_vector_time: Any, vector: dict
) -> None:
    at_vector_time(vector)
    body, headers = vector_request(vector)

    response = post(client, body, headers)

    assert response.status_code == 200
    if vector["kind"] == "endpoint.url_validation":
        assert response.json() == vector["expected_url_validation_response"]
        assert WebhookEvent.objects.count() == 0
    else:
        assert response.json() == {"status": "received"}
        row = WebhookEvent.objects.get()
        assert (row.event, row.processed_at) == (vector["kind"], None)
        assert row.payload == json.loads(body)


def tampered(vector: dict[str, Any]) -> list[tuple[str, bytes, dict[str, str]]]:
    body, headers = vector_request(vector)
    signature = headers["HTTP_X_ZM_SIGNATURE"]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    later = str(int(headers["HTTP_X_ZM_REQUEST_TIMESTAMP"]) + 1)
    return [
        ("body", body.replace(b'"event_ts":17', b'"event_ts":18'), headers),
        ("timestamp", body, {**headers, "HTTP_X_ZM_REQUEST_TIMESTAMP": later}),
        ("signature", body, {**headers, "HTTP_X_ZM_SIGNATURE": flipped}),
        ("missing signature", body, {"HTTP_X_ZM_REQUEST_TIMESTAMP": headers["HTTP_X_ZM_REQUEST_TIMESTAMP"]}),
        ("re-serialised body", json.dumps(json.loads(body), ensure_ascii=False).encode(), headers),
    ]


CASES = [(v, name, body, headers) for v in SIGNED for name, body, headers in tampered(v)]


@pytest.mark.parametrize(
    ("vector", "what", "body", "headers"), CASES, ids=[f"{c[0]['id']}-{c[1]}" for c in CASES]
)
def test_a_tampered_vector_is_refused(
    client: HttpClient, db: None, at_vector_time: Any, vector: dict, what: str, body: bytes, headers: dict
) -> None:
    at_vector_time(vector)
    if what == "re-serialised body" and body == vector_request(vector)[0]:
        pytest.skip("this body survives re-serialisation unchanged")

    response = post(client, body, headers)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid signature"}
    assert WebhookEvent.objects.count() == 0


def test_the_documented_url_validation_answer_is_exact() -> None:
    documented = next(v for v in VECTORS if v["id"] == "zoom-docs-url-validation-example")
    plain = documented["request_body_as_documented"]["payload"]["plainToken"]

    answer = receive.url_validation_answer(documented["secret_token"], plain)

    assert answer == documented["expected_url_validation_response"]


def test_it_answers_url_validation_signed_with_our_secret(client: HttpClient, db: None) -> None:
    body = b'{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}'

    response = post(client, body, sign(body))

    assert response.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_a_stale_or_future_timestamp_is_refused(client: HttpClient, db: None, skew: int) -> None:
    body = b'{"event":"meeting.deleted","payload":{"account_id":"a","object":{"id":1}},"event_ts":1}'

    response = post(client, body, sign(body, NOW + skew))

    assert response.status_code == 401
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_a_timestamp_within_five_minutes_is_accepted(client: HttpClient, db: None, skew: int) -> None:
    body = b'{"event":"meeting.deleted","payload":{"account_id":"a","object":{"id":1}},"event_ts":1}'

    assert post(client, body, sign(body, NOW + skew)).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_a_wrong_secret_is_refused(client: HttpClient, db: None) -> None:
    body = b'{"event":"meeting.deleted","payload":{},"event_ts":1}'

    assert post(client, body, sign(body, secret="another-secret")).status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_without_a_configured_secret_nothing_is_accepted(client: HttpClient, db: None, settings: Any) -> None:
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = ""
    body = b'{"event":"meeting.deleted","payload":{},"event_ts":1}'

    assert post(client, body, sign(body, secret="")).status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_a_duplicate_delivery_is_ignored(client: HttpClient, db: None) -> None:
    body = b'{"event":"meeting.updated","payload":{"account_id":"a","object":{"id":7,"topic":"New"}},"event_ts":5}'

    first = post(client, body, sign(body))
    again = post(client, body, sign(body, NOW + 60))

    assert (first.status_code, first.json()) == (200, {"status": "received"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert WebhookEvent.objects.count() == 1


def test_a_signed_body_that_is_not_an_event_is_a_bad_request(client: HttpClient, db: None) -> None:
    for body in (b"not json", b"[1, 2]", b'{"payload": {}}'):
        assert post(client, body, sign(body)).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_it_only_accepts_post(client: HttpClient, db: None) -> None:
    assert client.get(URL).status_code == 405


def test_stored_events_wait_for_their_handler(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """meeting.* and user.* rows stay unprocessed until the sync engine or directory registers a handler."""
    monkeypatch.delitem(receive.HANDLERS, "meeting.deleted", raising=False)  # as before one is registered
    body = b'{"event":"meeting.deleted","payload":{"object":{"id":1}},"event_ts":1}'
    receive.receive("meeting.deleted", json.loads(body), body)
    assert "meeting.deleted" not in receive.HANDLERS
    assert receive.process_due(10) == 0

    seen: list[int] = []
    monkeypatch.setitem(
        receive.HANDLERS, "meeting.deleted", lambda row: seen.append(row.payload["payload"]["object"]["id"])
    )
    assert receive.process_due(10) == 1
    assert receive.process_due(10) == 0

    assert seen == [1]
    assert WebhookEvent.objects.get().processed_at is not None


def test_the_organisation_apps_own_secret_is_accepted_too(
    client: HttpClient, db: None, settings: Any
) -> None:
    settings.ZOOM_ORG_WEBHOOK_SECRET_TOKEN = "org-app-secret"
    body = b'{"payload":{"plainToken":"abc"},"event_ts":1,"event":"endpoint.url_validation"}'

    response = post(client, body, sign(body, secret="org-app-secret"))

    assert response.status_code == 200
    assert response.json() == receive.url_validation_answer("org-app-secret", "abc")


def test_it_picks_the_due_events_the_orm_would(db: None) -> None:
    now = timezone.now()
    second = dt.timedelta(seconds=1)

    def stored(event: str, received: dt.datetime, **fields: Any) -> WebhookEvent:
        key = f"{event}:{received.isoformat()}:{len(fields)}"
        return WebhookEvent.objects.create(
            dedupe_key=key, event=event, payload={}, received_at=received, **fields
        )

    late = stored("meeting.deleted", now)
    early = stored("user.created", now - 2 * second)
    stored("meeting.created", now - 3 * second)  # no handler
    stored("meeting.updated", now - 3 * second, processed_at=now)
    same_time = stored("user.deleted", now)
    due = WebhookEvent.objects.filter(processed_at__isnull=True, event__in=list(receive.HANDLERS))
    orm = list(due.order_by("received_at", "id").values_list("id", flat=True))
    assert receive.due_ids(10) == orm == [early.pk, late.pk, same_time.pk]
    assert receive.due_ids(2) == orm[:2]
