"""Compare sessions with the meetings Zoom holds, one by one: what the chaos test and bench count.

Every chaos session's title starts with its tag (``S012 …``) and keeps it through renames, so a
meeting found in Zoom names its session by its topic even when nothing in SessionDesk points to it.
A meeting's agenda is compared without its trailing ``SessionDesk ref: …`` line: the create marker
stays in the agenda of a meeting created in one go (removing it would cost every create a second
call against Zoom's daily limit), and it is never part of the session.
"""

import re
from dataclasses import dataclass, field
from typing import Any

TAG = re.compile(r"^(S\d+) ")
MARKER = re.compile(r"(?:\n\n)?SessionDesk ref: [\w-]+$")


@dataclass
class Wanted:
    """What Zoom should hold for one live session."""

    tag: str
    meeting_id: str  # the link's external_id
    topic: str
    start: float  # epoch seconds, UTC
    duration: int
    agenda: str
    host_id: str


@dataclass
class Held:
    """One live meeting in Zoom."""

    id: str
    topic: str
    start: float
    duration: int
    agenda: str
    host_id: str


@dataclass
class Audit:
    sessions: int = 0
    meetings: int = 0
    missing: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "missing": len(self.missing),
            "duplicate": len(self.duplicate),
            "orphaned": len(self.orphaned),
            "stale": len(self.stale),
        }

    @property
    def clean(self) -> bool:
        return not (self.missing or self.duplicate or self.orphaned or self.stale)


def compare(wanted: list[Wanted], held: list[Held]) -> Audit:
    """missing: a live session without a meeting; duplicate: every meeting beyond one per session;
    orphaned: a meeting of no live session; stale: the one meeting differs from the session (or is
    not the one the session's link names)."""
    audit = Audit(sessions=len(wanted), meetings=len(held))
    by_tag: dict[str, list[Held]] = {}
    for meeting in held:
        match = TAG.match(meeting.topic)
        by_tag.setdefault(match.group(1) if match else "", []).append(meeting)
    live = {w.tag: w for w in wanted}
    for tag, meetings in by_tag.items():
        if tag not in live:
            audit.orphaned += [f"{m.id} ({m.topic!r})" for m in meetings]
    for tag, want in live.items():
        meetings = by_tag.get(tag, [])
        if not meetings:
            audit.missing.append(tag)
            continue
        audit.duplicate += [f"{tag}: {m.id}" for m in meetings[1:]]
        mine = next((m for m in meetings if m.id == want.meeting_id), meetings[0])
        differs = _differences(want, mine)
        if differs:
            audit.stale.append(f"{tag}: {mine.id} {differs}")
    return audit


def _differences(want: Wanted, held: Held) -> dict[str, Any]:
    pairs = {
        "id": (want.meeting_id, held.id),
        "topic": (want.topic, held.topic),
        "start": (want.start, held.start),
        "duration": (want.duration, held.duration),
        "agenda": (want.agenda, MARKER.sub("", held.agenda)),
        "host_id": (want.host_id, held.host_id),
    }
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}
