"""Per-request context: a request id (from ``X-Request-ID`` when sane, else new), one log line and
the request metrics. The log line and the metrics name the route pattern, never the raw path."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sessiondesk.ops import metrics
from sessiondesk.ops.logs import request_id_var

log = logging.getLogger("sessiondesk.request")

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Probes, scrapes and static files are frequent and carry no information worth a line each
# (they are still counted in the metrics).
_QUIET_ROUTES = {"healthz", "readyz", "metrics", "static"}


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "static" if request.path.startswith("/static/") else "unmatched"
    return "/" + match.route if match.route else (match.view_name or "unknown")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        # Django logs 4xx/5xx responses after the middleware returned: the filter finds the id here.
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics.observe_request(request.method or "", route, response.status_code, seconds)
            response["X-Request-ID"] = request_id
            if route.strip("/") not in _QUIET_ROUTES:
                log.info(
                    "%s %s %s %.1fms",
                    request.method,
                    route,
                    response.status_code,
                    seconds * 1000,
                    extra={
                        "method": request.method,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
