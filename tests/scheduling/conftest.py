import datetime as dt
import zoneinfo

import pytest

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.actions import SessionDraft
from sessiondesk.scheduling.models import Client, SessionType

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def future(days: int, hour: int, tz: zoneinfo.ZoneInfo = NEW_YORK) -> dt.datetime:
    """A whole hour some days from now, in ``tz``."""
    day = dt.datetime.now(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


@pytest.fixture
def draft(consultant: Member, student: Client, lesson: SessionType) -> SessionDraft:
    start = future(3, 10)
    return SessionDraft(
        title="Algebra",
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=lesson,
        consultant=consultant,
        clients=[student],
    )
