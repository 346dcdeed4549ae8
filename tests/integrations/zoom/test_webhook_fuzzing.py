"""Webhook fuzzing: malformed bodies, wrong or missing signatures, stale timestamps and replays are never
accepted and never processed: nothing is stored, no connection changes, no handler runs."""

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom.models import ConnectionStatus, WebhookEvent, ZoomConnection, ZoomTokenSet
from sessiondesk.integrations.zoom.webhooks import receive

URL = "/integrations/zoom/webhook/"
SECRET = "sessiondesk-test-secret"
ORG_SECRET = "sessiondesk-test-org-secret"
NOW = 1_900_000_000
FUZZ = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
# Objects that look like events but are not: no "event", a non-text one, or a payload that is no object.
not_events = st.one_of(
    json_values.filter(lambda v: not isinstance(v, dict)),
    st.dictionaries(st.sampled_from(["payload", "event_ts", "Event"]), json_values, max_size=3),
    st.fixed_dictionaries(
        {"event": st.one_of(st.just(""), st.integers(), st.lists(st.text(), max_size=2), st.none())}
    ),
    st.fixed_dictionaries(
        {
            "event": st.sampled_from(["app_deauthorized", "endpoint.url_validation", "meeting.deleted"]),
            "payload": st.one_of(
                st.text(), st.integers(), st.lists(st.integers(), max_size=3), st.booleans()
            ),
        }
    ),
)
EVENT = json.dumps(
    {"event": "app_deauthorized", "payload": {"account_id": "za-1", "user_id": "zu-1", "client_id": ""}}
).encode()


@pytest.fixture(autouse=True)
def _secrets_and_clock(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = SECRET
    settings.ZOOM_ORG_WEBHOOK_SECRET_TOKEN = ORG_SECRET
    monkeypatch.setattr(receive, "clock", lambda: NOW)


@pytest.fixture
def linked(owner: Any) -> ZoomConnection:
    """A live Zoom connection: the thing a forged app_deauthorized would revoke."""
    connection = ZoomConnection.objects.create(
        org=owner.org, member=owner, kind="personal", zoom_user_id="zu-1", zoom_account_id="za-1"
    )
    ZoomTokenSet.objects.create(
        connection=connection, access_token="a", refresh_token="r", expires_at=timezone.now()
    )
    return connection


def sign(body: bytes, timestamp: int | str = NOW, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": str(timestamp), "HTTP_X_ZM_SIGNATURE": "v0=" + digest}


def post(body: bytes, headers: dict[str, str], content_type: str = "application/json") -> Any:
    return HttpClient().post(URL, data=body, content_type=content_type, **headers)


def state() -> tuple:
    return (
        WebhookEvent.objects.count(),
        list(ZoomConnection.objects.values_list("status", flat=True)),
        ZoomTokenSet.objects.count(),
        AuditEntry.objects.count(),
    )


def assert_nothing_happened(before: tuple, handled: list) -> None:
    assert state() == before
    assert receive.process_due(100) == 0
    assert handled == []


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every handler records what it was given; none may run for a refused request."""
    seen: list = []
    for event in [*receive.HANDLERS, "meeting.deleted", "app_deauthorized"]:
        monkeypatch.setitem(receive.HANDLERS, event, lambda row: seen.append(row.pk))
    return seen


@FUZZ
@given(
    body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()),
    timestamp=st.one_of(st.none(), st.text(max_size=15), st.integers(0, 2**40).map(str)),
    signature=st.one_of(st.none(), st.text(max_size=70), st.from_regex(r"\Av0=[0-9a-f]{64}\Z")),
)
def test_unsigned_or_wrongly_signed_requests_are_refused(linked, handled, body, timestamp, signature) -> None:
    before = state()
    headers = {}
    if timestamp is not None:
        headers["HTTP_X_ZM_REQUEST_TIMESTAMP"] = timestamp
    if signature is not None:
        headers["HTTP_X_ZM_SIGNATURE"] = signature

    response = post(body, headers)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid signature"}
    assert_nothing_happened(before, handled)


@FUZZ
@given(
    body=st.binary(max_size=300),
    secret=st.text(min_size=1, max_size=30).filter(lambda s: s not in (SECRET, ORG_SECRET)),
)
def test_a_body_signed_with_another_secret_is_refused(linked, handled, body, secret) -> None:
    before = state()
    assert post(body, sign(body, secret=secret)).status_code == 401
    assert_nothing_happened(before, handled)


@FUZZ
@given(skew=st.integers(301, 10**9) | st.integers(-(10**9), -301))
def test_a_stale_or_future_timestamp_is_refused_even_when_signed(linked, handled, skew) -> None:
    before = state()
    assert post(EVENT, sign(EVENT, NOW + skew)).status_code == 401
    assert_nothing_happened(before, handled)


@pytest.mark.parametrize(
    "timestamp",
    ["9" * 5000, "-1", "+1900000000", "１９００００００００", " 1900000000", "1900000000.0", "0x71"],
)
def test_an_odd_timestamp_is_refused_even_when_signed(linked, handled, timestamp) -> None:
    before = state()
    assert post(EVENT, sign(EVENT, timestamp)).status_code == 401
    assert_nothing_happened(before, handled)


@FUZZ
@given(value=not_events)
def test_a_signed_body_that_is_not_a_zoom_event_is_a_bad_request(linked, handled, value) -> None:
    before = state()
    body = json.dumps(value).encode()

    response = post(body, sign(body))

    assert response.status_code == 400
    assert response.json() == {"error": "the body is not a Zoom event"}
    assert_nothing_happened(before, handled)


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe\x00", b"{", b"[" * 100_000 + b"]" * 100_000, b'{"event": "x"', b"\x00" * 64, b"NaN"],
    ids=["empty", "not utf-8", "truncated", "deeply nested", "unterminated", "zeros", "NaN"],
)
def test_a_signed_malformed_body_is_a_bad_request(linked, handled, body) -> None:
    before = state()
    assert post(body, sign(body)).status_code == 400
    assert_nothing_happened(before, handled)


def test_a_replayed_delivery_is_stored_and_processed_once(linked, handled) -> None:
    headers = sign(EVENT)

    first = post(EVENT, headers)
    after_first = state()
    replays = [
        post(EVENT, headers),
        post(EVENT, sign(EVENT, NOW + 120)),
        post(EVENT, sign(EVENT, secret=ORG_SECRET)),
    ]

    assert (first.status_code, first.json()) == (200, {"status": "received"})
    assert [(r.status_code, r.json()) for r in replays] == [(200, {"status": "duplicate"})] * 3
    assert state() == after_first
    assert after_first[:3] == (1, [ConnectionStatus.REVOKED], 0)
    assert receive.process_due(100) == 1
    assert receive.process_due(100) == 0
    assert len(handled) == 1


def test_a_replay_after_five_minutes_is_refused(linked, handled, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(EVENT)
    monkeypatch.setattr(receive, "clock", lambda: NOW + 301)
    before = state()

    assert post(EVENT, headers).status_code == 401
    assert_nothing_happened(before, handled)


def test_only_post_is_answered(linked, handled) -> None:
    before = state()
    for method in ("get", "put", "patch", "delete", "head", "options"):
        assert getattr(HttpClient(), method)(URL).status_code == 405
    assert_nothing_happened(before, handled)
