"""The whole round trip with the Zoom provider: a meeting deleted or renamed on the emulator's
inside-Zoom pages comes back as a signed webhook, and the worker makes Zoom match the session again."""

from typing import Any

import pytest
from django.conf import settings

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings.models import LinkState
from sessiondesk.scheduling.models import Session, SessionType
from tests.integrations.zoom.meeting_event_fixtures import to_sessiondesk
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

EVENTS = ["meeting.created", "meeting.updated", "meeting.deleted"]


@pytest.fixture
def hooked(zoom: Any) -> Any:
    """Zoom delivers the personal app's meeting events to SessionDesk's endpoint, when flushed."""
    app = zoom.app.state.apps["sd-personal"]
    app.webhook_url = "http://testserver/integrations/zoom/webhook/"
    app.secret_token = settings.ZOOM_WEBHOOK_SECRET_TOKEN
    app.events = EVENTS
    zoom.app.state.settings.webhook_mode = "manual"
    zoom.app.state.webhook_transport = to_sessiondesk
    return zoom


@pytest.fixture
def scheduled(hooked: Any, consultant: Member, lesson: SessionType) -> Session:
    connect(hooked.http, consultant, "carla@zoom.acme.test")
    session = zoom_session(consultant, lesson)
    assert run_worker_until_idle() == 1
    deliver_webhooks(hooked)  # meeting.created: stored, nothing to do
    clear_log(hooked)
    return session


def deliver_webhooks(zoom: Any) -> None:
    flushed = zoom.http.post("/_emulator/webhooks/flush", json={"timeout": 10}).json()
    assert flushed["failed"] == 0
    receive.process_due(20)


def test_a_meeting_deleted_inside_zoom_is_recreated_with_a_new_link(hooked: Any, scheduled: Session) -> None:
    old = link_of(scheduled)

    assert hooked.http.post(f"/web/meetings/{old.external_id}/delete").status_code == 303
    deliver_webhooks(hooked)
    assert link_of(scheduled).state == LinkState.PENDING
    assert run_worker_until_idle() == 1

    new = link_of(scheduled)
    [meeting] = live_meetings(hooked)
    assert (new.state, new.external_id) == (LinkState.ACTIVE, str(meeting.id))
    assert new.external_id != old.external_id
    assert new.join_url not in ("", old.join_url)
    assert meeting.topic == "Algebra lesson"
    assert [c for c in calls(hooked) if c[0] == "POST"] == [("POST", "/v2/users/me/meetings", 201)]


def test_a_meeting_renamed_inside_zoom_is_renamed_back(hooked: Any, scheduled: Session) -> None:
    link = link_of(scheduled)

    edited = hooked.http.post(f"/web/meetings/{link.external_id}/edit", data={"topic": "Renamed in Zoom"})
    assert edited.status_code == 303
    deliver_webhooks(hooked)
    assert run_worker_until_idle() == 1

    [meeting] = live_meetings(hooked)
    assert meeting.topic == "Algebra lesson"
    assert link_of(scheduled).external_id == link.external_id
    assert calls(hooked) == [("PATCH", f"/v2/meetings/{link.external_id}", 204)]
    assert AuditEntry.objects.filter(action="meeting.changed_in_zoom").count() == 1
    # Zoom reports our PATCH too; it matches the session, so nothing more happens.
    deliver_webhooks(hooked)
    assert run_worker_until_idle() == 0
    assert AuditEntry.objects.filter(action="meeting.changed_in_zoom").count() == 1
