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
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sessiondesk.security.models import RateCounter

# Rows of windows that ended this long ago are deleted now and then.
STALE = dt.timedelta(days=1)


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


def _locked(key: str, now: dt.datetime) -> RateCounter:
    row, created = RateCounter.objects.select_for_update().get_or_create(
        key=key, defaults={"window_start": now, "count": 0}
    )
    if created:
        RateCounter.objects.filter(window_start__lt=now - STALE).delete()
    return row


def retry_after(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> int | None:
    """Seconds until ``ident`` may try ``scope`` again, or None while it is under the limit."""
    if not rate.enabled:
        return None
    now = now or timezone.now()
    row = RateCounter.objects.filter(key=_key(scope, ident)).first()
    if row is None:
        return None
    ends = row.window_start + dt.timedelta(seconds=rate.seconds)
    if ends <= now or row.count < rate.requests:
        return None
    return max(1, math.ceil((ends - now).total_seconds()))


def record(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> None:
    """Count one request of ``ident`` for ``scope``."""
    if not rate.enabled:
        return
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(_key(scope, ident), now)
        if row.window_start + dt.timedelta(seconds=rate.seconds) <= now:
            row.window_start, row.count = now, 0
        row.count += 1
        row.save(update_fields=["window_start", "count"])


def hit(scope: str, ident: str, rate: Rate, now: dt.datetime | None = None) -> int | None:
    """Count this request, or return the seconds to wait when it is over the limit (then it is not
    counted). The check and the count happen under one row lock, so concurrent requests in several
    processes never get past the limit together."""
    if not rate.enabled:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(_key(scope, ident), now)
        ends = row.window_start + dt.timedelta(seconds=rate.seconds)
        if ends <= now:
            row.window_start, row.count = now, 0
        elif row.count >= rate.requests:
            return max(1, math.ceil((ends - now).total_seconds()))
        row.count += 1
        row.save(update_fields=["window_start", "count"])
    return None


def too_many(request: HttpRequest, wait: int, what: str) -> HttpResponse:
    """429 with Retry-After: JSON for API and script callers, a page for people."""
    minutes = max(1, math.ceil(wait / 60))
    message = (
        f"Too many {what} from here. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
    )
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response: HttpResponse = JsonResponse({"detail": message, "retry_after": wait}, status=429)
    else:
        response = render(request, "security/too_many.html", {"message": message, "wait": wait}, status=429)
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
