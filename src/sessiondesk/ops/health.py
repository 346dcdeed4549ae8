"""Probes for load balancers and orchestrators: ``/healthz`` (the process answers) and ``/readyz``
(the database answers and a worker wrote its heartbeat recently)."""

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sessiondesk.worker.models import WorkerHeartbeat


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return False, f"database unreachable: {type(exc).__name__}"
    return True, "ok"


def worker_ok(now: dt.datetime | None = None) -> tuple[bool, str]:
    """A worker is live when any worker's heartbeat is newer than WORKER_HEARTBEAT_MAX_AGE seconds.

    A worker writes it after each pass in which the database answered, so one that runs but cannot
    reach the database goes quiet like one that stopped; the message names both (workers' names stay
    off this public route: /metrics has each one's age)."""
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
    if latest is None:
        return False, "no worker has ever written a heartbeat: start `sessiondesk worker`"
    age = ((now or timezone.now()) - latest).total_seconds()
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return False, (
            f"no worker has reported for {round(age)} s: none is running, it cannot reach the database, "
            "or one job has kept it busy that long (the worker's log says which)"
        )
    return True, "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    db_ready, db_detail = database_ok()
    checks = {"database": db_detail}
    ready = db_ready
    if db_ready:
        try:
            worker_ready, worker_detail = worker_ok()
        except DatabaseError as exc:
            worker_ready, worker_detail = False, f"database unreachable: {type(exc).__name__}"
        checks["worker"] = worker_detail
        ready = worker_ready
    else:
        checks["worker"] = "unknown: the database is unreachable"
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
