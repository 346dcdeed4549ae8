"""/v2/users/{userId}/meetings and /v2/meetings/{meetingId}."""

from werkzeug.wrappers import Response

from .. import auth
from ..context import Ctx
from ..http import ZoomError, is_digits, json_response, no_content, validation_failed
from ..ids import opaque
from ..openapi import check
from ..paging import page_size, paginate
from ..users.models import User
from ..users.responses import operator
from ..webhooks import events
from . import actions, validate
from .models import Meeting, listed, render


def create_meeting(ctx: Ctx, user_id: str) -> Response:
    caller = auth.resolve_user(ctx, user_id)
    body = check.body(ctx)
    host, assistant = caller, None
    schedule_for = body.get("schedule_for")
    if schedule_for:
        if body.get("type") == 1:
            raise ZoomError(
                400,
                3000,
                "Instant meetings do not support the schedule_for parameter, and can't be scheduled for another user.",
            )
        found = (
            ctx.state.user_by_email(schedule_for)
            if "@" in schedule_for
            else ctx.state.users.get(schedule_for)
        )
        if found is None or found.account_id != caller.account_id:
            raise ZoomError(404, 1001, f"User does not exist: {schedule_for}.")
        if found.id != caller.id:
            host, assistant = found, caller
    ensure_can_host(host)
    fields = validate.fields(body, host.timezone, ctx.now)
    ctx.state.ratelimits.charge_meeting(host.id, ctx.route.category, ctx.now)
    meeting = actions.create(ctx.state, host, fields, assistant)
    events.meeting_created(ctx.state, meeting, operator(ctx), ctx.base_url)
    return json_response(render(meeting, host.email, ctx.base_url, opaque(40)), 201)


def ensure_can_host(user: User) -> None:
    if user.status != "active":
        raise ZoomError(400, 3000, f"User {user.email} is {user.status} and cannot host meetings.")


def check_access(ctx: Ctx, meeting: Meeting) -> None:
    assert ctx.token is not None
    if meeting.account_id != ctx.account_id:
        raise ZoomError(404, 3001, f"Meeting {meeting.id} is not found or has expired.")
    uid = ctx.token.user_id
    own = uid in (meeting.host_id, meeting.assistant_id) if uid else False
    auth.require(ctx, ctx.route.scopes, on_self=own)


def get_meeting(ctx: Ctx, meeting_id: str) -> Response:
    meeting = actions.find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    host = ctx.state.users.get(meeting.host_id)
    return json_response(render(meeting, host.email if host else "", ctx.base_url, opaque(40)))


def update_meeting(ctx: Ctx, meeting_id: str) -> Response:
    meeting = actions.find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    body = check.body(ctx)
    host = ctx.state.users[meeting.host_id]
    fields = validate.fields(body, meeting.timezone, ctx.now)
    ctx.state.ratelimits.charge_meeting(host.id, ctx.route.category, ctx.now)
    actions.update(ctx.state, meeting, fields, operator(ctx))
    return no_content()


def delete_meeting(ctx: Ctx, meeting_id: str) -> Response:
    meeting = actions.find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    actions.delete(ctx.state, meeting, operator(ctx))
    return no_content()


def meeting_status(ctx: Ctx, meeting_id: str) -> Response:
    action = check.body(ctx).get("action")
    if action not in ("end", "recover"):
        raise validation_failed("action")
    meeting = ctx.state.meetings.get(int(meeting_id)) if is_digits(meeting_id) else None
    if meeting is None or (meeting.deleted_at is not None and action != "recover"):
        raise ZoomError(404, 3001, f"Meeting {meeting_id} is not found or has expired.")
    check_access(ctx, meeting)
    if action == "recover":
        meeting.deleted_at = None
    else:
        meeting.status = "waiting"
    return no_content()


def list_meetings(ctx: Ctx, user_id: str) -> Response:
    user = auth.resolve_user(ctx, user_id)
    kind = ctx.request.args.get("type", "scheduled")
    meetings = [
        m
        for m in ctx.state.meetings.values()
        if m.host_id == user.id and m.deleted_at is None and m.type != 1
    ]
    if kind in ("upcoming", "upcoming_meetings"):
        meetings = [m for m in meetings if m.start_time + m.duration * 60 >= ctx.now]
    elif kind == "previous_meetings":
        meetings = [m for m in meetings if m.start_time + m.duration * 60 < ctx.now]
    elif kind == "live":
        meetings = [m for m in meetings if m.status == "started"]
    elif kind != "scheduled":
        raise ZoomError(400, 300, "Invalid parameter: type.")
    meetings.sort(key=lambda m: (m.start_time, m.id))
    chunk, paging = paginate(ctx, f"meetings:{user.id}:{kind}", meetings, page_size(ctx))
    return json_response({**paging, "meetings": [listed(m, ctx.base_url) for m in chunk]})
