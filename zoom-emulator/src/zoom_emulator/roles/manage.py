"""/v2/roles and /v2/roles/{roleId}: get, create and delete a role (the Accounts API)."""

from werkzeug.wrappers import Response

from .. import auth
from ..context import Ctx
from ..http import ZoomError, json_response, no_content
from ..ids import opaque
from ..openapi import check
from ..users.models import ADMIN_ROLE, MEMBER_ROLE, OWNER_ROLE
from .models import Role, privileges
from .responses import find

BUILT_IN_IDS = (OWNER_ROLE, ADMIN_ROLE, MEMBER_ROLE)


def row(ctx: Ctx, role: Role) -> dict[str, object]:
    members = sum(1 for u in ctx.state.account_users(ctx.account_id) if u.role_id == role.id)
    return {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "type": role.type,
        "total_members": members,
        "privileges": privileges(role),
    }


def get_role(ctx: Ctx, role_id: str) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    return json_response(row(ctx, find(ctx, role_id)))


def create_role(ctx: Ctx) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    body = check.body(ctx)
    name = body.get("name", "").strip()
    if not name:
        # 2021 spec, POST /roles: {"code": 300, "message": "The name field cannot be empty."}
        raise ZoomError(400, 300, "The name field cannot be empty.")
    taken = {r.name.lower() for r in ctx.state.roles.values() if r.account_id in ("", ctx.account_id)}
    if name.lower() in taken:
        # 2026 spec: {"code": 1224, "message": "Role name {roleName} has already been used."}
        raise ZoomError(400, 1224, f"Role name {name} has already been used.")
    role = Role(
        opaque(16),
        ctx.account_id,
        name,
        body.get("description", ""),
        body.get("type", "common"),
        list(dict.fromkeys(body.get("privileges", []))),
    )
    ctx.state.roles[role.id] = role
    # The 2021 spec answers 201 with the role; the 2026 one documents no body for success.
    return json_response(row(ctx, role), 201)


def delete_role(ctx: Ctx, role_id: str) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    role = find(ctx, role_id)
    if role.id in BUILT_IN_IDS:
        raise ZoomError(400, 300, f"Can't delete the {role.name} role.")
    # Whether Zoom refuses a role that still has members is not documented; its members fall back
    # to Member, as when a role is withdrawn from a user.
    for user in ctx.state.account_users(ctx.account_id):
        if user.role_id == role.id:
            user.role_id = MEMBER_ROLE
    del ctx.state.roles[role.id]
    return no_content()
