"""Control plane: script a meeting's run at given emulator times, and read back what happened.

POST /_emulator/meetings/{meetingId}/script
    {"steps": [{"at": "2026-12-01T15:00:00Z", "action": "start"},
               {"at": "…", "action": "join", "name": "Ann", "email": "ann@example.com",
                "registrant_id": ""},
               {"at": "…", "action": "leave", "email": "ann@example.com"},
               {"at": "…", "action": "end"}],
     "drop_share": 0.05, "seed": 7}
Steps run in order, each as if the clock read its ``at`` (default: now); their webhooks carry that
time. ``{"action": "start", "host_joins": false}`` starts it without the host (join before
host). ``admit`` and ``leave`` name the person as ``join`` did (registrant_id, email or name;
``"host": true`` for the host). ``drop_share`` loses that share of the script's webhooks (the
answer lists them), as deliveries Zoom never made.
GET /_emulator/meetings/{meetingId}/runs: every instance with each join's times.
"""

from typing import Any

from werkzeug.wrappers import Response

from ..clock import parse_iso
from ..context import Ctx
from ..http import ZoomError, json_response
from ..meetings import actions as meetings
from . import actions
from .events import Sender
from .models import public

ACTIONS = ("start", "join", "admit", "leave", "end")


def problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


def script(ctx: Ctx, meeting_id: int) -> Response:
    body = ctx.request.get_json(silent=True, force=True)
    if not isinstance(body, dict) or not isinstance(body.get("steps"), list):
        return problem('the body must be {"steps": [...]}')
    try:
        share = float(body.get("drop_share", 0))
        seed = body.get("seed")
        if not 0 <= share <= 1 or (seed is not None and not isinstance(seed, int)):
            raise ValueError
    except (TypeError, ValueError):
        return problem("drop_share must be a number from 0 to 1 and seed an integer")
    sender = Sender(drop_share=share, seed=seed)
    state = ctx.state
    with state.lock:
        try:
            meeting = meetings.find(state, str(meeting_id))
        except ZoomError as exc:
            return problem(exc.message, 404)
        for index, step in enumerate(body["steps"]):
            try:
                run_step(ctx, meeting, sender, step)
            except (ZoomError, ValueError, TypeError) as exc:
                message = exc.message if isinstance(exc, ZoomError) else str(exc)
                return json_response(
                    {"error": f"step {index + 1}: {message}", "done": index, "dropped": sender.dropped}, 400
                )
        state.dirty = True
    return json_response({"done": len(body["steps"]), "sent": sender.sent, "dropped": sender.dropped})


def run_step(ctx: Ctx, meeting: Any, sender: Sender, step: Any) -> None:
    if not isinstance(step, dict) or step.get("action") not in ACTIONS:
        raise ValueError(f"each step needs an action: one of {', '.join(ACTIONS)}")
    state = ctx.state
    at = parse_iso(str(step["at"])) if step.get("at") else ctx.now
    action = step["action"]
    if action == "start":
        actions.start(state, meeting, at, sender, host_joins=step.get("host_joins", True) is not False)
        return
    if action == "end":
        actions.end(state, meeting, sender, at)
        return
    host = state.users.get(meeting.host_id)
    name = str(step.get("name") or (host.name if step.get("host") and host else ""))
    email = str(step.get("email") or (host.email if step.get("host") and host else ""))
    registrant_id = str(step.get("registrant_id") or "")
    zoom_user_id = meeting.host_id if step.get("host") else str(step.get("zoom_user_id") or "")
    if action == "join":
        actions.join(
            state, meeting, sender, name, email, at, registrant_id=registrant_id, zoom_user_id=zoom_user_id
        )
        return
    run = actions.live_run(state, meeting)
    if run is None:
        raise ValueError("the meeting is not running")
    key = actions.person_key(meeting, name, email, zoom_user_id, registrant_id)
    if action == "admit":
        actions.admit(state, run, sender, key, at)
    else:
        actions.leave(state, run, sender, key, at)


def runs(ctx: Ctx, meeting_id: int) -> Response:
    with ctx.state.lock:
        found = [public(run) for run in actions.runs_of(ctx.state, meeting_id)]
    return json_response({"total": len(found), "runs": found})
