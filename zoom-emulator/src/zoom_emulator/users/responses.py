"""/v2/users: get, list, create, update, delete, status."""

from typing import Any

from werkzeug.wrappers import Response

from .. import auth
from ..context import Ctx
from ..http import ZoomError, json_body, json_response, no_content, validation_failed
from ..openapi import check
from ..paging import page_size, paginate
from ..webhooks import events
from . import actions
from .models import STATUSES, UPDATABLE, full, listed


def get_user(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    role = ctx.state.roles.get(user.role_id)
    account = ctx.state.accounts[user.account_id]
    return json_response(full(user, role.name if role else "Member", account.account_number, ctx.base_url))


def list_users(ctx: Ctx) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    status = ctx.request.args.get("status", "active")
    if status not in STATUSES:
        raise ZoomError(400, 300, "Invalid parameter: status.")
    role_id = ctx.request.args.get("role_id", "")
    users = [
        u
        for u in ctx.state.account_users(ctx.account_id)
        if u.status == status and (not role_id or u.role_id == role_id)
    ]
    users.sort(key=lambda u: (u.created_at, u.email))
    size = page_size(ctx)
    chunk, paging = paginate(ctx, f"users:{ctx.account_id}:{status}:{role_id}", users, size)
    return json_response({**paging, "users": [listed(u) for u in chunk]})


def create_user(ctx: Ctx) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    info = json_body(ctx.request).get("user_info")
    if isinstance(info, dict) and info.get("type") == actions.ON_PREM:
        # The 2026 spec documents its own answer for type 3, a value its enum leaves out.
        actions.check_type(ctx.state, ctx.state.accounts[ctx.account_id], actions.ON_PREM)
    body = check.body(ctx)
    user = actions.create(ctx.state, ctx.account_id, body, operator(ctx))
    created = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "type": user.type,
    }
    return json_response(created, 201)


def update_user(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    body = check.body(ctx)
    changed: dict[str, Any] = {}
    for key, value in body.items():
        kind = UPDATABLE.get(key)
        if kind is None:
            continue  # Zoom ignores fields it does not know.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise validation_failed(key)
        if key == "type":
            if value not in (1, 2, 3, 4, 99):
                raise validation_failed(key)
            assert isinstance(value, int)
            actions.check_type(ctx.state, ctx.state.accounts[user.account_id], value, value != user.type)
        if getattr(user, key) != value:
            changed[key] = value
    old = {key: getattr(user, key) for key in changed}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        events.user_updated(ctx.state, user, changed, old, operator(ctx))
    return no_content()


def delete_user(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    args = ctx.request.args
    action = args.get("action", "disassociate")
    if action not in ("disassociate", "delete"):
        raise ZoomError(400, 300, "Invalid parameter: action.")
    if action == "delete" and user.status == "pending":
        # Zoom's reference for this call: "To delete pending user in the account, use
        # `disassociate`". The exact error it answers is not documented.
        raise ZoomError(400, 300, "To delete a pending user in the account, use disassociate.")
    actions.remove(
        ctx.state,
        user,
        action,
        args.get("transfer_email", ""),
        args.get("transfer_meeting") == "true",
        operator(ctx),
    )
    return no_content()


def set_status(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    action = check.body(ctx).get("action")
    if action not in ("activate", "deactivate"):
        raise validation_failed("action")
    actions.set_status(ctx.state, user, action, operator(ctx))
    return no_content()


def operator(ctx: Ctx) -> Any:
    assert ctx.token is not None
    if ctx.token.user_id:
        return ctx.state.users.get(ctx.token.user_id)
    return ctx.state.owner_of(ctx.account_id)
