"""Helpers of the meeting webhook and sweep tests: a session whose Zoom meeting is already in place.

Until the Zoom provider is installed, the recording provider (``tests/meetings/fakes.py``) stands
in under the name "zoom" for the reconciler's calls; meetings held by the emulator are made
through its REST API with the connection's token, as the provider would."""

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.test import Client as HttpClient

from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.models import WebhookEvent, ZoomConnection
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings import providers
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Session
from tests.meetings.fakes import RecordingProvider
from tests.support.worker import run_worker_until_idle

# Genuine webhook bodies recorded by ZoomNet's author (MIT); provenance in the file's SOURCE key.
SAMPLES = json.loads((Path(__file__).parent / "fixtures" / "zoomnet_meeting_webhooks_2021.json").read_text())


def sample(event: str) -> dict[str, Any]:
    return copy.deepcopy(SAMPLES["events"][event])


def deliver(body: dict[str, Any]) -> WebhookEvent | None:
    """Store the event as the endpoint does after verifying it, then let the worker handle it."""
    raw = json.dumps(body).encode()
    row = receive.receive(body["event"], body, raw)
    receive.process_due(10)
    if row is not None:
        row.refresh_from_db()
    return row


def holding(session: Session, meeting_id: Any, join_url: str = "") -> MeetingLink:
    """Settle the session's link, then make it hold the Zoom meeting ``meeting_id``."""
    run_worker_until_idle()
    link = MeetingLink.objects.get(session=session, provider="zoom")
    assert link.state == LinkState.ACTIVE
    fake = providers.get("zoom")
    if isinstance(fake, RecordingProvider):  # the stand-in now holds the meeting under Zoom's id
        fake.meetings[str(meeting_id)] = fake.meetings.pop(link.external_id)
    MeetingLink.objects.filter(pk=link.pk).update(
        external_id=str(meeting_id), join_url=join_url or f"https://zoom.test/j/{meeting_id}"
    )
    link.refresh_from_db()
    return link


def emulator_meeting(emu: httpx.Client, connection: ZoomConnection, session: Session) -> dict[str, Any]:
    """Create the session's meeting at the emulator through Zoom's REST API."""
    answer = emu.post(
        "/v2/users/me/meetings",
        headers={"Authorization": f"Bearer {tokens.access_token(connection)}"},
        json={
            "topic": session.title,
            "type": 2,
            "start_time": session.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": 60,
            "timezone": "America/New_York",
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def to_sessiondesk(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """The emulator's webhook transport: deliver to SessionDesk's endpoint in this process, as sent."""
    extra = {k: v for k, v in headers.items() if k != "content-type"}
    answer = HttpClient().generic(
        "POST", urlsplit(url).path, body, content_type=headers["content-type"], headers=extra
    )
    return httpx.Response(answer.status_code, content=answer.content)
