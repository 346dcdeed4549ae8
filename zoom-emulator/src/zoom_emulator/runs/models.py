"""A meeting's runs: each time a meeting is started is one instance with its own UUID, and each
join is one segment of a participant (Zoom's report lists one row per join)."""

from dataclasses import dataclass, field
from typing import Any

from ..clock import iso

# Where a participant is: waiting for the host to start, in the waiting room, in the meeting, or gone.
WAITING_FOR_HOST = "waiting_for_host"
WAITING_ROOM = "waiting_room"
IN_MEETING = "in_meeting"
LEFT = "left"


@dataclass
class Run:
    """One instance of a meeting. ``participants`` holds one dict per join (see ``segment``)."""

    id: str  # the instance's UUID
    meeting_id: int
    account_id: str
    host_id: str
    topic: str
    type: int
    timezone: str
    duration: int
    started_at: float
    ended_at: float | None = None
    participants: list[dict[str, Any]] = field(default_factory=list)
    next_user_id: int = 16778240


def segment(
    run: Run,
    *,
    participant_uuid: str,
    name: str,
    email: str,
    zoom_user_id: str,
    registrant_id: str,
    status: str,
    at: float,
) -> dict[str, Any]:
    """A join. ``user_id`` is Zoom's per-join participant number; ``participant_uuid`` stays the same
    when the same person rejoins."""
    row = {
        "user_id": str(run.next_user_id),
        "participant_uuid": participant_uuid,
        "id": zoom_user_id,
        "name": name,
        "email": email,
        "registrant_id": registrant_id,
        "status": status,
        "join_time": at if status == IN_MEETING else None,
        "leave_time": None,
        "leave_reason": "",
    }
    run.next_user_id += 1024
    run.participants.append(row)
    return row


def seconds_in(row: dict[str, Any]) -> int:
    if row["join_time"] is None or row["leave_time"] is None:
        return 0
    return int(row["leave_time"]) - int(row["join_time"])


def report_row(row: dict[str, Any], with_registrant: bool) -> dict[str, Any]:
    """A row of GET /report/meetings/{meetingId}/participants."""
    # {"id": "", "user_id": "16778240", "name": "Ann", "user_email": "ann@example.com",
    #  "join_time": "2026-12-01T15:02:10Z", "leave_time": "2026-12-01T15:40:00Z", "duration": 2270,
    #  "attentiveness_score": "", "failover": false, "status": "in_meeting", "customer_key": "",
    #  "participant_user_id": "…"}
    body: dict[str, Any] = {
        "id": row["id"],
        "user_id": row["user_id"],
        "name": row["name"],
        "user_email": row["email"],
        "join_time": iso(row["join_time"]),
        "leave_time": iso(row["leave_time"]),
        "duration": seconds_in(row),
        "attentiveness_score": "",
        "failover": False,
        "status": "in_meeting",
        "customer_key": "",
        "participant_user_id": row["participant_uuid"],
    }
    if with_registrant:
        body["registrant_id"] = row["registrant_id"]
    return body


def public(run: Run) -> dict[str, Any]:
    """What the control plane shows of a run (the truth a test or a benchmark compares with)."""
    return {
        "uuid": run.id,
        "meeting_id": run.meeting_id,
        "host_id": run.host_id,
        "start_time": iso(run.started_at),
        "end_time": iso(run.ended_at) if run.ended_at is not None else None,
        "participants": [
            {
                **row,
                "join_time": iso(row["join_time"]) if row["join_time"] is not None else None,
                "leave_time": iso(row["leave_time"]) if row["leave_time"] is not None else None,
                "duration": seconds_in(row),
            }
            for row in run.participants
        ],
    }
