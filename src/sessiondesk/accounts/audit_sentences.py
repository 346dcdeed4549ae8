"""The audit log in words: one sentence per entry for the coordinator who reads it ("Carla Consultant
renamed the session “Algebra”."), and the recorded detail as readable lines to fold away.

``SENTENCES`` is one table, action by action; an integration adds the sentences of its own actions
with ``register`` from its ``AppConfig.ready`` (accounts names no integration). An action without a
sentence still reads as one, made from its name."""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sessiondesk.accounts.models import AuditEntry

# How ``Session.__str__`` writes a session: the title, then its start in UTC.
SESSION_REPR = re.compile(r"^(?P<title>.*) \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)$")
ACTORS = {"system": "SessionDesk", "public booking": "A client", "directory sync": "SessionDesk"}
# Actions whose detail values are [old, new] pairs.
CHANGES = {"member.profile_updated", "organization.updated"}


@dataclass
class Told:
    """What a sentence is made of."""

    who: str  # the actor's name, or who acted for nobody ("Zoom", "SessionDesk", "A client")
    thing: str  # the object's name as people know it: a session's title, a member's name
    detail: dict[str, Any]
    tz_name: str  # the reader's time zone
    own: bool  # the actor acted on themselves (their own profile, availability, Zoom account)

    def get(self, key: str) -> str:
        value = self.detail.get(key)
        return "" if value is None else str(value)

    def when(self, iso: str) -> str:
        try:
            moment = dt.datetime.fromisoformat(iso).astimezone(zoneinfo.ZoneInfo(self.tz_name))
        except ValueError:
            return iso
        return f"{moment:%a} {moment.day} {moment:%b %Y}, {moment:%H:%M}"


Sentence = Callable[[Told], str]


def register(table: dict[str, Sentence], areas: dict[str, str]) -> None:
    """Add an integration's sentences, and the names of its areas ("zoom": "Zoom") for the actions
    that have none."""
    SENTENCES.update(table)
    AREAS.update(areas)


def sentence(entry: AuditEntry, tz_name: str) -> str:
    told = Told(_who(entry), _thing(entry), entry.detail or {}, tz_name, _own(entry))
    write = SENTENCES.get(entry.action)
    return write(told) if write is not None else _generic(entry.action, told)


def detail_lines(entry: AuditEntry) -> list[tuple[str, str]]:
    """The recorded detail, key by key in words (in the keys' order: PostgreSQL keeps no other);
    empty values are left out."""
    lines = []
    for key, value in sorted((entry.detail or {}).items()):
        text = _value(value, pair=entry.action in CHANGES)
        if text:
            lines.append((_words(key).capitalize(), text))
    return lines


def action_label(action: str) -> str:
    """An action's name for the filter: "session.updated" reads "Sessions: updated"."""
    area, _, what = action.partition(".")
    return f"{_area(area)}: {_words(what)}" if what else _words(area).capitalize()


# Helpers ----------------------------------------------------------------------------------------------


def _who(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return entry.actor.name
    return ACTORS.get(entry.actor_label, entry.actor_label or "SessionDesk")


def _thing(entry: AuditEntry) -> str:
    if entry.object_type == "session":
        found = SESSION_REPR.match(entry.object_repr)
        return found["title"] if found else entry.object_repr
    return entry.object_repr


def _own(entry: AuditEntry) -> bool:
    return entry.object_type == "member" and entry.object_id == str(entry.actor_id)


def _value(value: Any, *, pair: bool = False) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        parts = [_value(v) or "(empty)" for v in value]
        return " → ".join(parts) if pair and len(parts) == 2 else ", ".join(parts)
    if isinstance(value, dict):
        return "; ".join(f"{_words(k)}: {_value(v)}" for k, v in sorted(value.items()) if _value(v))
    return str(value)


def _words(name: str) -> str:
    return "time zone" if name == "timezone" else name.replace("_", " ")


def _area(area: str) -> str:
    return AREAS.get(area) or _words(area).capitalize() + ("" if area.endswith("s") else "s")


def _generic(action: str, told: Told) -> str:
    """ "Adam Admin: role changed (Zoom directory) — Dana Doe." for an action without a sentence."""
    area, _, what = action.partition(".")
    done = f"{_words(what)} ({_area(area)})" if what else _words(area)
    return f"{told.who}: {done}" + (f" — {told.thing}" if told.thing else "") + "."


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _fields(told: Told) -> str:
    fields = told.detail.get("fields") or []
    return _and([_words(str(f)) for f in fields]) if isinstance(fields, list) else ""


def _a(role: str) -> str:
    role = _words(role)
    return ("an " if role[:1] in "aeiou" else "a ") + role


def _changed(kind: str, *, quoted: bool = True) -> Sentence:
    """ "changed the duration and price of the session type “Lesson”" (a form's changed fields)."""

    def write(told: Told) -> str:
        name = f"“{told.thing}”" if quoted else told.thing
        fields = _fields(told)
        if fields in ("name", "title"):
            return f"{told.who} renamed the {kind} {name}."
        if fields:
            return f"{told.who} changed the {fields} of the {kind} {name}."
        return f"{told.who} saved the {kind} {name} without changes."

    return write


def _settings_changed(whose: str) -> Sentence:
    """ "changed the organisation's name to “Acme” and time zone to Europe/Paris"."""

    def write(told: Told) -> str:
        parts = []
        for key, value in sorted(told.detail.items()):
            new = value[-1] if isinstance(value, list) and value else value
            parts.append(f"{_words(key)} to “{new}”" if key == "name" else f"{_words(key)} to {new}")
        return f"{told.who} changed {whose} {_and(parts)}."

    return write


def _session_updated(told: Told) -> str:
    fields = _fields(told)
    following = " and the following ones" if told.get("scope") == "following" else ""
    if fields == "title":
        return f"{told.who} renamed the session “{told.thing}”{following}."
    return f"{told.who} changed the {fields or 'details'} of the session “{told.thing}”{following}."


def _scheduled(told: Told) -> str:
    count = int(told.detail.get("occurrences") or 1)
    series = f", {count} sessions in a series" if count > 1 else ""
    if told.who == ACTORS["public booking"]:
        return f"A client booked the session “{told.thing}” on a public booking page{series}."
    return f"{told.who} scheduled the session “{told.thing}”{series}."


def _rescheduled(told: Told) -> str:
    start = told.get("start")
    return f"{told.who} moved the session “{told.thing}”" + (f" to {told.when(start)}." if start else ".")


def _deactivated(told: Told) -> str:
    flagged = int(told.detail.get("sessions_flagged") or 0)
    if not flagged:
        return f"{told.who} deactivated {told.thing}."
    sessions = "1 upcoming session needs" if flagged == 1 else f"{flagged} upcoming sessions need"
    return f"{told.who} deactivated {told.thing}; {sessions} another host."


def _availability(told: Told) -> str:
    whose = "their" if told.own else f"{told.thing}'s"
    return f"{told.who} changed {whose} weekly availability."


def _override(verb: str) -> Sentence:
    def write(told: Told) -> str:
        whose = "their" if told.own else f"{told.thing}'s"
        return f"{told.who} {verb} a date override to {whose} availability: {told.get('override')}."

    return write


AREAS = {"api_token": "API tokens", "organization": "Organisation"}

SENTENCES: dict[str, Sentence] = {
    "organization.created": lambda t: f"{t.who} created the organisation {t.thing}.",
    "organization.updated": _settings_changed("the organisation's"),
    "member.added": lambda t: f"{t.who} added {t.thing} as {_a(t.get('role'))}.",
    "member.profile_updated": _settings_changed("their"),
    "member.password_changed": lambda t: f"{t.who} changed their password.",
    "member.role_changed": lambda t: (
        f"{t.who} changed {t.thing}'s role from {_words(t.get('from'))} to {_words(t.get('to'))}."
    ),
    "member.deactivated": _deactivated,
    "member.reactivated": lambda t: f"{t.who} reactivated {t.thing}.",
    "invitation.created": lambda t: f"{t.who} invited {t.get('email')} to join as {_a(t.get('role'))}.",
    "invitation.revoked": lambda t: f"{t.who} withdrew the invitation to {t.get('email')}.",
    "invitation.accepted": lambda t: f"{t.who} accepted the invitation and joined as {_a(t.get('role'))}.",
    "api_token.created": lambda t: f"{t.who} created the API token “{t.get('name')}”.",
    "api_token.revoked": lambda t: f"{t.who} revoked the API token “{t.get('name')}”.",
    "availability.updated": _availability,
    "availability.override_added": _override("added"),
    "availability.override_removed": _override("removed"),
    "session.scheduled": _scheduled,
    "session.rescheduled": _rescheduled,
    "session.updated": _session_updated,
    "session.cancelled": lambda t: f"{t.who} cancelled the session “{t.thing}”.",
    "session_type.created": lambda t: f"{t.who} created the session type “{t.thing}”.",
    "session_type.updated": _changed("session type"),
    "calendar.created": lambda t: f"{t.who} created the calendar “{t.thing}”.",
    "calendar.updated": _changed("calendar"),
    "client.created": lambda t: f"{t.who} added the client {t.thing}.",
    "client.updated": _changed("client", quoted=False),
    "meeting.retry": lambda t: f"{t.who} asked for the meeting of the session “{t.thing}” to be tried again.",
}
