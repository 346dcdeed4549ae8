"""The WSGI application: routing, authentication, rate limits, faults and the request log."""

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request, Response

from . import auth
from .context import Ctx
from .http import ZoomError, base_url, json_response
from .routing import Route, Router
from .state import State

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
DROP = Response(b"", status=599)


def all_routes() -> list[Route]:
    from .control.urls import routes as control
    from .groups.urls import routes as groups
    from .meetings.urls import routes as meetings
    from .oauth.urls import routes as oauth
    from .pages.urls import routes as pages
    from .registrants.urls import routes as registrants
    from .roles.urls import routes as roles
    from .runs.urls import routes as runs
    from .users.urls import routes as users

    return oauth + users + meetings + registrants + roles + groups + control + pages + runs


_router: Router | None = None


def shared_router() -> Router:
    # Compiling the werkzeug map is the slow part of creating an app; routes never change.
    global _router
    if _router is None:
        _router = Router(all_routes())
    return _router


class EmulatorApp:
    def __init__(self, state: State, persist_path: str | None = None) -> None:
        self.state = state
        self.router = shared_router()
        self.last_save = 0.0
        state.persist_path = persist_path

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request, environ)
        if response is not DROP:
            # Zoom tags every answer for its support: "v=2.0;clid=us05;rid=WEB_<32 hex>".
            response.headers["x-zm-trackingid"] = f"v=2.0;clid=us05;rid=WEB_{os.urandom(16).hex()}"
        if response is DROP:
            # Promise a body, send a fragment: waitress closes the connection and the client sees
            # it drop mid-response (httpx: RemoteProtocolError).
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "64")])
            return [b'{"code"']
        return response(environ, start_response)

    def handle(self, request: Request, environ: dict[str, Any]) -> Response:
        path = request.path
        if len(path) > 1 and path.endswith("/"):
            # Zoom tolerates trailing slashes.
            path = path.rstrip("/")
            environ = {**environ, "PATH_INFO": path}
        adapter = self.router.bind(environ)
        try:
            endpoint, args = adapter.match(path, method=request.method)
        except (NotFound, RequestRedirect):
            # A doubled slash (a meeting UUID encoded once instead of twice) names no resource.
            return self.finish_unrouted(request, path, 404)
        except MethodNotAllowed:
            return self.finish_unrouted(request, path, 405)
        route = self.router.routes[endpoint]
        ctx = Ctx(request=request, state=self.state, route=route, base_url=base_url(request), now=0.0)
        if route.kind == "control":
            ctx.now = self.state.now()
            return route.handler(ctx, **args)
        if route.kind == "page":
            # What a person clicks is not an API call: no faults, no log.
            return self.run(ctx, args)
        return self.serve(ctx, path, args, environ)

    def serve(self, ctx: Ctx, path: str, args: dict[str, Any], environ: dict[str, Any]) -> Response:
        started = time.perf_counter()
        request = ctx.request
        picked = self.state.faults.pick(request.method, path)
        if picked.delay:
            time.sleep(picked.delay)
        failure = picked.failure
        if failure is not None and failure.phase == "before":
            return self.fail(ctx, path, failure, started, environ)
        response = self.run(ctx, args)
        if failure is not None:
            return self.fail(ctx, path, failure, started, environ)
        self.record(ctx, path, response, started)
        if request.method in MUTATING:
            self.maybe_save()
        return response

    def run(self, ctx: Ctx, args: dict[str, Any]) -> Response:
        state = self.state
        route = ctx.route
        with state.lock:
            ctx.now = state.now()
            state.settings.base_url = ctx.base_url
            try:
                headers: dict[str, str] = {}
                if route.kind == "rest":
                    auth.authenticate(ctx)
                    account = state.accounts.get(ctx.account_id)
                    plan = account.plan if account else "pro"
                    headers = state.ratelimits.check(ctx.account_id, plan, route.category, ctx.now)
                response: Response = route.handler(ctx, **args)
                response.headers.extend(headers)
            except ZoomError as exc:
                response = exc.response()
            if ctx.request.method in MUTATING:
                state.dirty = True
        return response

    def fail(self, ctx: Ctx, path: str, fault: Any, started: float, environ: dict[str, Any]) -> Response:
        served = str(environ.get("SERVER_SOFTWARE", "")).startswith("waitress")
        self.record(ctx, path, None, started, fault=fault.kind)
        if fault.kind == "error":
            return Response(
                f"<html><body>{fault.status} Server Error</body></html>",
                fault.status,
                content_type="text/html",
            )
        if fault.kind == "rate_limit":
            from .ratelimit import QPS_MESSAGE, too_many

            return too_many(ctx.route.category, "QPS", 0, QPS_MESSAGE, self.state.now()).response()
        import httpx

        if fault.kind == "timeout":
            if not served:
                # In-process there is no socket to stall; raise what a client with a timeout would see.
                raise httpx.ReadTimeout("timed out (injected by the Zoom emulator)")
            time.sleep(self.state.settings.timeout_fault_seconds)
            return Response(b"", status=504)
        if not served:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response (injected).")
        return DROP

    def record(self, ctx: Ctx, path: str, response: Response | None, started: float, fault: str = "") -> None:
        code = None
        status = response.status_code if response is not None else None
        if (
            response is not None
            and status is not None
            and status >= 400
            and response.mimetype == "application/json"
        ):
            body = response.get_json(silent=True)
            if isinstance(body, dict):
                code = body.get("code", body.get("error"))
        request = ctx.request
        self.state.request_log.add(
            {
                "time": ctx.now or self.state.now(),
                "method": request.method,
                "path": path,
                "query": dict(request.args.items()),
                "status": status,
                "code": code,
                "fault": fault or None,
                "account_id": ctx.log.get("account_id"),
                "user_id": ctx.log.get("user_id") or None,
                "client_id": ctx.log.get("client_id"),
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
        )

    def finish_unrouted(self, request: Request, path: str, status: int) -> Response:
        if path.startswith("/v2/"):
            return json_response(
                {"code": status, "message": "Not Found" if status == 404 else "Method Not Allowed"}, status
            )
        return Response("Not Found" if status == 404 else "Method Not Allowed", status)

    def maybe_save(self) -> None:
        # Persist at most once a second under load; close() saves the rest.
        if self.state.persist_path and self.state.dirty and time.monotonic() - self.last_save > 1.0:
            self.last_save = time.monotonic()
            self.state.save()

    def close(self) -> None:
        self.state.webhooks.stop()
        if self.state.persist_path and self.state.dirty:
            self.state.save()


def create_app(state: State | None = None, *, persist_path: str | None = None) -> EmulatorApp:
    state = state or State()
    if persist_path and os.path.exists(persist_path):
        state.load_file(persist_path)
    return EmulatorApp(state, persist_path)
