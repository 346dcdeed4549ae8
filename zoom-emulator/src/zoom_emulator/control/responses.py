"""The control plane under /_emulator/: reset, seed, dump, request log, faults, tokens, clock,
rate limits, settings and webhook deliveries. Not part of Zoom; never logged."""

from dataclasses import asdict, fields
from typing import Any

from werkzeug.wrappers import Response

from ..clock import parse_iso
from ..context import Ctx
from ..http import json_response, no_content
from ..seed import SeedError, load
from ..state import Settings
from ..webhooks.delivery import validate_endpoint


def problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


def body_of(ctx: Ctx) -> dict[str, Any]:
    data = ctx.request.get_json(silent=True, force=True)
    return data if isinstance(data, dict) else {}


def reset(ctx: Ctx) -> Response:
    ctx.state.reset()
    return no_content()


def seed(ctx: Ctx) -> Response:
    try:
        summary = load(ctx.state, body_of(ctx))
    except (SeedError, KeyError, TypeError) as exc:
        return problem(f"seed rejected: {exc}")
    return json_response(summary, 201)


def dump(ctx: Ctx) -> Response:
    data = ctx.state.to_dict()
    data["settings"] = asdict(ctx.state.settings)
    data["clock"] = ctx.state.clock.as_dict()
    return json_response(data)


def requests_list(ctx: Ctx) -> Response:
    rows = ctx.state.request_log.query(dict(ctx.request.args.items()))
    return json_response({"total": len(rows), "requests": rows})


def requests_clear(ctx: Ctx) -> Response:
    ctx.state.request_log.clear()
    return no_content()


def faults_list(ctx: Ctx) -> Response:
    return json_response({"faults": ctx.state.faults.listed()})


def faults_add(ctx: Ctx) -> Response:
    try:
        fault = ctx.state.faults.add(body_of(ctx))
    except (ValueError, TypeError) as exc:
        return problem(str(exc))
    return json_response(asdict(fault), 201)


def faults_clear(ctx: Ctx) -> Response:
    ctx.state.faults.clear()
    return no_content()


def fault_delete(ctx: Ctx, fault_id: int) -> Response:
    return no_content() if ctx.state.faults.remove(fault_id) else problem("no such fault", 404)


def token_revoke(ctx: Ctx) -> Response:
    """Revoke one access or refresh token silently (no webhook), as when Zoom drops a token."""
    value = body_of(ctx).get("token", "")
    with ctx.state.lock:
        found = ctx.state.access_tokens.get(value) or ctx.state.refresh_tokens.get(value)
        if found is None:
            return problem("no such token", 404)
        found.revoked = True
        ctx.state.dirty = True
    return no_content()


def tokens_expire(ctx: Ctx) -> Response:
    with ctx.state.lock:
        now = ctx.state.now()
        for token in ctx.state.access_tokens.values():
            token.expires_at = min(token.expires_at, now)
        if body_of(ctx).get("refresh_tokens"):
            for refresh in ctx.state.refresh_tokens.values():
                refresh.expires_at = min(refresh.expires_at, now)
        ctx.state.dirty = True
    return no_content()


def clock_get(ctx: Ctx) -> Response:
    return json_response(ctx.state.clock.as_dict())


def clock_set(ctx: Ctx) -> Response:
    body = body_of(ctx)
    clock = ctx.state.clock
    try:
        with ctx.state.lock:
            if "freeze" in body:
                clock.freeze(bool(body["freeze"]))
            if "set" in body:
                clock.set(parse_iso(str(body["set"])))
            if "advance" in body:
                clock.advance(float(body["advance"]))
    except ValueError as exc:
        return problem(str(exc))
    # Retries that just fell due should go out now.
    ctx.state.webhooks.wake()
    return json_response(clock.as_dict())


def ratelimits_get(ctx: Ctx) -> Response:
    return json_response(ctx.state.ratelimits.config())


def ratelimits_set(ctx: Ctx) -> Response:
    try:
        ctx.state.ratelimits.configure(body_of(ctx))
    except (ValueError, TypeError, AttributeError) as exc:
        return problem(str(exc))
    return json_response(ctx.state.ratelimits.config())


def settings_get(ctx: Ctx) -> Response:
    return json_response(asdict(ctx.state.settings))


def settings_set(ctx: Ctx) -> Response:
    body = body_of(ctx)
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(body) - known)
    if unknown:
        return problem(f"unknown settings: {', '.join(unknown)}")
    if body.get("webhook_mode", "background") not in ("background", "manual"):
        return problem("webhook_mode must be background or manual")
    with ctx.state.lock:
        for key, value in body.items():
            setattr(ctx.state.settings, key, value)
    if ctx.state.settings.webhook_mode == "background":
        ctx.state.webhooks.start()
    return json_response(asdict(ctx.state.settings))


def deliveries(ctx: Ctx) -> Response:
    args = ctx.request.args
    rows = ctx.state.webhooks.listed(args.get("event", ""), args.get("client_id", ""))
    return json_response({"total": len(rows), "deliveries": rows})


def deliveries_clear(ctx: Ctx) -> Response:
    ctx.state.webhooks.clear()
    return no_content()


def flush(ctx: Ctx) -> Response:
    timeout = float(body_of(ctx).get("timeout", 30))
    return json_response(ctx.state.webhooks.flush(timeout))


def validate_app(ctx: Ctx, client_id: str) -> Response:
    app = ctx.state.apps.get(client_id)
    if app is None or not app.webhook_url:
        return problem("no such app, or it has no webhook endpoint", 404)
    return json_response(validate_endpoint(ctx.state, app))


def authorize(ctx: Ctx) -> Response:
    """Skip the consent page: issue a code for a user as if they had clicked Allow."""
    from ..oauth import grants

    body = body_of(ctx)
    with ctx.state.lock:
        app = ctx.state.apps.get(body.get("client_id", ""))
        user = ctx.state.user_by_email(body.get("user", "")) or ctx.state.users.get(body.get("user", ""))
        if app is None or user is None:
            return problem("unknown client_id or user", 404)
        redirect_uri = body.get("redirect_uri") or (app.redirect_uris[0] if app.redirect_uris else "")
        if redirect_uri not in app.redirect_uris:
            return problem("redirect_uri is not registered for the app")
        code = grants.new_code(
            ctx.state,
            app,
            user.id,
            redirect_uri,
            body.get("code_challenge", ""),
            body.get("code_challenge_method", ""),
        )
    return json_response({"code": code, "redirect_uri": redirect_uri}, 201)


def accept_invitation(ctx: Ctx, user_id: str) -> Response:
    from ..users.actions import accept

    with ctx.state.lock:
        user = ctx.state.users.get(user_id) or ctx.state.user_by_email(user_id)
        if user is None:
            return problem("no such user", 404)
        accept(ctx.state, user)
        ctx.state.dirty = True
    return no_content()
