"""Logs past their retention are deleted by the worker's housekeeping jobs, at most once an hour."""

import datetime as dt
import threading

import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.integrations.zoom.webhooks import retention as event_retention
from sessiondesk.meetings import retention
from sessiondesk.meetings.models import CallAttempt
from sessiondesk.worker import jobs
from sessiondesk.worker.loop import Worker

pytestmark = pytest.mark.django_db


def attempt(days_ago: float) -> CallAttempt:
    return CallAttempt.objects.create(
        provider="zoom",
        operation="create",
        status=201,
        outcome="ok",
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def event(key: str, days_ago: float, *, handled: bool) -> WebhookEvent:
    at = timezone.now() - dt.timedelta(days=days_ago)
    return WebhookEvent.objects.create(
        dedupe_key=key,
        event="meeting.updated",
        payload={"event": "meeting.updated"},
        received_at=at,
        processed_at=at if handled else None,
    )


def test_call_log_rows_older_than_the_retention_go(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CALL_LOG_RETENTION_DAYS = 90
    kept = [attempt(1), attempt(89.9)]
    for days in (90.1, 120, 400):
        attempt(days)
    assert retention.run(limit=4) == 3
    assert sorted(CallAttempt.objects.values_list("pk", flat=True)) == sorted(a.pk for a in kept)
    assert retention.run(limit=4) == 0


def test_it_deletes_in_batches_up_to_its_limit(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(5):
        attempt(100)
    assert retention.run(limit=2) == 4
    assert CallAttempt.objects.count() == 1


def test_handled_webhook_events_go_after_their_retention_unhandled_ones_stay(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_EVENT_RETENTION_DAYS = 30
    event("recent", 2, handled=True)
    event("old-handled", 31, handled=True)
    event("old-waiting", 31, handled=False)
    assert event_retention.run(limit=4) == 1
    assert sorted(WebhookEvent.objects.values_list("dedupe_key", flat=True)) == ["old-waiting", "recent"]


@pytest.mark.django_db(transaction=True)
def test_a_housekeeping_job_runs_at_most_once_per_its_interval() -> None:
    runs: list[float] = []
    clock = [1000.0]
    stop = threading.Event()

    def housekeeping(limit: int) -> int:
        runs.append(clock[0])
        return 0

    def ticking(limit: int) -> int:
        clock[0] += 600  # ten minutes per pass
        if clock[0] >= 1000 + 600 * 13:
            stop.set()
        return 1  # keeps the worker passing without waiting

    jobs.register("test-housekeeping", housekeeping, every=3600)
    jobs.register("test-ticking", ticking)
    try:
        Worker(stop=stop, clock=lambda: clock[0]).run()
    finally:
        jobs.unregister("test-housekeeping")
        jobs.unregister("test-ticking")
    # Passes every ten minutes for two hours: the hourly job ran on the first pass and once an hour after.
    assert [run - runs[0] for run in runs] == [0, 3600, 7200]
