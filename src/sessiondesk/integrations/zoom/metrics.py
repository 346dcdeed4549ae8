"""Zoom's metric families for ``/metrics`` (``ops.metrics`` asks each meeting provider for its own):
calls by operation and outcome, 429s, failed token refreshes, and webhook processing."""

from collections.abc import Iterator

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily

from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.meetings.models import CallAttempt


def collect() -> Iterator[GaugeMetricFamily | CounterMetricFamily | SummaryMetricFamily]:
    calls = CounterMetricFamily(
        "sessiondesk_zoom_calls",
        "Calls made to Zoom, by operation and outcome.",
        labels=["operation", "outcome"],
    )
    limited = CounterMetricFamily(
        "sessiondesk_zoom_rate_limited",
        "Zoom calls answered 429 (rate or daily limit), by operation.",
        labels=["operation"],
    )
    refresh_failures = 0
    call_rows = (
        CallAttempt.objects.filter(provider="zoom")
        .values("operation", "outcome")
        .annotate(n=Count("id"), limited=Count("id", filter=Q(status=429)))
        .order_by("operation", "outcome")
    )
    limited_by_operation: dict[str, int] = {}
    for call in call_rows:
        calls.add_metric([call["operation"], call["outcome"]], call["n"])
        operation = call["operation"]
        limited_by_operation[operation] = limited_by_operation.get(operation, 0) + call["limited"]
        if operation == "oauth.token.refresh" and call["outcome"] != "ok":
            refresh_failures += call["n"]
    for name, n in sorted(limited_by_operation.items()):
        limited.add_metric([name], n)
    yield calls
    yield limited
    yield CounterMetricFamily(
        "sessiondesk_zoom_refresh_failures", "Zoom token refreshes that failed.", value=refresh_failures
    )

    webhooks = GaugeMetricFamily(
        "sessiondesk_zoom_webhook_events", "Stored Zoom webhook events, by state.", labels=["state"]
    )
    counts = WebhookEvent.objects.aggregate(
        pending=Count("id", filter=Q(processed_at__isnull=True)),
        processed=Count("id", filter=Q(processed_at__isnull=False, error="")),
        failed=Count("id", filter=Q(processed_at__isnull=False) & ~Q(error="")),
    )
    for state in ("pending", "processed", "failed"):
        webhooks.add_metric([state], counts[state])
    yield webhooks
    processing = SummaryMetricFamily(
        "sessiondesk_zoom_webhook_processing_seconds",
        "Time from receiving a Zoom webhook to having processed it.",
    )
    spent = WebhookEvent.objects.filter(processed_at__isnull=False).aggregate(
        count=Count("id"),
        total=Sum(ExpressionWrapper(F("processed_at") - F("received_at"), output_field=DurationField())),
    )
    count, total = spent["count"], spent["total"].total_seconds() if spent["total"] else 0.0
    processing.add_metric([], count_value=count, sum_value=total)
    yield processing
