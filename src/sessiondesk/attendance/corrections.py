"""Staff corrections: an outcome or a person's minutes set by hand. Audited, and never overwritten
by later data from the meeting provider (``record.refresh`` skips what is corrected)."""

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.attendance import record
from sessiondesk.attendance.display import lines
from sessiondesk.attendance.models import Attendee, Outcome, Source
from sessiondesk.scheduling.models import Session


class CorrectionError(ValueError):
    """Bad input: the message says what to fix."""


@transaction.atomic
def correct_outcome(session: Session, by: Member, outcome: str, note: str = "") -> None:
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise CorrectionError("Choose one of the outcomes.")
    row = record.locked(session)
    before = row.outcome
    row.outcome = outcome
    row.outcome_corrected = True
    row.corrected_by = by
    row.corrected_at = timezone.now()
    row.correction_note = note.strip()[:300]
    row.decided_at = row.corrected_at
    row.save()
    audit.record(
        session.org,
        by,
        "attendance.outcome_corrected",
        session,
        before=before,
        after=outcome,
        note=row.correction_note,
    )


@transaction.atomic
def correct_line(session: Session, by: Member, person_key: str, minutes: int) -> Attendee:
    if not 0 <= minutes <= 24 * 60:
        raise CorrectionError("Minutes present must be between 0 and 1440.")
    row = record.locked(session)
    existing = list(Attendee.objects.filter(session=session))
    line = next((item for item in lines(session, existing) if item.key == person_key), None)
    if line is None:
        raise CorrectionError("That person is not on this session.")
    attendee = line.attendee
    before = attendee.seconds_present if attendee else 0
    if attendee is None:
        client_id = int(person_key.split(":")[1]) if person_key.startswith("client:") else None
        member_id = int(person_key.split(":")[1]) if person_key.startswith("member:") else None
        attendee = Attendee(
            session=session,
            person_key=person_key,
            kind=line.kind,
            client_id=client_id,
            member_id=member_id,
            name=line.name,
        )
    attendee.seconds_present = minutes * 60
    attendee.in_meeting = False
    attendee.source = Source.STAFF
    attendee.corrected = True
    attendee.corrected_by = by
    attendee.corrected_at = timezone.now()
    attendee.save()
    audit.record(
        session.org,
        by,
        "attendance.line_corrected",
        session,
        person=line.name,
        minutes_before=round(before / 60),
        minutes_after=minutes,
    )
    record.refresh(session, row)
    return attendee
