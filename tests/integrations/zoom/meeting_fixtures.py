"""Fixtures of the Zoom meeting tests: pacing off, a backoff wait skipped, and what Zoom holds
(sessions, connections and the worker are in ``tests.support``)."""

from typing import Any

import pytest
from django.utils import timezone

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session


@pytest.fixture(autouse=True)
def unpaced(settings) -> None:  # type: ignore[no-untyped-def]
    """Pacing has its own tests; here it would only slow the suite down."""
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0


def due_now(session: Session) -> None:
    """Skip the backoff wait, as if time had passed."""
    MeetingLink.objects.filter(session=session).update(next_attempt_at=timezone.now())


def link_of(session: Session) -> MeetingLink:
    return MeetingLink.objects.get(session=session, provider="zoom")


def calls(zoom: Any) -> list[tuple[str, str, int]]:
    """Zoom's request log as (method, path, status), oldest first."""
    found = zoom.http.get("/_emulator/requests").json()["requests"]
    return [(r["method"], r["path"], r["status"]) for r in found if r["path"].startswith("/v2/")]


def live_meetings(zoom: Any) -> list[Any]:
    return [m for m in zoom.app.state.meetings.values() if m.deleted_at is None]


def clear_log(zoom: Any) -> None:
    assert zoom.http.delete("/_emulator/requests").status_code == 204
