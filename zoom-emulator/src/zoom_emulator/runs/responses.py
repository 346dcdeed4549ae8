"""Past meetings and the participant report, answered from what happened in the emulator.

Zoom's rules kept here: a meeting instance is named by its UUID, and a UUID that begins with "/" or
contains "//" must be double URL-encoded in the path (a single encoding reaches Zoom as a different
path and finds nothing); a numeric meeting ID names the latest ended instance. Past-meeting
participants and reports need a paid plan (Pro or higher); the report needs ``report:read:admin``
(granular ``report:read:list_meeting_participants:admin``) and is available only a while after the
meeting ends (``Settings.report_delay_seconds``).
Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/past_meetings/{meetingUUID}
Reference: https://developers.zoom.us/docs/api/accounts/#tag/reports/GET/report/meetings/{meetingId}/participants
"""

from urllib.parse import unquote

from werkzeug.wrappers import Response

from .. import auth
from ..clock import iso
from ..context import Ctx
from ..http import ZoomError, is_digits, json_response
from ..paging import page_size, paginate
from ..routing import Scopes
from . import actions
from .models import Run, report_row, seconds_in

PAST = Scopes(
    user=("meeting:read", "meeting:read:past_meeting"),
    admin=("meeting:read:admin", "meeting:read:past_meeting:admin"),
)
PAST_PARTICIPANTS = Scopes(
    user=("meeting:read", "meeting:read:list_past_participants"),
    admin=("meeting:read:admin", "meeting:read:list_past_participants:admin"),
)
# Zoom offers the meeting participant report to admin scopes only.
REPORT = Scopes(admin=("report:read:admin", "report:read:list_meeting_participants:admin"))


def instance_name(raw: str) -> str:
    """The UUID or meeting ID a path segment names. The WSGI server decoded the path once; a
    double-encoded UUID still holds its %2F, decoded here. A UUID that reached us with a bare
    leading "/" or "//" was encoded only once: Zoom's router sees another path."""
    if raw.startswith("/") or "//" in raw:
        raise ZoomError(404, 3001, "This meeting is not available or ID is not valid.")
    return unquote(raw) if "%" in raw else raw


def ended_run(ctx: Ctx, raw: str) -> Run:
    name = instance_name(raw)
    state = ctx.state
    run: Run | None
    if is_digits(name):
        ended = [r for r in actions.runs_of(state, int(name)) if r.ended_at is not None]
        run = ended[-1] if ended else None
    else:
        run = state.runs.get(name)
    if run is None or run.ended_at is None or run.account_id != ctx.account_id:
        # {"code": 3001, "message": "Meeting ID is invalid or not end."}
        raise ZoomError(404, 3001, "Meeting ID is invalid or not end.")
    return run


def check_plan(ctx: Ctx) -> None:
    account = ctx.state.accounts.get(ctx.account_id)
    if account is not None and account.plan == "free":
        raise ZoomError(400, 200, f"Only available for paid account: {ctx.account_id}")


def own(ctx: Ctx, run: Run) -> bool:
    assert ctx.token is not None
    return bool(ctx.token.user_id) and ctx.token.user_id == run.host_id


def past_meeting(ctx: Ctx, rest: str) -> Response:
    run = ended_run(ctx, rest)
    auth.require(ctx, PAST, on_self=own(ctx, run))
    host = ctx.state.users.get(run.host_id)
    assert run.ended_at is not None
    attended = [row for row in run.participants if row["join_time"] is not None]
    return json_response(
        {
            "uuid": run.id,
            "id": run.meeting_id,
            "host_id": run.host_id,
            "type": run.type,
            "topic": run.topic,
            "user_name": host.name if host else "",
            "user_email": host.email if host else "",
            "start_time": iso(run.started_at),
            "end_time": iso(run.ended_at),
            "duration": max(1, round((run.ended_at - run.started_at) / 60)),
            "total_minutes": sum(seconds_in(row) for row in attended) // 60,
            "participants_count": len({row["participant_uuid"] for row in attended}),
            "source": "Zoom",
        }
    )


def past_participants(ctx: Ctx, rest: str) -> Response:
    run = ended_run(ctx, rest)
    auth.require(ctx, PAST_PARTICIPANTS, on_self=own(ctx, run))
    check_plan(ctx)
    people: dict[str, dict[str, object]] = {}
    for row in run.participants:
        if row["join_time"] is not None:
            people.setdefault(
                row["participant_uuid"],
                {
                    "id": row["id"],
                    "name": row["name"],
                    "user_email": row["email"],
                    "registrant_id": row["registrant_id"],
                },
            )
    rows, paging = paginate(ctx, f"past:{run.id}", list(people.values()), page_size(ctx))
    return json_response({**paging, "participants": rows})


def report_participants(ctx: Ctx, rest: str) -> Response:
    run = ended_run(ctx, rest)
    auth.require(ctx, REPORT, on_self=False)
    check_plan(ctx)
    assert run.ended_at is not None
    if ctx.now < run.ended_at + ctx.state.settings.report_delay_seconds:
        # Report data is not there yet right after the meeting ends.
        raise ZoomError(404, 3001, f"Meeting {run.meeting_id} not found or has expired.")
    with_registrant = ctx.request.args.get("include_fields", "") == "registrant_id"
    rows = [report_row(row, with_registrant) for row in run.participants if row["join_time"] is not None]
    chunk, paging = paginate(ctx, f"report:{run.id}", rows, page_size(ctx))
    return json_response({**paging, "participants": chunk})
