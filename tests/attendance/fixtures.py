"""A session whose Zoom meeting is held by the emulator (organisation connection with the report
scope), in the past, and whose webhooks reach SessionDesk's endpoint in this process."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import ConnectionKind
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Client, Session, SessionType
from tests.integrations.zoom.meeting_event_fixtures import to_sessiondesk
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

HOOK_SECRET = "org-webhook-secret"
HOOK_URL = "http://testserver/integrations/zoom/webhook/"
RUN_EVENTS = ["meeting.started", "meeting.ended", "meeting.participant_joined", "meeting.participant_left"]


@dataclass
class Held:
    session: Session
    meeting_id: int
    ann: Client
    zoom: Any

    def at(self, minutes: float) -> str:
        when = self.session.start + dt.timedelta(minutes=minutes)
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def script(self, *steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
        answer = self.zoom.http.post(
            f"/_emulator/meetings/{self.meeting_id}/script", json={"steps": list(steps), **extra}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def deliver(self) -> int:
        """Zoom delivers the webhooks; the worker handles them. Returns how many were handled."""
        counts = self.zoom.http.post("/_emulator/webhooks/flush", json={"timeout": 10}).json()
        assert counts["failed"] == 0
        return receive.process_due(500)


@pytest.fixture
def held(zoom: Any, settings: Any, owner: Member, consultant: Member, lesson: SessionType) -> Held:
    settings.ZOOM_ORG_WEBHOOK_SECRET_TOKEN = HOOK_SECRET
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0
    app = zoom.app.state.apps["sd-org"]
    app.webhook_url, app.secret_token, app.events = HOOK_URL, HOOK_SECRET, RUN_EVENTS
    zoom.app.state.webhook_transport = to_sessiondesk
    zoom.app.state.settings.webhook_mode = "manual"
    connect(zoom.http, owner, "olivia@zoom.acme.test", kind=ConnectionKind.ORGANIZATION)
    ann = Client.objects.create(org=owner.org, name="Ann Student", email="ann@example.com")
    session = zoom_session(consultant, lesson)
    session.clients.add(ann)
    run_worker_until_idle()
    link = MeetingLink.objects.get(session=session, provider="zoom")
    # The meeting was made ahead of time; the session then happened two hours ago.
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=1))
    session.refresh_from_db()
    zoom.http.post("/_emulator/webhooks/flush", json={"timeout": 10})
    return Held(session, int(link.external_id), ann, zoom)
