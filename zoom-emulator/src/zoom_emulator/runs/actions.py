"""Running a meeting: start, join, admit, leave, end. Shared by the pages a person clicks and the
control plane's scripts. Call with the state lock held; ``at`` is the emulator time of the step."""

import hashlib
from typing import TYPE_CHECKING, Any

from ..http import ZoomError
from ..ids import meeting_uuid
from ..meetings.models import Meeting
from . import events
from .events import Sender
from .models import IN_MEETING, LEFT, WAITING_FOR_HOST, WAITING_ROOM, Run, segment

if TYPE_CHECKING:
    from ..state import State

HOST_ENDED = "left the meeting. Reason: Host ended the meeting."
LEFT_ON_OWN = "left the meeting. Reason: left the meeting."


def live_run(state: "State", meeting: Meeting) -> Run | None:
    for run in state.runs.values():
        if run.meeting_id == meeting.id and run.ended_at is None:
            return run
    return None


def runs_of(state: "State", meeting_id: int) -> list[Run]:
    return sorted((r for r in state.runs.values() if r.meeting_id == meeting_id), key=lambda r: r.started_at)


def start(state: "State", meeting: Meeting, at: float, sender: Sender, host_joins: bool = True) -> Run:
    """The host starts the meeting (and is in it). Starting a running meeting changes nothing.
    ``host_joins=False``: a participant started it (join before host), the host is not there."""
    run = live_run(state, meeting)
    if run is not None:
        return run
    # The first instance keeps the UUID the meeting was created with; each restart gets a new one.
    used = any(r.meeting_id == meeting.id for r in state.runs.values())
    run = Run(
        id=meeting_uuid() if used else meeting.uuid,
        meeting_id=meeting.id,
        account_id=meeting.account_id,
        host_id=meeting.host_id,
        topic=meeting.topic,
        type=meeting.type,
        timezone=meeting.timezone,
        duration=meeting.duration,
        started_at=at,
    )
    state.runs[run.id] = run
    meeting.status = "started"
    events.started(state, sender, run)
    host = state.users.get(meeting.host_id)
    if host is not None and host_joins:
        enter(state, run, sender, host.name, host.email, at, zoom_user_id=host.id)
    for row in state.waiting_for_host.pop(meeting.id, []):
        enter(
            state,
            run,
            sender,
            row["name"],
            row["email"],
            at,
            registrant_id=row["registrant_id"],
            key=row["key"],
        )
    return run


def person_key(meeting: Meeting, name: str, email: str, zoom_user_id: str, registrant_id: str) -> str:
    """A participant's UUID, the same each time the same person (by account, registration, email or
    name) joins this meeting."""
    who = zoom_user_id or registrant_id or email.lower() or name
    digest = hashlib.sha256(f"{meeting.id}:{who}".encode()).hexdigest()
    return (
        digest[:8].upper()
        + "-"
        + digest[8:12].upper()
        + "-"
        + digest[12:16].upper()
        + "-"
        + digest[16:28].upper()
    )


def join(
    state: "State",
    meeting: Meeting,
    sender: Sender,
    name: str,
    email: str,
    at: float,
    *,
    registrant_id: str = "",
    zoom_user_id: str = "",
) -> dict[str, Any]:
    """A person joins: into the meeting, its waiting room, or (not started) to wait for the host."""
    name = name.strip()
    if not name:
        raise ZoomError(400, 300, "Please enter your name.")
    key = person_key(meeting, name, email, zoom_user_id, registrant_id)
    run = live_run(state, meeting)
    if run is None:
        row = {
            "key": key,
            "name": name,
            "email": email,
            "registrant_id": registrant_id,
            "status": WAITING_FOR_HOST,
        }
        state.waiting_for_host.setdefault(meeting.id, []).append(row)
        return row
    return enter(
        state, run, sender, name, email, at, registrant_id=registrant_id, zoom_user_id=zoom_user_id, key=key
    )


def enter(
    state: "State",
    run: Run,
    sender: Sender,
    name: str,
    email: str,
    at: float,
    *,
    registrant_id: str = "",
    zoom_user_id: str = "",
    key: str = "",
) -> dict[str, Any]:
    meeting = state.meetings[run.meeting_id]
    key = key or person_key(meeting, name, email, zoom_user_id, registrant_id)
    host = zoom_user_id == run.host_id
    room = bool(meeting.settings.get("waiting_room")) and not host
    row = segment(
        run,
        participant_uuid=key,
        name=name,
        email=email,
        zoom_user_id=zoom_user_id,
        registrant_id=registrant_id,
        status=WAITING_ROOM if room else IN_MEETING,
        at=at,
    )
    if room:
        events.participant(state, sender, run, "meeting.participant_put_in_waiting_room", row, at)
    else:
        events.participant(state, sender, run, "meeting.participant_joined", row, at)
    return row


def find_row(run: Run, key: str) -> dict[str, Any] | None:
    """The participant's current segment (by participant UUID or per-join user id)."""
    for row in reversed(run.participants):
        if key in (row["participant_uuid"], row["user_id"]) and row["status"] in (IN_MEETING, WAITING_ROOM):
            return row
    return None


def admit(state: "State", run: Run, sender: Sender, key: str, at: float) -> dict[str, Any]:
    row = find_row(run, key)
    if row is None or row["status"] != WAITING_ROOM:
        raise ZoomError(404, 3001, "No such participant in the waiting room.")
    row["status"] = IN_MEETING
    row["join_time"] = at
    events.participant(state, sender, run, "meeting.participant_admitted", row, at)
    events.participant(state, sender, run, "meeting.participant_joined", row, at)
    return row


def leave(
    state: "State", run: Run, sender: Sender, key: str, at: float, reason: str = LEFT_ON_OWN
) -> dict[str, Any]:
    row = find_row(run, key)
    if row is None:
        raise ZoomError(404, 3001, "No such participant in the meeting.")
    was_in = row["status"] == IN_MEETING
    row["status"] = LEFT
    row["leave_reason"] = reason
    if was_in:
        row["leave_time"] = at
        events.participant(state, sender, run, "meeting.participant_left", row, at)
    else:
        # Left the waiting room without being admitted: never in the meeting, not in the report.
        run.participants.remove(row)
    return row


def end(state: "State", meeting: Meeting, sender: Sender, at: float) -> Run:
    """The host ends the meeting: everyone still in it leaves, then meeting.ended."""
    run = live_run(state, meeting)
    if run is None:
        raise ZoomError(400, 3000, f"Meeting {meeting.id} is not started.")
    for row in list(run.participants):
        if row["status"] in (IN_MEETING, WAITING_ROOM):
            leave(state, run, sender, str(row["user_id"]), at, HOST_ENDED)
    run.ended_at = at
    meeting.status = "waiting"
    events.ended(state, sender, run)
    return run
