"""Session-page helpers: a fixed "now" so times, weeks and DST changes read as exact values."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.actions import SessionDraft
from sessiondesk.scheduling.models import Client, Provider, Session, SessionType
from sessiondesk.scheduling.recurrence import Repeat

# A Monday, two weeks before New York springs forward (2027-03-14) and four before London (03-28).
NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DASH = "\N{EN DASH}"  # the pages write time ranges as 16:00–17:00


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def ny(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A wall-clock time in New York in 2027."""
    return dt.datetime(2027, month, day, hour, minute, tzinfo=NEW_YORK)


def book(
    consultant: Member,
    session_type: SessionType,
    start: dt.datetime,
    *,
    title: str = "Algebra",
    clients: list[Client] | None = None,
    minutes: int = 60,
    repeat: Repeat | None = None,
    actor: Member | None = None,
    **fields: object,
) -> Session:
    draft = SessionDraft(
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        session_type=session_type,
        consultant=consultant,
        clients=clients or [],
        **fields,  # type: ignore[arg-type]
    )
    return actions.schedule_session(consultant.org, draft, actor=actor or consultant, repeat=repeat)


@pytest.fixture
def algebra(consultant: Member, lesson: SessionType, student: Client) -> Session:
    """Carla's lesson with Stu on Wednesday 3 March 2027, 16:00 to 17:00 New York (21:00 UTC)."""
    return book(
        consultant,
        lesson,
        ny(3, 16),
        clients=[student],
        provider=Provider.CUSTOM,
        custom_meeting_url="https://meet.example.test/carla",
    )


@pytest.fixture
def weekly(consultant: Member, lesson: SessionType, student: Client) -> list[Session]:
    """Carla's four weekly lessons with Stu, Thursdays at 15:00 New York from 4 March 2027."""
    first = book(
        consultant, lesson, ny(4, 15), title="Weekly lesson", clients=[student], repeat=Repeat(count=4)
    )
    return list(Session.objects.filter(series_id=first.series_id).order_by("series_index"))
