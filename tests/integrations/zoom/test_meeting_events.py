"""meeting.deleted and meeting.updated from inside Zoom, driven by the recorded genuine payloads."""

import datetime as dt

import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.models import MeetingPolicy, WhenDeletedInZoom
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.actions import session_event
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.models import Client, SessionStatus, SessionType
from tests.integrations.zoom.meeting_event_fixtures import (
    deliver,
    holding,
    sample,
)
from tests.meetings.fakes import RecordingProvider, recorder_fixture  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle

DELETED_ID = 98884753832
UPDATED_ID = 94890226305


@pytest.fixture
def deleted_link(consultant: Member, lesson: SessionType, student: Client, recorder: RecordingProvider):  # type: ignore[no-untyped-def]
    session = zoom_session(consultant, lesson)
    session.clients.add(student)
    return holding(session, DELETED_ID)


@pytest.fixture
def updated_link(consultant: Member, lesson: SessionType, recorder: RecordingProvider):  # type: ignore[no-untyped-def]
    session = zoom_session(consultant, lesson, title="ZoomNet Unit Testing: scheduled meeting")
    return holding(session, UPDATED_ID)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# meeting.deleted -----------------------------------------------------------------------------------


def test_it_marks_a_deleted_meeting_missing_and_due_for_recreation(deleted_link: MeetingLink) -> None:
    version = deleted_link.desired_version

    row = deliver(sample("meeting.deleted"))

    assert (row.processed_at is not None, row.error) == (True, "")
    deleted_link.refresh_from_db()
    assert deleted_link.state == LinkState.PENDING
    assert deleted_link.desired_version == version + 1
    assert (deleted_link.external_id, deleted_link.join_url, deleted_link.applied_payload) == ("", "", None)
    [entry] = audit("meeting.deleted_in_zoom")
    assert entry.object_id == str(deleted_link.session_id)
    assert entry.actor_label == "Zoom"
    assert entry.detail == {
        "meeting_id": str(DELETED_ID),
        "outcome": "recreating",
        "source": "webhook",
        "operator": "someone@example.com",
    }


def test_the_worker_then_creates_a_new_meeting(
    deleted_link: MeetingLink, recorder: RecordingProvider
) -> None:
    recorder.calls.clear()
    deliver(sample("meeting.deleted"))

    run_worker_until_idle()

    deleted_link.refresh_from_db()
    assert recorder.calls == [("create", "Algebra lesson")]
    assert deleted_link.state == LinkState.ACTIVE
    assert deleted_link.external_id == "1001"
    assert deleted_link.join_url == "https://meet.test/j/1001"


def test_attendees_who_had_the_old_link_get_the_new_one(deleted_link: MeetingLink, student: Client) -> None:
    session = deleted_link.session
    session_event(session, "booked")
    for email in OutboundEmail.objects.filter(session=session):
        email.context["shown"] = {"join_urls": {str(session.pk): deleted_link.join_url}}
        email.state = EmailState.SENT
        email.save()
    sent = OutboundEmail.objects.count()

    deliver(sample("meeting.deleted"))
    run_worker_until_idle()

    fresh = OutboundEmail.objects.filter(kind="updated", state=EmailState.PENDING).order_by("pk")
    assert OutboundEmail.objects.count() == sent + 2
    assert sorted(e.to for e in fresh) == sorted([student.email, session.consultant.email])


def test_by_the_organisation_setting_it_flags_the_session_instead(
    deleted_link: MeetingLink, recorder: RecordingProvider
) -> None:
    MeetingPolicy.objects.create(org=deleted_link.session.org, when_deleted_in_zoom=WhenDeletedInZoom.FLAG)
    recorder.calls.clear()
    version = deleted_link.desired_version

    deliver(sample("meeting.deleted"))
    run_worker_until_idle()

    deleted_link.refresh_from_db()
    assert recorder.calls == []
    assert deleted_link.state == LinkState.BLOCKED
    assert deleted_link.desired_version == version
    assert (deleted_link.external_id, deleted_link.join_url) == ("", "")
    assert deleted_link.last_error == "The Zoom meeting was deleted inside Zoom."
    assert deleted_link.remedy == "Press Retry to create a new Zoom meeting; attendees then get the new link."
    assert audit("meeting.deleted_in_zoom")[0].detail["outcome"] == "flagged"


def test_retry_on_a_flagged_session_creates_a_new_meeting(
    deleted_link: MeetingLink, recorder: RecordingProvider
) -> None:
    MeetingPolicy.objects.create(org=deleted_link.session.org, when_deleted_in_zoom=WhenDeletedInZoom.FLAG)
    deliver(sample("meeting.deleted"))
    recorder.calls.clear()

    assert desired.retry(deleted_link.session) == 1
    run_worker_until_idle()

    deleted_link.refresh_from_db()
    assert recorder.calls == [("create", "Algebra lesson")]
    assert (deleted_link.state, deleted_link.external_id) == (LinkState.ACTIVE, "1001")


def test_the_same_deletion_twice_is_handled_once(deleted_link: MeetingLink) -> None:
    version = deleted_link.desired_version
    first, again = sample("meeting.deleted"), sample("meeting.deleted")
    again["event_ts"] += 5 * 60 * 1000  # a second delivery, not byte-identical

    deliver(first)
    row = deliver(again)

    deleted_link.refresh_from_db()
    assert row.error == ""
    assert deleted_link.desired_version == version + 1
    assert len(audit("meeting.deleted_in_zoom")) == 1


def test_a_deletion_of_an_unknown_meeting_is_ignored(deleted_link: MeetingLink) -> None:
    body = sample("meeting.deleted")
    body["payload"]["object"]["id"] = 11111111111
    before = MeetingLink.objects.values().get(pk=deleted_link.pk)

    row = deliver(body)

    assert (row.processed_at is not None, row.error) == (True, "")
    assert MeetingLink.objects.values().get(pk=deleted_link.pk) == before
    assert audit("meeting.deleted_in_zoom") == []


@pytest.mark.parametrize("change", ["cancelled", "past"])
def test_a_deletion_for_a_session_that_no_longer_needs_it_is_ignored(
    deleted_link: MeetingLink, change: str
) -> None:
    session = deleted_link.session
    if change == "cancelled":
        session.status = SessionStatus.CANCELLED
    else:
        session.start -= dt.timedelta(days=3)
        session.end -= dt.timedelta(days=3)
    session.save()
    before = MeetingLink.objects.values().get(pk=deleted_link.pk)

    deliver(sample("meeting.deleted"))

    assert MeetingLink.objects.values().get(pk=deleted_link.pk) == before
    assert audit("meeting.deleted_in_zoom") == []


# meeting.updated -----------------------------------------------------------------------------------


def test_a_topic_changed_in_zoom_is_put_back(updated_link: MeetingLink, recorder: RecordingProvider) -> None:
    recorder.calls.clear()
    version = updated_link.desired_version

    row = deliver(sample("meeting.updated"))

    assert row.error == ""
    updated_link.refresh_from_db()
    assert (updated_link.state, updated_link.desired_version) == (LinkState.PENDING, version + 1)
    assert updated_link.applied_payload["topic"] == "ZoomNet Unit Testing: UPDATED scheduled meeting"
    run_worker_until_idle()
    assert recorder.calls == [("update", "ZoomNet Unit Testing: scheduled meeting")]
    updated_link.refresh_from_db()
    assert (updated_link.state, updated_link.external_id) == (LinkState.ACTIVE, str(UPDATED_ID))


def test_it_notes_the_change_on_the_session(updated_link: MeetingLink) -> None:
    deliver(sample("meeting.updated"))

    [entry] = audit("meeting.changed_in_zoom")
    assert (entry.object_type, entry.object_id) == ("session", str(updated_link.session_id))
    assert entry.detail == {
        "meeting_id": str(UPDATED_ID),
        "source": "webhook",
        "operator": "someone@example.com",
        "changes": {
            "topic": {
                "from": "ZoomNet Unit Testing: scheduled meeting",
                "to": "ZoomNet Unit Testing: UPDATED scheduled meeting",
            }
        },
    }


def test_a_time_changed_in_zoom_is_put_back(updated_link: MeetingLink, recorder: RecordingProvider) -> None:
    session = updated_link.session
    moved = (session.start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = sample("meeting.updated")
    body["payload"]["object"] = {"id": UPDATED_ID, "start_time": moved}
    body["payload"]["old_object"] = {
        "id": UPDATED_ID,
        "start_time": session.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    recorder.calls.clear()

    deliver(body)
    run_worker_until_idle()

    assert recorder.calls == [("update", session.title)]
    assert recorder.meetings[str(UPDATED_ID)]["start_time"] == session.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert audit("meeting.changed_in_zoom")[0].detail["changes"]["start_time"]["to"] == moved


def test_our_own_update_coming_back_changes_nothing(updated_link: MeetingLink) -> None:
    """Zoom reports SessionDesk's own PATCH too: its values are the session's, so no bump, no note."""
    session = updated_link.session
    body = sample("meeting.updated")
    body["payload"]["object"] = {
        "id": UPDATED_ID,
        "topic": session.title,
        "start_time": session.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": 60,
    }
    before = MeetingLink.objects.values().get(pk=updated_link.pk)

    deliver(body)

    assert MeetingLink.objects.values().get(pk=updated_link.pk) == before
    assert audit("meeting.changed_in_zoom") == []


def test_an_echo_of_what_we_last_sent_is_quiet_even_after_a_newer_edit(updated_link: MeetingLink) -> None:
    session = updated_link.session
    applied_topic = session.title
    session.title = "Geometry lesson"
    session.save()
    desired.session_changed(session)
    body = sample("meeting.updated")
    body["payload"]["object"] = {"id": UPDATED_ID, "topic": applied_topic}
    before = MeetingLink.objects.values().get(pk=updated_link.pk)

    deliver(body)

    assert MeetingLink.objects.values().get(pk=updated_link.pk) == before
    assert audit("meeting.changed_in_zoom") == []


def test_a_change_sessiondesk_does_not_manage_is_left_alone(updated_link: MeetingLink) -> None:
    body = sample("meeting.updated")
    body["payload"]["object"] = {"id": UPDATED_ID, "settings": {"audio": "voip"}}
    before = MeetingLink.objects.values().get(pk=updated_link.pk)

    deliver(body)

    assert MeetingLink.objects.values().get(pk=updated_link.pk) == before
    assert audit("meeting.changed_in_zoom") == []


def test_an_update_of_an_unknown_meeting_is_ignored(updated_link: MeetingLink) -> None:
    body = sample("meeting.updated")
    body["payload"]["object"]["id"] = 22222222222
    before = MeetingLink.objects.values().get(pk=updated_link.pk)

    row = deliver(body)

    assert row.error == ""
    assert MeetingLink.objects.values().get(pk=updated_link.pk) == before
    assert audit("meeting.changed_in_zoom") == []


# The organisation setting ---------------------------------------------------------------------------


def test_an_admin_chooses_to_flag_instead_on_the_meeting_policy_page(client, admin) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    login(client, admin)
    page = client.get("/integrations/zoom/meeting-policy/").content.decode()
    assert "When someone deletes a session&#x27;s meeting inside Zoom" in page
    assert "Recreate it and send attendees the new link" in page

    response = client.post(
        "/integrations/zoom/meeting-policy/",
        {"waiting_room": "on", "auto_recording": "none", "when_deleted_in_zoom": "flag"},
    )

    assert response.status_code == 302
    assert MeetingPolicy.objects.get(org=admin.org).when_deleted_in_zoom == WhenDeletedInZoom.FLAG


def test_recreating_is_the_default(org) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.integrations.zoom.meetings.policy import policy_of

    assert policy_of(org).when_deleted_in_zoom == WhenDeletedInZoom.RECREATE
