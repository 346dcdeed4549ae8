"""/v2/meetings/{meetingId}/registrants, …/batch_registrants, …/registrants/status and
…/registrants/{registrantId}."""

from werkzeug.wrappers import Response

from ..clock import iso
from ..context import Ctx
from ..http import ZoomError, json_response, no_content, validation_failed
from ..meetings.actions import find
from ..meetings.responses import check_access
from ..openapi import check
from ..paging import page_size, paginate
from . import actions
from .models import LISTED, join_url, listed

BATCH_LIMIT = 30  # Zoom: "Register up to 30 registrants at once"; status updates take 30 too.


def add_registrant(ctx: Ctx, meeting_id: str) -> Response:
    body = check.body(ctx)  # read as Zoom reads it, before anything else
    meeting = find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    actions.ensure_registration(ctx.state, meeting)
    email, first, last = actions.person(body)
    approve = meeting.settings.get("approval_type") == 0 or body.get("auto_approve") is True
    registrant = actions.register(ctx.state, meeting, email, first, last, approve)
    # {"id": 85746065, "join_url": "…", "registrant_id": "…", "start_time": "…", "topic": "…"}
    answer = {
        "id": meeting.id,
        "registrant_id": registrant.id,
        "start_time": iso(meeting.start_time),
        "topic": meeting.topic,
    }
    if registrant.status == "approved":
        # Zoom leaves join_url out while a registrant waits for manual approval.
        answer["join_url"] = join_url(registrant, ctx.base_url)
    return json_response(answer, 201)


def batch_registrants(ctx: Ctx, meeting_id: str) -> Response:
    body = check.body(ctx)  # read as Zoom reads it, before anything else
    meeting = find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    actions.ensure_registration(ctx.state, meeting)
    if meeting.type != 2:
        raise ZoomError(
            400,
            303,
            "This API can only be used for scheduled meeting(meeting type: 2). "
            "Batch registration is not supported for other meeting types.",
        )
    items = body.get("registrants")
    if not isinstance(items, list) or not items or len(items) > BATCH_LIMIT:
        raise validation_failed("registrants", f"Between 1 and {BATCH_LIMIT} registrants.")
    people = [actions.person(item, "registrants") for item in items]
    auto = body.get("auto_approve") is True and meeting.settings.get("approval_type") == 1
    approve = meeting.settings.get("approval_type") == 0 or auto
    made = [actions.register(ctx.state, meeting, *who, approve) for who in people]
    rows = []
    for registrant in made:
        row = {"registrant_id": registrant.id, "email": registrant.email}
        if registrant.status == "approved":
            row["join_url"] = join_url(registrant, ctx.base_url)
        rows.append(row)
    return json_response({"registrants": rows})


def list_registrants(ctx: Ctx, meeting_id: str) -> Response:
    meeting = find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    actions.ensure_registration(ctx.state, meeting, code=300)
    status = ctx.request.args.get("status", "approved")
    if status not in LISTED:
        raise ZoomError(400, 300, "Invalid parameter: status.")
    rows = [r for r in actions.of_meeting(ctx.state, meeting) if r.status == status]
    rows.sort(key=lambda r: r.created_at)  # stable: registered in the same instant, listed as registered
    chunk, paging = paginate(ctx, f"registrants:{meeting.id}:{status}", rows, page_size(ctx))
    return json_response({**paging, "registrants": [listed(r, ctx.base_url) for r in chunk]})


def update_status(ctx: Ctx, meeting_id: str) -> Response:
    body = check.body(ctx)  # read as Zoom reads it, before anything else
    meeting = find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    action = body.get("action")
    if action not in ("approve", "cancel", "deny"):
        raise validation_failed("action")
    actions.ensure_registration(ctx.state, meeting, code=300)
    items = body.get("registrants")
    if not isinstance(items, list) or not items or len(items) > BATCH_LIMIT:
        raise validation_failed("registrants", f"Between 1 and {BATCH_LIMIT} registrants.")
    targets = []
    for item in items:
        wanted = item.get("id") if isinstance(item, dict) else None
        email = item.get("email") if isinstance(item, dict) else None
        found = next(
            (
                r
                for r in actions.of_meeting(ctx.state, meeting)
                if (wanted and r.id == wanted)
                or (not wanted and email and r.email.lower() == str(email).lower())
            ),
            None,
        )
        if found is None:
            raise ZoomError(404, 3000, f"Registrant {wanted or email} was not found.")
        targets.append(found)
    actions.set_status(ctx.state, meeting, action, targets)
    return no_content()


def delete_registrant(ctx: Ctx, meeting_id: str, registrant_id: str) -> Response:
    meeting = find(ctx.state, meeting_id)
    check_access(ctx, meeting)
    actions.ensure_registration(ctx.state, meeting)
    registrant = ctx.state.registrants.get(registrant_id)
    if registrant is None or registrant.meeting_id != meeting.id:
        raise ZoomError(400, 3000, f"Registrant {registrant_id} was not found.")
    del ctx.state.registrants[registrant_id]
    return no_content()
