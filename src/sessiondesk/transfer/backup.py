"""The whole organisation as one JSON document, for backups and for moving elsewhere.

Everything a person entered: the organisation, members, clients, session types, calendars,
availability and date overrides, series and sessions (with their online meetings' join links),
clients' meeting registrations and attendance.
No secrets: no password hashes, API tokens or their hashes, invitation tokens, provider tokens,
meeting start links (they let anyone start the meeting as its host), personal join links or
passcodes. It is written
piece by piece, so a year of sessions is never held in memory.
"""

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.attendance.models import Attendee, SessionAttendance
from sessiondesk.meetings.models import MeetingLink, Registration
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    Client,
    DateOverride,
    Series,
    Session,
    SessionType,
)

FORMAT = "sessiondesk-organization-export"
VERSION = 1
CHUNK = 2000


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _values(queryset: QuerySet[Any], *names: str) -> Iterator[dict[str, Any]]:
    for row in queryset.values(*names).iterator(chunk_size=CHUNK):
        yield {key: _iso(value) for key, value in row.items()}


def _members(org: Organization) -> Iterator[dict[str, Any]]:
    members = Member.objects.filter(org=org).order_by("pk")
    for row in _values(
        members, "id", "user__name", "user__email", "role", "is_active", "user__timezone", "created_at"
    ):
        yield {
            "id": row["id"],
            "name": row["user__name"],
            "email": row["user__email"],
            "role": row["role"],
            "is_active": row["is_active"],
            "timezone": row["user__timezone"],
            "created_at": row["created_at"],
        }


def _calendars(org: Organization) -> Iterator[dict[str, Any]]:
    through = Calendar.members.through.objects.filter(calendar__org=org)
    members: dict[int, list[int]] = {}
    for calendar_id, member_id in through.values_list("calendar_id", "member_id"):
        members.setdefault(calendar_id, []).append(member_id)
    names = [f.name for f in Calendar._meta.concrete_fields if f.name != "org"]
    for row in _values(
        Calendar.objects.filter(org=org).order_by("pk"),
        *[n + ("_id" if n == "session_type" else "") for n in names],
    ):
        yield {**row, "members": sorted(members.get(row["id"], []))}


def _sessions(org: Organization) -> Iterator[dict[str, Any]]:
    sessions = Session.objects.filter(org=org).order_by("pk").prefetch_related("clients", "co_hosts")
    links = MeetingLink.objects.filter(org=org)
    meetings = {
        session_id: {"provider": provider, "state": state, "join_url": join_url}
        for session_id, provider, state, join_url in links.values_list(
            "session_id", "provider", "state", "join_url"
        )
    }
    for s in sessions.iterator(chunk_size=CHUNK):
        yield {
            "id": s.pk,
            "title": s.title,
            "agenda": s.agenda,
            "session_type": s.session_type_id,
            "calendar": s.calendar_id,
            "consultant": s.consultant_id,
            "co_hosts": sorted(m.pk for m in s.co_hosts.all()),
            "clients": sorted(c.pk for c in s.clients.all()),
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "status": s.status,
            "is_online": s.is_online,
            "location": s.location,
            "provider": s.provider,
            "custom_meeting_url": s.custom_meeting_url,
            "series": s.series_id,
            "series_index": s.series_index,
            "booked_via": s.booked_via,
            "cancelled_at": _iso(s.cancelled_at),
            "cancel_reason": s.cancel_reason,
            "created_at": s.created_at.isoformat(),
            "meeting": meetings.get(s.pk),
        }


def sections(org: Organization) -> list[tuple[str, Iterator[dict[str, Any]]]]:
    return [
        ("members", _members(org)),
        (
            "clients",
            _values(
                Client.objects.filter(org=org).order_by("pk"),
                "id",
                "name",
                "email",
                "phone",
                "timezone",
                "notes",
                "created_at",
            ),
        ),
        (
            "session_types",
            _values(
                SessionType.objects.filter(org=org).order_by("pk"),
                "id",
                "name",
                "duration_minutes",
                "is_online",
                "default_provider",
            ),
        ),
        ("calendars", _calendars(org)),
        (
            "availability",
            _values(
                AvailabilityRule.objects.filter(member__org=org).order_by("pk"),
                "id",
                "member_id",
                "weekday",
                "start_time",
                "end_time",
            ),
        ),
        (
            "date_overrides",
            _values(
                DateOverride.objects.filter(member__org=org).order_by("pk"),
                "id",
                "member_id",
                "date",
                "start_time",
                "end_time",
            ),
        ),
        (
            "series",
            _values(
                Series.objects.filter(org=org).order_by("pk"),
                "id",
                "every_weeks",
                "count",
                "until",
                "created_at",
            ),
        ),
        ("sessions", _sessions(org)),
        # Each client's registration for a session's meeting; not their personal join link, which
        # lets its holder in as them.
        (
            "registrations",
            _values(
                Registration.objects.filter(session__org=org).order_by("pk"),
                "session_id",
                "client_id",
                "state",
                "registrant_id",
            ),
        ),
        (
            "attendance",
            _values(
                SessionAttendance.objects.filter(org=org).order_by("pk"),
                "session_id",
                "outcome",
                "outcome_corrected",
                "correction_note",
                "started_at",
                "ended_at",
            ),
        ),
        (
            "attendees",
            _values(
                Attendee.objects.filter(session__org=org).order_by("pk"),
                "session_id",
                "kind",
                "client_id",
                "member_id",
                "name",
                "email",
                "joined_at",
                "left_at",
                "seconds_present",
                "late_seconds",
                "corrected",
            ),
        ),
    ]


def chunks(org: Organization) -> Iterator[str]:
    """The document, as pieces of text to stream."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "organization": {
            "id": org.pk,
            "name": org.name,
            "slug": org.slug,
            "timezone": org.timezone,
            "created_at": org.created_at.isoformat(),
        },
    }
    yield json.dumps(head, ensure_ascii=False)[:-1]
    for name, items in sections(org):
        yield f', "{name}": ['
        for index, item in enumerate(items):
            yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
        yield "]"
    yield "}\n"


def filename(org: Organization) -> str:
    return f"{org.slug}-export-{timezone.now():%Y-%m-%d}.json"
