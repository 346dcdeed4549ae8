"""Fixtures of the meeting tests: a recording provider in Zoom's place, and sessions on it."""

import pytest

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import Client, Session, SessionType
from tests.meetings.fakes import RecordingProvider, recorder_fixture
from tests.support.sessions import make_session, zoom_session

__all__ = ["recorder_fixture"]


@pytest.fixture(name="zoom_session")
def zoom_session_fixture(consultant: Member, lesson: SessionType, recorder: RecordingProvider) -> Session:
    return zoom_session(consultant, lesson)


@pytest.fixture
def session(consultant: Member, lesson: SessionType, student: Client) -> Session:
    s = make_session(consultant, lesson)
    s.clients.add(student)
    return s
