"""/metrics: closed unless configured, then Prometheus text with the request counters and the
figures read from the database at scrape time."""

import datetime as dt
import re

import httpx
import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.meetings.models import CallAttempt, LinkState, MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import Session
from sessiondesk.worker.models import WorkerHeartbeat
from tests.ops.served import serve

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789"


def scrape(client, **headers: str):  # type: ignore[no-untyped-def]
    return client.get("/metrics", headers=headers)


def value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert match, f"{series} not in the scrape"
    return float(match.group(1))


def test_it_does_not_exist_until_a_token_or_network_is_configured(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert scrape(client, Authorization="Bearer anything").status_code == 404


def test_it_requires_the_bearer_token(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = scrape(client, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"sessiondesk_" not in response.content
    assert scrape(client, Authorization=f"Bearer {TOKEN}").status_code == 200


def test_it_admits_allowed_networks_only(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 401


def test_it_counts_requests_by_route_and_status(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = TOKEN
    series = 'sessiondesk_http_requests_total{method="GET",route="/healthz",status="200"}'
    before = scrape(client, Authorization=f"Bearer {TOKEN}").content.decode()
    start = value(before, series) if series in before else 0.0
    for _ in range(3):
        client.get("/healthz")
    after = scrape(client, Authorization=f"Bearer {TOKEN}").content.decode()
    assert value(after, series) == start + 3
    assert (
        'sessiondesk_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/healthz"}' in after
    )


def test_it_reports_backlog_zoom_calls_webhooks_emails_and_workers_from_the_database(
    client, settings, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = TOKEN
    settings.WORKER_HEARTBEAT_MAX_AGE = 30
    now = timezone.now()
    start = now + dt.timedelta(days=2)
    sessions = [
        Session.objects.create(
            org=consultant.org,
            title=f"S{i}",
            session_type=lesson,
            consultant=consultant,
            start=start + dt.timedelta(hours=i),
            end=start + dt.timedelta(hours=i, minutes=30),
        )
        for i in range(4)
    ]
    MeetingLink.objects.create(
        session=sessions[0],
        provider="zoom",
        state=LinkState.PENDING,
        desired_version=2,
        applied_version=1,
        next_attempt_at=now - dt.timedelta(seconds=90),
    )
    MeetingLink.objects.create(
        session=sessions[1],
        provider="zoom",
        state=LinkState.PENDING,
        desired_version=1,
        applied_version=0,
        next_attempt_at=now + dt.timedelta(minutes=5),
    )
    MeetingLink.objects.create(session=sessions[2], provider="zoom", state=LinkState.BLOCKED)
    MeetingLink.objects.create(session=sessions[3], provider="zoom", state=LinkState.ACTIVE)
    for operation, outcome, status in [
        ("meetings.create", "ok", 201),
        ("meetings.create", "ok", 201),
        ("meetings.create", "transient", 429),
        ("oauth.token.refresh", "ok", 200),
        ("oauth.token.refresh", "permanent", 400),
        ("oauth.token.refresh", "transient", None),
    ]:
        CallAttempt.objects.create(provider="zoom", operation=operation, outcome=outcome, status=status)
    CallAttempt.objects.create(provider="custom", operation="meetings.create", outcome="ok")
    for n, (state, count) in enumerate([("sent", 3), ("failed", 1), ("pending", 2)]):
        for i in range(count):
            OutboundEmail.objects.create(
                kind="booked", to=f"p{n}{i}@example.test", subject="s", body_text="b", state=state
            )
    WebhookEvent.objects.create(
        dedupe_key="a",
        event="meeting.updated",
        payload={},
        received_at=now - dt.timedelta(seconds=3),
        processed_at=now,
    )
    WebhookEvent.objects.create(
        dedupe_key="b",
        event="meeting.deleted",
        payload={},
        received_at=now - dt.timedelta(seconds=2),
        processed_at=now,
        error="boom",
    )
    WebhookEvent.objects.create(dedupe_key="c", event="meeting.deleted", payload={})
    WorkerHeartbeat.objects.create(name="host-a:11", seen_at=now - dt.timedelta(seconds=2))
    WorkerHeartbeat.objects.create(name="host-b:12", seen_at=now - dt.timedelta(minutes=10))
    WorkerHeartbeat.objects.create(name="host-a:3", seen_at=now - dt.timedelta(days=2))

    response = scrape(client, Authorization=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert value(text, 'sessiondesk_sync_backlog{provider="zoom",state="pending"}') == 2
    assert value(text, 'sessiondesk_sync_backlog{provider="zoom",state="blocked"}') == 1
    assert 'state="active"' not in text
    assert 90 <= value(text, "sessiondesk_sync_lag_seconds") < 120
    assert value(text, 'sessiondesk_zoom_calls_total{operation="meetings.create",outcome="ok"}') == 2
    assert value(text, 'sessiondesk_zoom_calls_total{operation="meetings.create",outcome="transient"}') == 1
    assert (
        value(text, 'sessiondesk_zoom_calls_total{operation="oauth.token.refresh",outcome="permanent"}') == 1
    )
    assert value(text, 'sessiondesk_zoom_rate_limited_total{operation="meetings.create"}') == 1
    assert value(text, 'sessiondesk_zoom_rate_limited_total{operation="oauth.token.refresh"}') == 0
    assert value(text, "sessiondesk_zoom_refresh_failures_total") == 2
    assert value(text, 'sessiondesk_zoom_webhook_events{state="pending"}') == 1
    assert value(text, 'sessiondesk_zoom_webhook_events{state="processed"}') == 1
    assert value(text, 'sessiondesk_zoom_webhook_events{state="failed"}') == 1
    assert value(text, "sessiondesk_zoom_webhook_processing_seconds_count") == 2
    assert value(text, "sessiondesk_zoom_webhook_processing_seconds_sum") == pytest.approx(5.0)
    assert value(text, 'sessiondesk_emails_total{state="sent"}') == 3
    assert value(text, 'sessiondesk_emails_total{state="failed"}') == 1
    assert value(text, 'sessiondesk_emails_total{state="pending"}') == 2
    assert value(text, 'sessiondesk_worker_heartbeat_age_seconds{worker="host-b:12"}') >= 600
    assert value(text, "sessiondesk_workers_live") == 1
    assert 'worker="host-a:3"' not in text  # gone for more than a day


@pytest.mark.django_db(transaction=True)
def test_it_sums_request_counts_over_every_web_process_of_serve(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with serve(tmp_path, "--workers", "3", METRICS_TOKEN=TOKEN) as (base, _):
        series = 'sessiondesk_http_requests_total{method="GET",route="/healthz",status="200"}'
        scrape_url, auth = base + "/metrics", {"Authorization": f"Bearer {TOKEN}"}
        assert series not in httpx.get(scrape_url, headers=auth, timeout=10).text
        for _ in range(30):
            # A new connection each time: gunicorn's processes take turns accepting them.
            assert (
                httpx.get(base + "/healthz", headers={"Connection": "close"}, timeout=10).status_code == 200
            )
        after = value(httpx.get(scrape_url, headers=auth, timeout=10).text, series)
        assert after == 30
        static = httpx.get(
            base + "/static/sessiondesk/app.css", headers={"Accept-Encoding": "gzip"}, timeout=10
        )
        assert static.status_code == 200
        assert static.headers["Content-Encoding"] == "gzip"
        assert "max-age" in static.headers["Cache-Control"]
        assert (tmp_path / "static" / "sessiondesk" / "app.css.gz").exists()
