"""Sessions for meeting tests, made directly with the ORM so these tests do not depend on booking rules."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.meetings import desired, providers
from sessiondesk.scheduling.models import Client, Provider, Session, SessionType
from tests.meetings.fakes import RecordingProvider


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """The cast's passwords are hashed per test; the default hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_session(consultant: Member, session_type: SessionType, **fields: object) -> Session:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    values: dict[str, object] = {
        "org": consultant.org,
        "title": "Algebra lesson",
        "session_type": session_type,
        "consultant": consultant,
        "start": start,
        "end": start + dt.timedelta(hours=1),
        "is_online": True,
        "provider": Provider.CUSTOM,
        "custom_meeting_url": "https://meet.example.test/carla",
    }
    values.update(fields)
    session = Session.objects.create(**values)
    desired.session_changed(session)
    return session


@pytest.fixture
def recorder() -> Iterator[RecordingProvider]:
    """Installs a recording provider under the name "zoom" for the duration of a test."""
    provider = RecordingProvider()
    providers.register("zoom", provider)
    yield provider
    providers.unregister("zoom")


@pytest.fixture
def zoom_session(consultant: Member, lesson: SessionType, recorder: RecordingProvider) -> Session:
    return make_session(consultant, lesson, provider=Provider.ZOOM, custom_meeting_url="")


@pytest.fixture
def session(consultant: Member, lesson: SessionType, student: Client) -> Session:
    s = make_session(consultant, lesson)
    s.clients.add(student)
    return s
