import dataclasses
import datetime as dt
import re
import zoneinfo

import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.actions import SessionChanges, SessionDraft
from sessiondesk.scheduling.errors import InvalidBooking, SlotTaken
from sessiondesk.scheduling.models import Client, Provider, Session, SessionStatus
from sessiondesk.scheduling.recurrence import Repeat
from tests.scheduling.conftest import future


def schedule(org, draft: SessionDraft, actor: Member, **kw) -> Session:
    return actions.schedule_session(org, draft, actor=actor, **kw)


def test_it_schedules_a_session_with_its_attendees_and_audit(org, staff, draft, student):
    session = schedule(org, draft, staff)
    assert session.title == "Algebra"
    assert session.start == draft.start
    assert session.end == draft.start + dt.timedelta(hours=1)
    assert session.booked_by == staff
    assert list(session.clients.all()) == [student]
    assert session.provider == Provider.NONE
    entry = AuditEntry.objects.get(action="session.scheduled")
    assert (entry.actor, entry.object_id) == (staff, str(session.pk))


def test_the_audit_entry_names_the_session_and_its_start_in_utc(org, staff, draft):
    start = dt.datetime(2031, 3, 4, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    session = schedule(org, dataclasses.replace(draft, start=start, end=start + dt.timedelta(hours=1)), staff)
    entry = AuditEntry.objects.get(action="session.scheduled")
    assert entry.object_repr == str(session) == "Algebra (2031-03-04 14:30 UTC)"


def test_it_queues_the_booking_emails_in_the_same_transaction(org, staff, draft):
    session = schedule(org, draft, staff)
    assert sorted(OutboundEmail.objects.filter(session=session).values_list("to", flat=True)) == [
        "carla@acme.test",
        "stu@example.test",
    ]


def test_it_refuses_a_double_booking_and_saves_nothing(org, staff, draft):
    schedule(org, draft, staff)
    overlapping = dataclasses.replace(
        draft,
        title="Clash",
        start=draft.start + dt.timedelta(minutes=30),
        end=draft.end + dt.timedelta(minutes=30),
    )
    with pytest.raises(SlotTaken) as refused:
        schedule(org, overlapping, staff)
    assert "Carla Consultant already has a session at that time (Algebra" in refused.value.message
    assert Session.objects.count() == 1
    assert OutboundEmail.objects.filter(session__title="Clash").count() == 0


def test_it_allows_back_to_back_sessions(org, staff, draft):
    schedule(org, draft, staff)
    next_one = dataclasses.replace(
        draft, title="Next", start=draft.end, end=draft.end + dt.timedelta(hours=1)
    )
    assert schedule(org, next_one, staff).title == "Next"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "start"}, "end", "The end must be after the start."),
        ({"start": "past"}, "start", "That time is in the past; pick a time from now on."),
        ({"title": "  "}, "title", "Give the session a title."),
        ({"provider": "custom"}, "custom_meeting_url", "A custom meeting link needs its URL."),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(org, staff, draft, change, field, message):
    if change.get("end") == "start":
        draft.end = draft.start
    elif change.get("start") == "past":
        draft.start = future(-2, 10)
        draft.end = draft.start + dt.timedelta(hours=1)
    else:
        for key, value in change.items():
            setattr(draft, key, value)
    with pytest.raises(InvalidBooking) as refused:
        schedule(org, draft, staff)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert Session.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert MeetingLink.objects.count() == 0


def test_it_refuses_a_client_of_another_organisation(org, staff, draft, outsider):
    stranger = Client.objects.create(org=outsider.org, name="Other", email="o@example.test")
    draft.clients = [stranger]
    with pytest.raises(InvalidBooking, match=re.escape("That client does not belong to this organisation.")):
        schedule(org, draft, staff)
    assert Session.objects.count() == 0


def test_it_refuses_a_host_from_another_organisation(org, staff, draft, outsider):
    draft.consultant = outsider
    with pytest.raises(
        InvalidBooking, match=re.escape("That consultant is not a member of this organisation.")
    ):
        schedule(org, draft, staff)
    assert Session.objects.count() == 0


def test_it_never_makes_staff_the_host(org, staff, draft):
    draft.consultant = staff
    with pytest.raises(InvalidBooking, match=re.escape("Sam Staff is staff and cannot host sessions.")):
        schedule(org, draft, staff)


def test_it_creates_a_weekly_series_at_the_same_local_time_across_dst(
    org, staff, lesson, consultant, student
):
    # 2027-10-25 is a Monday; New York leaves DST on 2027-11-07.
    start = dt.datetime(2027, 10, 25, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    draft = SessionDraft(
        title="Weekly",
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=lesson,
        consultant=consultant,
        clients=[student],
    )
    schedule(org, draft, staff, repeat=Repeat(every_weeks=1, count=4))
    starts = [s.start for s in Session.objects.order_by("start")]
    assert [s.isoformat() for s in starts] == [
        "2027-10-25T20:00:00+00:00",
        "2027-11-01T20:00:00+00:00",
        "2027-11-08T21:00:00+00:00",
        "2027-11-15T21:00:00+00:00",
    ]
    assert list(Session.objects.values_list("series_index", flat=True)) == [0, 1, 2, 3]
    assert OutboundEmail.objects.filter(to="stu@example.test").count() == 1


def test_it_refuses_a_series_when_one_occurrence_clashes(org, staff, draft):
    clash = dataclasses.replace(
        draft, title="Clash", start=draft.start + dt.timedelta(weeks=2), end=draft.end + dt.timedelta(weeks=2)
    )
    schedule(org, clash, staff)
    with pytest.raises(SlotTaken):
        schedule(org, draft, staff, repeat=Repeat(count=3))
    assert Session.objects.count() == 1


def test_it_reschedules_and_notes_the_previous_time(org, staff, draft):
    session = schedule(org, draft, staff)
    link_version = list(MeetingLink.objects.values_list("desired_version", flat=True))
    new_start = draft.start + dt.timedelta(days=1)
    moved = actions.reschedule_session(session, start=new_start, actor=staff)
    assert (moved.start, moved.end) == (new_start, new_start + dt.timedelta(hours=1))
    assert OutboundEmail.objects.filter(kind="rescheduled").count() == 2
    assert list(MeetingLink.objects.values_list("desired_version", flat=True)) == link_version


def test_it_reschedules_this_and_following_by_the_same_shift(org, staff, draft):
    first = schedule(org, draft, staff, repeat=Repeat(count=3))
    second = Session.objects.get(series_index=1)
    actions.reschedule_session(
        second, start=second.start + dt.timedelta(hours=2), actor=staff, scope="following"
    )
    hours = [s.start.astimezone(draft.start.tzinfo).hour for s in Session.objects.order_by("series_index")]
    assert hours == [10, 12, 12]
    assert Session.objects.get(pk=first.pk).start == draft.start


def test_it_renames_and_bumps_nothing_when_nothing_changed(org, staff, draft):
    session = schedule(org, draft, staff)
    emails = OutboundEmail.objects.count()
    audits = AuditEntry.objects.count()
    actions.update_session(session, SessionChanges(title="Algebra"), actor=staff)
    assert (OutboundEmail.objects.count(), AuditEntry.objects.count()) == (emails, audits)
    actions.update_session(session, SessionChanges(title="Algebra II"), actor=staff)
    assert Session.objects.get().title == "Algebra II"
    assert AuditEntry.objects.filter(action="session.updated").get().detail["fields"] == ["title"]


def test_it_reassigns_to_a_free_consultant_only(org, staff, draft, consultant2):
    session = schedule(org, draft, staff)
    busy = dataclasses.replace(draft, title="Dev busy", consultant=consultant2, clients=[])
    schedule(org, busy, staff)
    with pytest.raises(SlotTaken):
        actions.update_session(session, SessionChanges(consultant=consultant2), actor=staff)
    assert Session.objects.get(pk=session.pk).consultant_id == draft.consultant.pk


def test_it_cancels_once_and_frees_the_slot(org, staff, draft):
    session = schedule(org, draft, staff)
    actions.cancel_session(session, actor=staff, reason="Ill")
    actions.cancel_session(session, actor=staff, reason="again")
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "Ill")
    assert OutboundEmail.objects.filter(kind="cancelled").count() == 2
    assert AuditEntry.objects.filter(action="session.cancelled").count() == 1
    again = schedule(org, dataclasses.replace(draft, title="Rebooked"), staff)
    assert again.status == SessionStatus.SCHEDULED


def test_it_cancels_this_and_following(org, staff, draft):
    schedule(org, draft, staff, repeat=Repeat(count=4))
    third = Session.objects.get(series_index=2)
    actions.cancel_session(third, actor=staff, scope="following")
    assert list(Session.objects.order_by("series_index").values_list("status", flat=True)) == [
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_it_refuses_to_reschedule_a_cancelled_session(org, staff, draft):
    session = schedule(org, draft, staff)
    actions.cancel_session(session, actor=staff)
    with pytest.raises(InvalidBooking, match=re.escape("This session is cancelled")):
        actions.reschedule_session(session, start=draft.start + dt.timedelta(days=1), actor=staff)
