"""Pages a person uses "inside Zoom": see a user's meetings, edit or delete one as its host
(firing the webhooks), remove an installed app (Marketplace "Installed Apps → Remove"),
and the join/start links that meetings carry."""

from html import escape
from typing import Any

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..clock import iso
from ..context import Ctx
from ..http import ZoomError, is_digits
from ..meetings import actions, validate
from ..oauth import grants
from ..openapi import V2_2021, Operation
from ..openapi.check import checked
from ..users.actions import accept
from .html import error_page, page


def index(ctx: Ctx) -> Response:
    rows = "".join(
        f'<tr><td><a href="/web/users/{escape(u.id)}">{escape(u.name)}</a></td><td>{escape(u.email)}</td>'
        f"<td>{escape(ctx.state.accounts[u.account_id].name or u.account_id)}</td><td>{escape(u.status)}</td></tr>"
        for u in sorted(ctx.state.users.values(), key=lambda u: (u.account_id, u.email))
    )
    return page("Sandbox Zoom users", f"<table><tr><th>User<th>Email<th>Account<th>Status</tr>{rows}</table>")


def user_home(ctx: Ctx, user_id: str) -> Response:
    user = ctx.state.users.get(user_id)
    if user is None:
        return error_page("Not found", "No such user.", 404)
    meetings = sorted(
        (m for m in ctx.state.meetings.values() if m.host_id == user.id and m.deleted_at is None),
        key=lambda m: m.start_time,
    )
    rows = "".join(
        f"<tr><td>{escape(m.topic)}</td><td>{m.id}</td><td>{iso(m.start_time)}</td><td>{m.duration} min</td>"
        f'<td><a href="/web/meetings/{m.id}/edit">Edit</a> '
        f'<form method=post action="/web/meetings/{m.id}/delete" style=display:inline>'
        f"<button class=secondary>Delete</button></form></td></tr>"
        for m in meetings
    )
    apps = "".join(
        f"<tr><td>{escape(ctx.state.apps[i.client_id].name or i.client_id)}</td>"
        f'<td><form method=post action="/web/users/{escape(user.id)}/apps/{escape(i.client_id)}/remove">'
        f"<button class=secondary>Remove</button></form></td></tr>"
        for i in ctx.state.installations.values()
        if i.user_id == user.id and i.client_id in ctx.state.apps
    )
    pending = (
        f'<form method=post action="/web/users/{escape(user.id)}/accept"><button>Accept invitation</button></form>'
        if user.status == "pending"
        else ""
    )
    body = (
        f"<p>{escape(user.email)} · {escape(user.status)}</p>{pending}<h2>Meetings</h2>"
        f"<table><tr><th>Topic<th>ID<th>Start (UTC)<th>Duration<th></tr>{rows}</table>"
        f"<h2>Installed apps</h2><table>{apps}</table>"
    )
    return page(user.name, body)


def edit_form(ctx: Ctx, meeting_id: str) -> Response:
    try:
        meeting = actions.find(ctx.state, meeting_id)
    except ZoomError as exc:
        return error_page("Not found", exc.message, 404)
    body = (
        f'<form method=post action="/web/meetings/{meeting.id}/edit">'
        f'<p><label>Topic <input name=topic value="{escape(meeting.topic)}"></label></p>'
        f'<p><label>Start (UTC) <input name=start_time value="{iso(meeting.start_time)}"></label></p>'
        f'<p><label>Duration (min) <input name=duration type=number value="{meeting.duration}"></label></p>'
        "<p><button>Save</button></p></form>"
    )
    return page(f"Edit meeting {meeting.id}", body)


MEETING_UPDATE = Operation(V2_2021, "/meetings/{meetingId}", "patch")


def edit_submit(ctx: Ctx, meeting_id: str) -> Response:
    try:
        meeting = actions.find(ctx.state, meeting_id)
        form = ctx.request.form
        raw: dict[str, Any] = {k: form[k] for k in ("topic", "start_time", "duration") if form.get(k)}
        if is_digits(raw.get("duration", "")):
            raw["duration"] = int(raw["duration"])
        # A form edit is read as the API's PATCH would read it.
        fields = validate.fields(checked(MEETING_UPDATE, raw), meeting.timezone, ctx.now)
        host = ctx.state.users[meeting.host_id]
        actions.update(ctx.state, meeting, fields, host)
    except ZoomError as exc:
        return error_page("Could not save", exc.message)
    ctx.state.dirty = True
    return redirect(f"/web/users/{meeting.host_id}", 303)


def delete_submit(ctx: Ctx, meeting_id: str) -> Response:
    try:
        meeting = actions.find(ctx.state, meeting_id)
    except ZoomError as exc:
        return error_page("Not found", exc.message, 404)
    actions.delete(ctx.state, meeting, ctx.state.users.get(meeting.host_id))
    ctx.state.dirty = True
    return redirect(f"/web/users/{meeting.host_id}", 303)


def remove_app(ctx: Ctx, user_id: str, client_id: str) -> Response:
    user = ctx.state.users.get(user_id)
    app = ctx.state.apps.get(client_id)
    if user is None or app is None:
        return error_page("Not found", "No such user or app.", 404)
    grants.deauthorize(ctx.state, app, user.account_id, user.id)
    ctx.state.dirty = True
    return redirect(f"/web/users/{user.id}", 303)


def accept_invitation(ctx: Ctx, user_id: str) -> Response:
    user = ctx.state.users.get(user_id)
    if user is None:
        return error_page("Not found", "No such user.", 404)
    accept(ctx.state, user)
    ctx.state.dirty = True
    return redirect(f"/web/users/{user.id}", 303)
