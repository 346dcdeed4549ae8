"""The webhooks of a meeting's run, in Zoom's payload shapes.

Reference: https://developers.zoom.us/docs/api/meetings/events/ (meeting.started, meeting.ended,
meeting.participant_joined, meeting.participant_left, meeting.participant_put_in_waiting_room,
meeting.participant_admitted). meeting.started as Zoom sent it in 2024 (object.id is a string):
{"event":"meeting.started","payload":{"account_id":"…","object":{"duration":60,"start_time":
"2024-07-11T14:12:55Z","timezone":"America/New_York","topic":"…","id":"85393847045","type":2,
"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA"}},"event_ts":1720707175904}
"""

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..webhooks.events import recipients
from .models import Run

if TYPE_CHECKING:
    from ..state import State


@dataclass
class Sender:
    """Sends a run's webhooks; a script may drop a share of them (lost deliveries, for tests)."""

    drop_share: float = 0.0
    seed: int | None = None
    dropped: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def emit(self, state: "State", run: Run, event: str, payload: dict[str, Any], at: float) -> None:
        apps = recipients(state, event, run.account_id, run.host_id)
        if not apps:
            return
        body = {"event": event, "payload": payload, "event_ts": int(at * 1000)}
        if self.drop_share and self.rng.random() < self.drop_share:
            self.dropped.append(body)
            return
        self.sent += 1
        for app in apps:
            state.webhooks.enqueue(app, event, body)


def meeting_object(run: Run) -> dict[str, Any]:
    return {
        "duration": run.duration,
        "start_time": iso(run.started_at),
        "timezone": run.timezone,
        "topic": run.topic,
        "id": str(run.meeting_id),
        "type": run.type,
        "uuid": run.id,
        "host_id": run.host_id,
    }


def started(state: "State", sender: Sender, run: Run) -> None:
    payload = {"account_id": run.account_id, "object": meeting_object(run)}
    sender.emit(state, run, "meeting.started", payload, run.started_at)


def ended(state: "State", sender: Sender, run: Run) -> None:
    assert run.ended_at is not None
    obj = {**meeting_object(run), "end_time": iso(run.ended_at)}
    sender.emit(state, run, "meeting.ended", {"account_id": run.account_id, "object": obj}, run.ended_at)


def participant(state: "State", sender: Sender, run: Run, event: str, row: dict[str, Any], at: float) -> None:
    """meeting.participant_joined / _left / _put_in_waiting_room / _admitted."""
    person: dict[str, Any] = {
        "user_id": row["user_id"],
        "user_name": row["name"],
        "id": row["id"],
        "participant_uuid": row["participant_uuid"],
        "email": row["email"],
        "registrant_id": row["registrant_id"],
        "participant_user_id": row["participant_uuid"],
        "customer_key": "",
        "phone_number": "",
    }
    if event == "meeting.participant_joined":
        person["join_time"] = iso(at)
    elif event == "meeting.participant_left":
        person["leave_time"] = iso(at)
        person["leave_reason"] = row["leave_reason"]
    else:
        person["date_time"] = iso(at)
    obj = {**meeting_object(run), "participant": person}
    sender.emit(state, run, event, {"account_id": run.account_id, "object": obj}, at)
