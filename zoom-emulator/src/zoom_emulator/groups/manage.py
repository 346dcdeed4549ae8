"""/v2/groups and /v2/groups/{groupId}: get, create and delete a group."""

from werkzeug.wrappers import Response

from ..context import Ctx
from ..http import ZoomError, json_response, no_content
from ..ids import opaque
from ..openapi import check
from ..webhooks import events
from .models import Group
from .responses import find, operator, paid_only

# Zoom: "a maximum of 5000 groups in one account".
MAX_GROUPS = 5000


def row(ctx: Ctx, group: Group) -> dict[str, object]:
    return {
        "id": group.id,
        "name": group.name,
        "total_members": len(ctx.state.group_members.get(group.id, [])),
    }


def get_group(ctx: Ctx, group_id: str) -> Response:
    paid_only(ctx)
    return json_response(row(ctx, find(ctx, group_id)))


def create_group(ctx: Ctx) -> Response:
    paid_only(ctx)
    name = check.body(ctx).get("name", "").strip()
    if not name:
        # 2021 spec: {"code": 300, "message": "Missing field: name."}
        raise ZoomError(400, 300, "Missing field: name.")
    groups = [g for g in ctx.state.groups.values() if g.account_id == ctx.account_id]
    if any(g.name.lower() == name.lower() for g in groups):
        # {"code": 4132, "message": "The group name \"Tutors\" is already in use."}
        raise ZoomError(409, 4132, f'The group name "{name}" is already in use.')
    if len(groups) >= MAX_GROUPS:
        raise ZoomError(
            400, 300, "It has reached the maximum number of groups. You can clean up some groups then add."
        )
    group = Group(opaque(16), ctx.account_id, name)
    ctx.state.groups[group.id] = group
    events.group_event(ctx.state, "group.created", group.id, ctx.account_id, group.name, operator(ctx))
    return json_response(row(ctx, group), 201)


def delete_group(ctx: Ctx, group_id: str) -> Response:
    paid_only(ctx)
    group = find(ctx, group_id)
    for user_id in ctx.state.group_members.pop(group.id, []):
        user = ctx.state.users.get(user_id)
        if user is not None and group.id in user.group_ids:
            user.group_ids.remove(group.id)
    del ctx.state.groups[group.id]
    events.group_event(ctx.state, "group.deleted", group.id, ctx.account_id, group.name, operator(ctx))
    return no_content()
