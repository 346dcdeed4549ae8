"""API callers for the shared cast: ``call_as(member)`` gives a client that sends the member's token.
Also the Zoom emulator in-process (the same fixture the Zoom tests use)."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from sessiondesk.accounts.tokens import create_token
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.actions import SessionDraft
from sessiondesk.scheduling.models import AvailabilityRule, Calendar, Client, Session, SessionType
from tests.integrations.zoom.conftest import zoom
from tests.scheduling.conftest import future

__all__ = ["future", "zoom"]


class Api:
    def __init__(self, raw_token: str | None) -> None:
        self.http = HttpClient()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> HttpResponse:
        return self.http.get("/api/v1" + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | bytes | None = None) -> HttpResponse:
        return self._send("post", path, body, raw)

    def patch(self, path: str, body: Any = None, *, raw: str | bytes | None = None) -> HttpResponse:
        return self._send("patch", path, body, raw)

    def _send(self, method: str, path: str, body: Any, raw: str | bytes | None) -> HttpResponse:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        send = getattr(self.http, method)
        return send("/api/v1" + path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def call_as(db: None) -> Callable[[Member], Api]:
    def make(member: Member) -> Api:
        _, raw = create_token(member, "tests")
        return Api(raw)

    return make


def iso(moment: dt.datetime) -> str:
    """How the API writes an instant: UTC with a Z."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def schedule(
    member: Member, title: str, start: dt.datetime, *, clients: list[Client] = (), **kw: Any
) -> Session:
    session_type = kw.pop("session_type", None) or SessionType.objects.get(org=member.org, name="Lesson")
    draft = SessionDraft(
        title=title,
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=session_type,
        consultant=member,
        clients=list(clients),
        **kw,
    )
    return actions.schedule_session(member.org, draft, actor=member)


@pytest.fixture
def carla_calendar(consultant: Member, lesson: SessionType) -> Calendar:
    """Carla's personal calendar; she works weekdays 9:00-12:00 in New York."""
    for weekday in range(5):
        AvailabilityRule.objects.create(
            member=consultant, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
    calendar = Calendar.objects.create(
        org=consultant.org,
        name="Carla's lessons",
        slug="carla",
        session_type=lesson,
        min_notice_minutes=0,
        slot_interval_minutes=60,
    )
    calendar.members.set([consultant])
    return calendar
