"""/v2/roles: list, members, assign, unassign."""

from werkzeug.wrappers import Response

from .. import auth
from ..clock import iso
from ..context import Ctx
from ..http import ZoomError, json_response, no_content
from ..members import member_row, members_of_body
from ..openapi import check
from ..paging import page_size, paginate
from ..users.models import MEMBER_ROLE, OWNER_ROLE
from .models import Role


def find(ctx: Ctx, role_id: str) -> Role:
    role = ctx.state.roles.get(role_id)
    if role is None or role.account_id not in ("", ctx.account_id):
        raise ZoomError(400, 1034, "Role does not exist.")
    return role


def list_roles(ctx: Ctx) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    roles = [r for r in ctx.state.roles.values() if r.account_id in ("", ctx.account_id)]
    users = ctx.state.account_users(ctx.account_id)
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "type": r.type,
            "total_members": sum(1 for u in users if u.role_id == r.id),
        }
        for r in roles
    ]
    return json_response({"total_records": len(rows), "roles": rows})


def list_members(ctx: Ctx, role_id: str) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    role = find(ctx, role_id)
    users = sorted(
        (u for u in ctx.state.account_users(ctx.account_id) if u.role_id == role.id), key=lambda u: u.email
    )
    chunk, paging = paginate(ctx, f"role:{role.id}", users, page_size(ctx))
    rows = [{**member_row(u), "department": u.dept} for u in chunk]
    return json_response({**paging, "members": rows})


def assign(ctx: Ctx, role_id: str) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    role = find(ctx, role_id)
    if role.id in (OWNER_ROLE, MEMBER_ROLE):
        raise ZoomError(400, 300, "Can't delete or add members for Normal/Owner roles.")
    users = members_of_body(ctx.state, ctx.account_id, check.body(ctx))
    for user in users:
        user.role_id = role.id
    # Roles answer `add_at`, groups `added_at`: Zoom's spelling differs.
    return json_response({"ids": ",".join(u.id for u in users), "add_at": iso(ctx.now)}, 201)


def unassign(ctx: Ctx, role_id: str, member_id: str) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    role = find(ctx, role_id)
    if role.id in (OWNER_ROLE, MEMBER_ROLE):
        raise ZoomError(400, 300, "Can't delete or add members for Normal/Owner roles.")
    user = ctx.state.users.get(member_id)
    if user is None or user.account_id != ctx.account_id or user.role_id != role.id:
        raise ZoomError(404, 1001, f"User does not exist: {member_id}.")
    user.role_id = MEMBER_ROLE
    return no_content()
