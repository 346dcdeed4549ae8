"""The pages a meeting's people click: the host's start link starts the meeting and shows the host
its participants (admit from the waiting room, end the meeting); the join link asks for a name
(filled in for a registrant's personal link) and joins; a joined person can leave."""

from html import escape
from typing import Any

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..context import Ctx
from ..http import ZoomError, is_digits
from ..meetings.models import Meeting
from ..pages.html import error_page, hidden, page
from ..registrants import actions as registrants
from . import actions
from .events import Sender
from .models import IN_MEETING, WAITING_ROOM


def meeting_of(ctx: Ctx, meeting_id: str) -> Meeting | None:
    meeting = ctx.state.meetings.get(int(meeting_id)) if is_digits(meeting_id) else None
    return None if meeting is None or meeting.deleted_at is not None else meeting


def missing(meeting_id: str) -> Response:
    return error_page("Meeting not found", f"Meeting {meeting_id} is not found or has expired.", 404)


def registrant(ctx: Ctx, meeting: Meeting, token: str) -> dict[str, str] | None:
    """The approved registrant a personal join link's ``tk`` names: {"id", "name", "email"}, or None."""
    found = registrants.by_token(ctx.state, meeting, token)
    if found is None or found.status != "approved":
        return None
    name = f"{found.first_name} {found.last_name}".strip()
    return {"id": found.id, "name": name, "email": found.email}


def start_form(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    if actions.live_run(ctx.state, meeting) is not None:
        return redirect(f"/web/meetings/{meeting.id}/live", 303)
    body = (
        f"<p>Host: start <b>{escape(meeting.topic)}</b> ({meeting.id}).</p>"
        f'<form method=post action="/s/{meeting.id}">{hidden(dict(ctx.request.args.items()))}'
        "<button>Start meeting</button></form>"
    )
    return page(f"Start meeting {meeting.id}", body)


def start_submit(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    actions.start(ctx.state, meeting, ctx.now, Sender())
    ctx.state.dirty = True
    return redirect(f"/web/meetings/{meeting.id}/live", 303)


def live(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    run = actions.live_run(ctx.state, meeting)
    if run is None:
        return page(f"Meeting {meeting.id}", "<p>The meeting is not running.</p>")

    def line(row: dict[str, Any]) -> str:
        button = ""
        if row["status"] == WAITING_ROOM:
            button = (
                f'<form method=post action="/web/meetings/{meeting.id}/admit" style=display:inline>'
                f"{hidden({'p': row['user_id']})}<button>Admit</button></form>"
            )
        label = "in the meeting" if row["status"] == IN_MEETING else "in the waiting room"
        return f"<tr><td>{escape(row['name'])}</td><td>{label}</td><td>{button}</td></tr>"

    rows = "".join(line(r) for r in run.participants if r["status"] in (IN_MEETING, WAITING_ROOM))
    body = (
        f"<p>{escape(meeting.topic)} is running.</p><h2>Participants</h2><table>{rows}</table>"
        f'<form method=post action="/web/meetings/{meeting.id}/end"><button>End meeting</button></form>'
    )
    return page(f"Meeting {meeting.id}", body)


def admit(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    run = actions.live_run(ctx.state, meeting) if meeting else None
    if meeting is None or run is None:
        return missing(meeting_id)
    try:
        actions.admit(ctx.state, run, Sender(), ctx.request.form.get("p", ""), ctx.now)
    except ZoomError as exc:
        return error_page("Could not admit", exc.message, 404)
    ctx.state.dirty = True
    return redirect(f"/web/meetings/{meeting.id}/live", 303)


def end(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    try:
        actions.end(ctx.state, meeting, Sender(), ctx.now)
    except ZoomError as exc:
        return error_page("Could not end", exc.message)
    ctx.state.dirty = True
    return page(f"Meeting {meeting.id}", "<p>The meeting has ended.</p>")


def join_form(ctx: Ctx, meeting_id: str, error: str = "") -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    args = dict(ctx.request.args.items()) or dict(ctx.request.form.items())
    known = registrant(ctx, meeting, args.get("tk", ""))
    name = known["name"] if known else args.get("name", "")
    email = known["email"] if known else args.get("email", "")
    keep = {k: v for k, v in args.items() if k in ("pwd", "tk")}
    who = (
        f"<p>Joining as <b data-registrant='{escape(known['id'])}'>{escape(known['name'])}</b> "
        f"({escape(known['email'])}).</p>"
        if known
        else ""
    )
    body = (
        (f"<p class=error>{escape(error)}</p>" if error else "")
        + f"<p>Join <b>{escape(meeting.topic)}</b> ({meeting.id}).</p>"
        + who
        + f'<form method=post action="/j/{meeting.id}">{hidden(keep)}'
        f'<p><label>Your name <input name=name value="{escape(name)}" required></label></p>'
        f'<p><label>Email <input name=email type=email value="{escape(email)}"></label></p>'
        "<p><button>Join</button></p></form>"
    )
    return page(f"Join meeting {meeting.id}", body, 400 if error else 200)


def join_submit(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    form = ctx.request.form
    known = registrant(ctx, meeting, form.get("tk", ""))
    name = form.get("name", "").strip() or (known["name"] if known else "")
    email = form.get("email", "").strip() or (known["email"] if known else "")
    try:
        row = actions.join(
            ctx.state, meeting, Sender(), name, email, ctx.now, registrant_id=known["id"] if known else ""
        )
    except ZoomError as exc:
        return join_form(ctx, meeting_id, exc.message)
    ctx.state.dirty = True
    key = str(row.get("participant_uuid") or row.get("key"))
    return redirect(f"/j/{meeting.id}/in?p={key}", 303)


def joined(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    if meeting is None:
        return missing(meeting_id)
    key = ctx.request.args.get("p", "")
    run = actions.live_run(ctx.state, meeting)
    row = actions.find_row(run, key) if run else None
    if row is None:
        text = (
            "Waiting for the host to start this meeting." if run is None else "You are not in this meeting."
        )
        return page(f"Meeting {meeting.id}", f"<p>{text}</p>")
    where = "You are in the meeting" if row["status"] == IN_MEETING else "You are in the waiting room of"
    body = (
        f"<p>{where} <b>{escape(meeting.topic)}</b>.</p>"
        f'<form method=post action="/j/{meeting.id}/leave">{hidden({"p": key})}<button>Leave</button></form>'
    )
    return page(f"Meeting {meeting.id}", body)


def leave(ctx: Ctx, meeting_id: str) -> Response:
    meeting = meeting_of(ctx, meeting_id)
    run = actions.live_run(ctx.state, meeting) if meeting else None
    if meeting is None or run is None:
        return missing(meeting_id)
    try:
        actions.leave(ctx.state, run, Sender(), ctx.request.form.get("p", ""), ctx.now)
    except ZoomError as exc:
        return error_page("Could not leave", exc.message, 404)
    ctx.state.dirty = True
    return page(f"Meeting {meeting.id}", "<p>You left the meeting.</p>")
