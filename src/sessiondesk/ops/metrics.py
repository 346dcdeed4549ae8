"""Prometheus metrics at ``/metrics``.

Two sources, both correct with several web and worker processes:

- request counts and latency are counted in each web process by ``RequestMetricsMiddleware``;
  ``sessiondesk serve`` runs prometheus_client in multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``)
  so a scrape of any web process sums them over all its processes;
- everything the database knows (sync backlog and lag, emails, worker heartbeats, and what each
  meeting provider adds: for Zoom its calls, 429s, refresh failures and webhook processing) is
  computed from the database at scrape time, so every process — web or worker, on any machine —
  is counted once.

Access: a bearer token (``METRICS_TOKEN``) or a client address in ``METRICS_ALLOWED_NETWORKS``;
with neither set the page does not exist (404).
"""

import datetime as dt
import hmac
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, F, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from sessiondesk.meetings import providers
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.worker.models import WorkerHeartbeat

REQUESTS = Counter(
    "sessiondesk_http_requests",
    "HTTP requests answered, by method, route and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "sessiondesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


HEARTBEAT_HORIZON = dt.timedelta(days=1)


class DatabaseCollector(Collector):
    """Metrics read from the database at scrape time (shared by every process)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()

        backlog = GaugeMetricFamily(
            "sessiondesk_sync_backlog",
            "Meeting links whose provider is not yet in step with the session, by provider and state.",
            labels=["provider", "state"],
        )
        rows = (
            MeetingLink.objects.filter(state__in=[LinkState.PENDING, LinkState.WAITING, LinkState.BLOCKED])
            .values("provider", "state")
            .annotate(n=Count("id"))
            .order_by("provider", "state")
        )
        for row in rows:
            backlog.add_metric([row["provider"], row["state"]], row["n"])
        yield backlog

        oldest_due = MeetingLink.objects.filter(
            state=LinkState.PENDING, applied_version__lt=F("desired_version"), next_attempt_at__lte=now
        ).aggregate(oldest=Min("next_attempt_at"))["oldest"]
        yield GaugeMetricFamily(
            "sessiondesk_sync_lag_seconds",
            "How long the oldest due meeting change has been waiting for a worker (0: none waiting).",
            value=max(0.0, (now - oldest_due).total_seconds()) if oldest_due else 0.0,
        )

        for name in providers.PROVIDERS:
            provider = providers.get(name)
            if provider is not None:
                yield from provider.metrics()

        emails = CounterMetricFamily("sessiondesk_emails", "Emails by outcome.", labels=["state"])
        by_state = dict(OutboundEmail.objects.values_list("state").annotate(n=Count("id")).order_by("state"))
        for state in ("sent", "failed", "pending", "skipped"):
            emails.add_metric([state], by_state.get(state, 0))
        yield emails

        ages = GaugeMetricFamily(
            "sessiondesk_worker_heartbeat_age_seconds",
            "Seconds since each worker process last wrote its heartbeat.",
            labels=["worker"],
        )
        live = 0
        # Each worker process has its own row (host:pid); those of processes gone for a day are left
        # out, so restarts do not grow the series without end.
        recent = WorkerHeartbeat.objects.filter(seen_at__gte=now - HEARTBEAT_HORIZON)
        for name, seen_at in recent.values_list("name", "seen_at").order_by("name"):
            age = max(0.0, (now - seen_at).total_seconds())
            ages.add_metric([name], age)
            live += age <= settings.WORKER_HEARTBEAT_MAX_AGE
        yield ages
        yield GaugeMetricFamily(
            "sessiondesk_workers_live",
            "Worker processes whose heartbeat is newer than WORKER_HEARTBEAT_MAX_AGE.",
            value=live,
        )


def render() -> bytes:
    """The exposition text: this deployment's request metrics plus the database's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return output + generate_latest(database)


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
    return False


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_NETWORKS:
        raise Http404("Metrics are not enabled.")
    if not allowed(request):
        response = HttpResponse("Metrics need a valid bearer token or an allowed address.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
