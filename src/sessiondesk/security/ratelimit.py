"""Fixed-window rate limits counted in the database, so every web process on every machine shares them.

A limit is ``(requests, seconds)``; ``requests == 0`` turns it off. Settings give them as
``"<requests>/<seconds>"`` (docs/configuration.md). A refused request is answered 429 with
``Retry-After`` before the view runs, so nothing is saved and no email is queued.
"""

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sessiondesk.lib.rows import delete_in_batches, unique_row
from sessiondesk.security.models import RateCounter

# Rows of windows that started this long ago are deleted by the worker (``forget_stale``), or longer
# ago when a configured window is longer.
STALE = dt.timedelta(days=1)
BATCH = 1000


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @property
    def enabled(self) -> bool:
        return self.requests > 0


def setting(name: str) -> Rate:
    """The rate of the setting ``name`` (a ``(requests, seconds)`` pair, see ``lib.env.env_rate``)."""
    requests, seconds = getattr(settings, name)
    return Rate(int(requests), int(seconds))


def client_ip(request: HttpRequest) -> str:
    """The requester's address; behind ``TRUSTED_PROXY_COUNT`` proxies, the one they saw."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ident: str) -> str:
    return hashlib.sha256(f"{scope}\0{ident}".encode()).hexdigest()


def retry_after(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> int | None:
    """Seconds until ``ident`` may try ``scope`` again, or None while it is under the limit."""
    if not rate.enabled:
        return None
    now = now or timezone.now()
    # SQL built once: every public booking looks first.
    row = unique_row(RateCounter, "key", _key(scope, ident))
    if row is None:
        return None
    ends = row.window_start + dt.timedelta(seconds=rate.seconds)
    if ends <= now or row.count < rate.requests:
        return None
    return max(1, math.ceil((ends - now).total_seconds()))


def _count(key: str, rate: Rate, now: dt.datetime) -> int:
    """Count one request in the key's window (a new window when the last one has ended) and return
    the window's count, this request included. One statement, atomic on SQLite and PostgreSQL alike,
    so requests in several processes are never lost or counted past the limit together."""
    ops = connection.ops
    table, key_column = ops.quote_name(RateCounter._meta.db_table), ops.quote_name("key")
    started = ops.adapt_datetimefield_value(now)
    ended = ops.adapt_datetimefield_value(now - dt.timedelta(seconds=rate.seconds))
    # In SET, every expression sees the row as it was before the update.
    sql = (
        f"INSERT INTO {table} ({key_column}, window_start, count) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"count = CASE WHEN {table}.window_start <= %s THEN 1 ELSE {table}.count + 1 END, "
        f"window_start = CASE WHEN {table}.window_start <= %s THEN excluded.window_start "
        f"ELSE {table}.window_start END "
        "RETURNING count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, started, ended, ended])
        (count,) = cursor.fetchone()
    return int(count)


def forget_stale(limit: int) -> int:
    """Delete up to ``limit`` batches of counters whose window started more than ``STALE`` ago, or
    than the longest configured window if longer (the worker's ``rate-limit-retention`` job, hourly);
    returns how many were deleted. Left to the worker, so that a request opening a window (a
    visitor's first booking, inside its transaction) writes only its own counter."""
    longest = max(
        (setting(name).seconds for name in dir(settings) if name.startswith("RATE_LIMIT_")), default=0
    )
    kept = max(STALE, dt.timedelta(seconds=longest))
    stale = RateCounter.objects.filter(window_start__lt=timezone.now() - kept)
    return delete_in_batches(stale, limit, BATCH)


def record(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> None:
    """Count one request of ``ident`` for ``scope``."""
    if rate.enabled:
        _count(_key(scope, ident), rate, now or timezone.now())


def hit(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> int | None:
    """Count this request, or return the seconds to wait when it is over the limit. Refused requests
    count too (the window does not move), so a requester past the limit stays refused until the
    window ends."""
    if not rate.enabled:
        return None
    now = now or timezone.now()
    if _count(_key(scope, ident), rate, now) <= rate.requests:
        return None
    return retry_after(scope, ident, rate, now) or 1


def too_many(
    request: HttpRequest, wait: int, what: str, page: str = "security/too_many.html", **context: object
) -> HttpResponse:
    """429 with Retry-After: JSON for API and script callers, a page for people (``page``, given
    ``context`` besides the message and the wait)."""
    minutes = max(1, math.ceil(wait / 60))
    message = (
        f"Too many {what} from here. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
    )
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response: HttpResponse = JsonResponse({"detail": message, "retry_after": wait}, status=429)
    else:
        context.update(message=message, wait=wait, minutes=minutes)
        response = render(request, page, context, status=429)
    response["Retry-After"] = str(wait)
    return response


View = Callable[..., HttpResponseBase]


def limited(
    scope: str, rate_setting: str, what: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[View], View]:
    """Limit a view's ``methods`` per client IP address by the rate named ``rate_setting``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in methods:
                wait = hit(scope, client_ip(request), setting(rate_setting))
                if wait is not None:
                    return too_many(request, wait, what)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
