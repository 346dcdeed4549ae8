"""What the session card and the calendar show of a session's attendance."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from sessiondesk.attendance.models import Attendee, Kind, Outcome, SessionAttendance, Source
from sessiondesk.scheduling.models import Session

# The card refreshes itself from a little before the start until a while after the end.
LIVE_BEFORE = dt.timedelta(minutes=15)
LIVE_AFTER = dt.timedelta(hours=2)
POLL_SECONDS = 10


@dataclass
class Line:
    key: str
    kind: str
    name: str
    attendee: Attendee | None

    @property
    def state(self) -> str:
        a = self.attendee
        if a is None or not a.present:
            return "absent"
        return "in_meeting" if a.in_meeting else "left"


def lines(session: Session, attendees: list[Attendee]) -> list[Line]:
    """The consultant, each client, then anyone else who came (guests)."""
    by_key = {a.person_key: a for a in attendees}
    found = [Line(f"member:{session.consultant_id}", Kind.HOST, session.consultant.name, None)]
    found += [Line(f"client:{c.pk}", Kind.CLIENT, c.name, None) for c in session.clients.all()]
    for line in found:
        line.attendee = by_key.pop(line.key, None)
    found += [Line(a.person_key, a.kind, a.name, a) for a in sorted(by_key.values(), key=lambda a: a.name)]
    return found


def card(session: Session, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    row = SessionAttendance.objects.filter(session=session).first()
    attendees = list(Attendee.objects.filter(session=session)) if row else []
    outcome = row.outcome if row else Outcome.PENDING
    live = session.start - LIVE_BEFORE <= now <= session.end + LIVE_AFTER or outcome == Outcome.IN_PROGRESS
    return {
        "row": row,
        "outcome": outcome,
        "outcome_label": Outcome(outcome).label,
        "lines": lines(session, attendees),
        "poll_seconds": POLL_SECONDS if live and not session.is_cancelled else 0,
        "from_report": bool(row) and any(a.source == Source.REPORT for a in attendees),
        "outcomes": [o for o in Outcome if o != Outcome.PENDING],
    }


def calendar_fields(session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """extendedProps for calendar blocks: the outcome and who is in the meeting now."""
    rows = dict(
        SessionAttendance.objects.filter(session_id__in=session_ids).values_list("session_id", "outcome")
    )
    inside: dict[int, int] = {}
    for session_id in Attendee.objects.filter(session_id__in=list(rows), in_meeting=True).values_list(
        "session_id", flat=True
    ):
        inside[session_id] = inside.get(session_id, 0) + 1
    return {
        sid: {
            "attendance": outcome,
            "attendanceLabel": Outcome(outcome).label,
            "inMeeting": inside.get(sid, 0),
        }
        for sid, outcome in rows.items()
    }


def for_client(client_id: int, session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For a client's page: each session's outcome and what the client did there, read in two queries."""
    outcomes = dict(
        SessionAttendance.objects.filter(session_id__in=session_ids).values_list("session_id", "outcome")
    )
    mine = {
        a["session_id"]: a
        for a in Attendee.objects.filter(session_id__in=list(outcomes), client_id=client_id).values(
            "session_id", "seconds_present", "late_seconds", "in_meeting"
        )
    }
    found = {}
    for session_id, outcome in outcomes.items():
        own = mine.get(session_id)
        came = bool(own and (own["seconds_present"] or own["in_meeting"]))
        found[session_id] = {
            "outcome": outcome,
            "label": Outcome(outcome).label,
            "came": came,
            "minutes": round(own["seconds_present"] / 60) if own else 0,
            "late_minutes": round(own["late_seconds"] / 60) if own else 0,
        }
    return found
