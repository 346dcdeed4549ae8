"""Deleting or editing a meeting on the emulator's inside-Zoom pages reaches SessionDesk as a signed
webhook (through ``webhook_transport``) and the worker brings the session's meeting back in line."""

from typing import Any

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.models import WebhookEvent, ZoomConnection
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import SessionType
from tests.integrations.zoom.meeting_event_fixtures import (
    emulator_meeting,
    holding,
    to_sessiondesk,
)
from tests.integrations.zoom.token_fixtures import carla_zoom_fixture, emu_fixture, token_emulator_fixture  # noqa: F401
from tests.meetings.fakes import RecordingProvider, recorder_fixture  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from zoom_emulator.app import EmulatorApp


@pytest.fixture
def zoom_link(
    emu: httpx.Client,
    token_emulator: EmulatorApp,
    carla_zoom: ZoomConnection,
    consultant: Member,
    lesson: SessionType,
    recorder: RecordingProvider,
) -> MeetingLink:
    session = zoom_session(consultant, lesson)
    meeting = emulator_meeting(emu, carla_zoom, session)
    link = holding(session, meeting["id"], meeting["join_url"])
    token_emulator.state.webhook_transport = to_sessiondesk
    emu.post("/_emulator/webhooks/flush", json={"timeout": 10})  # meeting.created: stored, no handler
    recorder.calls.clear()
    return link


def flush(emu: httpx.Client, event: str) -> list[dict[str, Any]]:
    assert emu.post("/_emulator/webhooks/flush", json={"timeout": 10}).json()["failed"] == 0
    return emu.get("/_emulator/webhooks/deliveries", params={"event": event}).json()["deliveries"]


def test_deleting_the_meeting_inside_zoom_recreates_it(
    emu: httpx.Client, zoom_link: MeetingLink, recorder: RecordingProvider
) -> None:
    meeting_id = zoom_link.external_id

    assert emu.post(f"/web/meetings/{meeting_id}/delete").status_code == 303
    [delivery] = flush(emu, "meeting.deleted")
    assert delivery["status_code"] == 200
    assert receive.process_due(10) == 1

    zoom_link.refresh_from_db()
    assert (zoom_link.state, zoom_link.external_id, zoom_link.join_url) == (LinkState.PENDING, "", "")
    assert WebhookEvent.objects.get(event="meeting.deleted").error == ""
    run_worker_until_idle()
    zoom_link.refresh_from_db()
    assert recorder.calls == [("create", "Algebra lesson")]
    assert zoom_link.state == LinkState.ACTIVE
    assert AuditEntry.objects.get(action="meeting.deleted_in_zoom").detail["meeting_id"] == meeting_id


def test_renaming_the_meeting_inside_zoom_is_put_back_and_noted(
    emu: httpx.Client, zoom_link: MeetingLink, recorder: RecordingProvider
) -> None:
    meeting_id = zoom_link.external_id

    edited = emu.post(f"/web/meetings/{meeting_id}/edit", data={"topic": "Renamed in Zoom"})
    assert edited.status_code == 303
    [delivery] = flush(emu, "meeting.updated")
    assert delivery["status_code"] == 200
    assert receive.process_due(10) == 1
    run_worker_until_idle()

    zoom_link.refresh_from_db()
    assert recorder.calls == [("update", "Algebra lesson")]
    assert (zoom_link.state, zoom_link.external_id) == (LinkState.ACTIVE, meeting_id)
    entry = AuditEntry.objects.get(action="meeting.changed_in_zoom")
    assert entry.detail["changes"] == {"topic": {"from": "Algebra lesson", "to": "Renamed in Zoom"}}
    assert entry.detail["operator"] == "carla@acme.test"
