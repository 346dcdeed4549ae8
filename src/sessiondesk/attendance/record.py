"""What a meeting provider tells SessionDesk about a session's meeting, recorded (each call in the
caller's transaction; the session's attendance row is locked first, so events of one session
processed at once by several workers apply one after another).

Live events add stays (``joined``/``left``); the provider's report replaces them all (``report``).
After each change ``refresh`` recomputes every attendee line and the outcome, except what staff
corrected.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from sessiondesk.attendance import compute, notify
from sessiondesk.attendance.matching import Person, Seen, match
from sessiondesk.attendance.models import (
    NO_SHOWS,
    Attendee,
    Kind,
    ReportState,
    Segment,
    SessionAttendance,
    Source,
    policy_of,
)
from sessiondesk.scheduling.models import Session


@dataclass(frozen=True)
class Stay:
    """A row of the provider's report: one stay of one participant."""

    seen: Seen
    joined_at: dt.datetime
    left_at: dt.datetime


def locked(session: Session) -> SessionAttendance:
    row = SessionAttendance.objects.select_for_update().filter(session=session).first()
    if row is None:
        # The first word of this session: concurrent first words meet in get_or_create.
        SessionAttendance.objects.get_or_create(session=session, defaults={"org_id": session.org_id})
        row = SessionAttendance.objects.select_for_update().get(session=session)
    return row


def note_run(row: SessionAttendance, instance_id: str, at: dt.datetime) -> None:
    """A participant event also says the meeting runs (its meeting.started may be lost)."""
    if not row.instance_id or row.started_at is None:
        row.instance_id = row.instance_id or instance_id
        row.started_at = row.started_at or at
        row.save(update_fields=["instance_id", "started_at"])


def started(session: Session, instance_id: str, at: dt.datetime) -> None:
    row = locked(session)
    if row.ended_at is not None and instance_id and instance_id != row.instance_id:
        # Restarted after ending: the same session continues in a new instance.
        row.ended_at = None
    row.instance_id = instance_id or row.instance_id
    row.started_at = min(row.started_at, at) if row.started_at else at
    row.save()
    refresh(session, row)


def ended(session: Session, instance_id: str, at: dt.datetime, report_after: dt.timedelta | None) -> None:
    row = locked(session)
    row.instance_id = row.instance_id or instance_id
    row.started_at = row.started_at or at
    row.ended_at = max(row.ended_at, at) if row.ended_at else at
    # Whoever is still in the meeting left when it ended (their leave event may be lost).
    Segment.objects.filter(session=session, source=Source.WEBHOOK, left_at__isnull=True).update(left_at=at)
    if report_after is not None and row.report_state != ReportState.DONE:
        row.report_state = ReportState.DUE
        row.report_due_at = at + report_after
    row.save()
    refresh(session, row)


def joined(session: Session, instance_id: str, seen: Seen, at: dt.datetime) -> None:
    row = locked(session)
    if row.report_state == ReportState.DONE:
        return  # the report already said what happened
    note_run(row, instance_id, at)
    _stay(session, seen, joined_at=at).save()
    refresh(session, row)


def left(session: Session, instance_id: str, seen: Seen, at: dt.datetime) -> None:
    row = locked(session)
    if row.report_state == ReportState.DONE:
        return
    note_run(row, instance_id, at)
    open_stay = (
        Segment.objects.filter(
            session=session, source=Source.WEBHOOK, participant=seen.participant, left_at__isnull=True
        )
        .order_by("-joined_at")
        .first()
    )
    if open_stay is None:
        # The join was lost: the stay began no later than the meeting did, as far as we know.
        open_stay = _stay(session, seen, joined_at=row.started_at)
    open_stay.left_at = at
    open_stay.save()
    refresh(session, row)


def _stay(session: Session, seen: Seen, joined_at: dt.datetime | None) -> Segment:
    """A stay in the meeting as a webhook reported it, its person matched."""
    return Segment(
        session=session,
        source=Source.WEBHOOK,
        participant=seen.participant,
        person_key=match(session, seen).key,
        name=seen.name,
        email=seen.email,
        registrant_id=seen.registrant_id,
        joined_at=joined_at,
    )


def report(
    session: Session, stays: list[Stay], started_at: dt.datetime | None, ended_at: dt.datetime | None
) -> None:
    """The provider's report: it replaces what the live events suggested."""
    row = locked(session)
    Segment.objects.filter(session=session).delete()
    Segment.objects.bulk_create(
        Segment(
            session=session,
            source=Source.REPORT,
            participant=stay.seen.participant,
            person_key=match(session, stay.seen).key,
            name=stay.seen.name,
            email=stay.seen.email,
            registrant_id=stay.seen.registrant_id,
            joined_at=stay.joined_at,
            left_at=stay.left_at,
        )
        for stay in stays
    )
    if stays:
        row.started_at = started_at or min(s.joined_at for s in stays)
        row.ended_at = ended_at or max(s.left_at for s in stays)
    row.report_state = ReportState.DONE
    row.report_note = ""
    row.save()
    refresh(session, row)


def report_missing(session: Session, note: str, *, final: bool) -> None:
    """The report could not be read (``final``: and will not be); the live events stand."""
    row = locked(session)
    row.report_note = note[:300]
    if final:
        row.report_state = ReportState.UNAVAILABLE
    row.save()
    refresh(session, row)


def refresh(session: Session, row: SessionAttendance, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    people: dict[str, Person] = {}
    stays: dict[str, list[Segment]] = defaultdict(list)
    for segment in Segment.objects.filter(session=session).order_by("joined_at", "id"):
        stays[segment.person_key].append(segment)
    for key, rows in stays.items():
        first = rows[0]
        people[key] = match(
            session,
            Seen(
                first.participant,
                first.name,
                first.email,
                first.registrant_id,
                is_host=key.startswith("member:"),
            ),
        )
    existing = {a.person_key: a for a in Attendee.objects.filter(session=session)}
    for key, rows in stays.items():
        attendee = existing.get(key)
        if attendee is not None and attendee.corrected:
            continue
        person = people[key]
        intervals = [(s.joined_at, s.left_at or now) for s in rows if s.joined_at is not None]
        joined_times = [s.joined_at for s in rows if s.joined_at is not None]
        left_times = [s.left_at for s in rows if s.left_at is not None]
        fields = {
            "kind": person.kind,
            "client_id": person.client_id,
            "member_id": person.member_id,
            "name": person.name,
            "email": person.email,
            "joined_at": min(joined_times) if joined_times else None,
            "left_at": max(left_times) if left_times else None,
            "seconds_present": compute.seconds_present(intervals),
            "late_seconds": compute.late_seconds(min(joined_times) if joined_times else None, session.start),
            "in_meeting": any(s.left_at is None for s in rows),
            "source": rows[0].source,
        }
        if attendee is None:
            existing[key] = Attendee.objects.create(session=session, person_key=key, **fields)
        elif any(getattr(attendee, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(attendee, name, value)
            attendee.save()
    # Lines nobody backs any more (the report disagreed with the live events) go, unless corrected.
    stale = [a.pk for k, a in existing.items() if k not in stays and not a.corrected]
    if stale:
        Attendee.objects.filter(pk__in=stale).delete()
        existing = {k: a for k, a in existing.items() if a.pk not in stale}
    decide(session, row, list(existing.values()), now)


def decide(session: Session, row: SessionAttendance, attendees: list[Attendee], now: dt.datetime) -> None:
    if row.outcome_corrected:
        return
    grace = dt.timedelta(minutes=policy_of(session.org).grace_minutes)
    outcome = compute.decide(
        start=session.start,
        grace=grace,
        now=now,
        started=row.started_at is not None,
        ended=row.ended_at is not None,
        host_came=any(a.present for a in attendees if a.kind == Kind.HOST),
        client_came=any(a.present for a in attendees if a.kind == Kind.CLIENT),
    )
    changed = outcome != row.outcome
    row.outcome = outcome
    if changed:
        row.decided_at = now
    row.updated_at = now
    row.save()
    if changed and outcome in NO_SHOWS and row.ended_at is not None and not row.no_show_notified:
        row.no_show_notified = True
        row.save(update_fields=["no_show_notified"])
        notify.no_show(session, outcome)
