"""/v2/groups: list, members, add, remove."""

from werkzeug.wrappers import Response

from .. import auth
from ..clock import iso
from ..context import Ctx
from ..http import ZoomError, json_response, no_content
from ..members import member_row, members_of_body
from ..openapi import check
from ..paging import page_size, paginate
from ..users.models import User
from ..webhooks import events
from .models import Group


def paid_only(ctx: Ctx) -> None:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    if ctx.state.accounts[ctx.account_id].plan == "free":
        raise ZoomError(400, 200, "Only available for paid accounts.")


def find(ctx: Ctx, group_id: str) -> Group:
    group = ctx.state.groups.get(group_id)
    if group is None or group.account_id != ctx.account_id:
        raise ZoomError(404, 4130, f"Group does not exist: {group_id}.")
    return group


def list_groups(ctx: Ctx) -> Response:
    paid_only(ctx)
    groups = [g for g in ctx.state.groups.values() if g.account_id == ctx.account_id]
    rows = [
        {"id": g.id, "name": g.name, "total_members": len(ctx.state.group_members.get(g.id, []))}
        for g in groups
    ]
    return json_response({"total_records": len(rows), "groups": rows, "next_page_token": ""})


def list_members(ctx: Ctx, group_id: str) -> Response:
    paid_only(ctx)
    group = find(ctx, group_id)
    users = [
        ctx.state.users[uid] for uid in ctx.state.group_members.get(group.id, []) if uid in ctx.state.users
    ]
    chunk, paging = paginate(ctx, f"group:{group.id}", users, page_size(ctx))
    return json_response({**paging, "members": [member_row(u) for u in chunk]})


def add_members(ctx: Ctx, group_id: str) -> Response:
    paid_only(ctx)
    group = find(ctx, group_id)
    users = members_of_body(ctx.state, ctx.account_id, check.body(ctx))
    # A pending user is not yet a member of the account: Zoom answers 201 but leaves them out of
    # `ids` and of the group (identity tools report such group changes as silently lost).
    users = [u for u in users if u.status != "pending"]
    members = ctx.state.group_members.setdefault(group.id, [])
    added = []
    for user in users:
        if user.id not in members:
            members.append(user.id)
            user.group_ids.append(group.id)
            added.append(user)
    events.group_members(ctx.state, "group.member_added", group.id, ctx.account_id, added, operator(ctx))
    return json_response({"ids": ",".join(u.id for u in users), "added_at": iso(ctx.now)}, 201)


def remove_member(ctx: Ctx, group_id: str, member_id: str) -> Response:
    paid_only(ctx)
    group = find(ctx, group_id)
    members = ctx.state.group_members.get(group.id, [])
    if member_id not in members:
        raise ZoomError(404, 1001, f"User does not exist: {member_id}.")
    members.remove(member_id)
    user = ctx.state.users.get(member_id)
    if user is not None and group.id in user.group_ids:
        user.group_ids.remove(group.id)
    if user is not None:
        events.group_members(
            ctx.state, "group.member_deleted", group.id, ctx.account_id, [user], operator(ctx)
        )
    return no_content()


def operator(ctx: Ctx) -> User | None:
    assert ctx.token is not None
    if ctx.token.user_id:
        return ctx.state.users.get(ctx.token.user_id)
    return ctx.state.owner_of(ctx.account_id)
