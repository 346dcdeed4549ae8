"""Models to response dicts; the querysets here fetch everything a response needs in a fixed
number of queries."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from sessiondesk.accounts.models import Member
from sessiondesk.attendance.models import Attendee, SessionAttendance
from sessiondesk.meetings.desired import wanted_provider
from sessiondesk.scheduling.models import Calendar, Client, Session


def person(member: Member) -> dict[str, Any]:
    return {"id": member.pk, "name": member.name, "email": member.email}


def client_out(client: Client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "name": client.name,
        "email": client.email,
        "phone": client.phone,
        "timezone": client.timezone,
        "notes": client.notes,
    }


def with_session_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related(
        "session_type", "calendar", "consultant__user", "booked_by__user"
    ).prefetch_related("co_hosts__user", "clients", "meeting_links", "attendance")


def meeting_out(session: Session) -> dict[str, Any] | None:
    provider = wanted_provider(session)
    link = next((x for x in session.meeting_links.all() if x.provider == provider), None)
    if link is None:
        return None
    # Never the start URL or host key: they let anyone start the meeting as its host.
    return {
        "provider": link.provider,
        "state": link.state,
        "join_url": link.join_url,
        "passcode": link.passcode,
        "host_label": link.host_label,
        "remedy": link.remedy,
    }


def session_out(session: Session) -> dict[str, Any]:
    calendar = session.calendar
    return {
        "id": session.pk,
        "title": session.title,
        "agenda": session.agenda,
        "status": session.status,
        # In UTC, as read from the database, also for a session just written with the caller's offset.
        "start": session.start.astimezone(dt.UTC),
        "end": session.end.astimezone(dt.UTC),
        "session_type": {"id": session.session_type_id, "name": session.session_type.name},
        "calendar": {"id": calendar.pk, "name": calendar.name} if calendar else None,
        "consultant": person(session.consultant),
        "co_hosts": [person(m) for m in session.co_hosts.all()],
        "clients": [{"id": c.pk, "name": c.name, "email": c.email} for c in session.clients.all()],
        "is_online": session.is_online,
        "location": session.location,
        "provider": session.provider,
        "custom_meeting_url": session.custom_meeting_url,
        "booked_by": {"id": session.booked_by.pk, "name": session.booked_by.name}
        if session.booked_by
        else None,
        "booked_via": session.booked_via,
        "series_id": session.series_id,
        "series_index": session.series_index,
        "cancelled_at": session.cancelled_at,
        "cancel_reason": session.cancel_reason,
        "meeting": meeting_out(session),
        "outcome": outcome_of(session),
    }


def outcome_of(session: Session) -> str:
    """Sessions read through ``with_session_details`` carry their attendance; one that was not (just
    scheduled) has none yet, so no query is spent on it."""
    if "attendance" not in session._state.fields_cache:
        return ""
    try:
        return session.attendance.outcome  # type: ignore[attr-defined, no-any-return]
    except SessionAttendance.DoesNotExist:
        return ""


def attendance_out(session: Session) -> dict[str, Any]:
    row = SessionAttendance.objects.filter(session=session).first()
    attendees = (
        Attendee.objects.filter(session=session)
        .select_related("client", "member__user")
        .order_by("kind", "name")
    )
    return {
        "session_id": session.pk,
        "outcome": row.outcome if row else "",
        "outcome_corrected": bool(row and row.outcome_corrected),
        "started_at": row.started_at if row else None,
        "ended_at": row.ended_at if row else None,
        "report_state": row.report_state if row else "",
        "attendees": [
            {
                "kind": a.kind,
                "client": {"id": a.client.pk, "name": a.client.name} if a.client else None,
                "member": {"id": a.member.pk, "name": a.member.name} if a.member else None,
                "name": a.name,
                "email": a.email,
                "joined_at": a.joined_at,
                "left_at": a.left_at,
                "seconds_present": a.seconds_present,
                "late_seconds": a.late_seconds,
                "in_meeting": a.in_meeting,
                "source": a.source,
                "corrected": a.corrected,
            }
            for a in attendees
        ],
    }


def with_calendar_details(calendars: QuerySet[Calendar]) -> QuerySet[Calendar]:
    return calendars.select_related("session_type").prefetch_related("members__user")


def calendar_out(calendar: Calendar) -> dict[str, Any]:
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "slug": calendar.slug,
        "kind": calendar.kind,
        "members": [person(m) for m in calendar.members.all()],
        "session_type": {"id": calendar.session_type_id, "name": calendar.session_type.name},
        "description": calendar.description,
        "is_public": calendar.is_public,
        "custom_meeting_url": calendar.custom_meeting_url,
        "buffer_before_minutes": calendar.buffer_before_minutes,
        "buffer_after_minutes": calendar.buffer_after_minutes,
        "min_notice_minutes": calendar.min_notice_minutes,
        "max_days_ahead": calendar.max_days_ahead,
        "slot_interval_minutes": calendar.slot_interval_minutes,
    }
