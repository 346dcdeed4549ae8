"""/v2/users/summary and /v2/users/{userId}/permissions."""

from werkzeug.wrappers import Response

from .. import auth
from ..context import Ctx
from ..http import json_response
from ..roles.models import privileges

# users.type: 1 Basic, 2 Licensed, 3 On-prem, 4 No meetings license ("join only"), 99 None (Zoom Rooms
# are listed apart).
COUNTS = {
    1: "basic_users_count",
    2: "licensed_users_count",
    3: "on_prem_users_count",
    4: "join_only_users_count",
}


def summary(ctx: Ctx) -> Response:
    auth.require(ctx, ctx.route.scopes, on_self=False)
    body = dict.fromkeys(
        (
            "licensed_users_count",
            "basic_users_count",
            "on_prem_users_count",
            "room_users_count",
            "pending_users_count",
            "join_only_users_count",
        ),
        0,
    )
    for user in ctx.state.account_users(ctx.account_id):
        if user.status == "pending":
            body["pending_users_count"] += 1
        elif user.type in COUNTS:
            body[COUNTS[user.type]] += 1
    # Zoom: the total of licensed, basic, on-prem, join-only and room users (pending ones excluded).
    body["total_users_count"] = sum(v for k, v in body.items() if k != "pending_users_count")
    return json_response(body)


def permissions(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    role = ctx.state.roles.get(user.role_id)
    return json_response({"permissions": privileges(role) if role else []})
