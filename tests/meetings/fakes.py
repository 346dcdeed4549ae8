"""A meeting provider for tests: records every call and fails on request; the ``recorder`` fixture
installs one under the name "zoom" for the duration of a test."""

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sessiondesk.meetings import providers
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers import Meeting, MeetingProvider, ProviderError
from sessiondesk.scheduling.models import Session


class RecordingProvider(MeetingProvider):
    name = "zoom"
    label = "Recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.failures: list[ProviderError] = []
        self.meetings: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()

    def build_payload(self, session: Session) -> dict[str, Any]:
        return {"topic": session.title, "start_time": session.start, "host": session.consultant_id}

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    def create(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        self.calls.append(("create", payload["topic"]))
        self._maybe_fail()
        with self._lock:
            meeting_id = str(next(self._ids))
        self.meetings[meeting_id] = {**payload, "intent": link.create_intent}
        return Meeting(
            external_id=meeting_id, join_url=f"https://meet.test/j/{meeting_id}", passcode="abc123",
            start_url=f"https://meet.test/s/{meeting_id}", host_label="Carla", status=201,
        )  # fmt: skip

    def update(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        self.calls.append(("update", payload["topic"]))
        self._maybe_fail()
        self.meetings[link.external_id].update(payload)
        return Meeting(
            external_id=link.external_id, join_url=f"https://meet.test/j/{link.external_id}", passcode="abc123",
            start_url=f"https://meet.test/s/{link.external_id}", host_label="Carla", status=204,
        )  # fmt: skip

    def delete(self, link: MeetingLink) -> int | None:
        self.calls.append(("delete", link.external_id))
        self._maybe_fail()
        self.meetings.pop(link.external_id, None)
        return 204

    def find(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting | None:
        self.calls.append(("find", link.create_intent))
        for meeting_id, meeting in self.meetings.items():
            if meeting["intent"] == link.create_intent:
                return Meeting(external_id=meeting_id)
        return None


@pytest.fixture(name="recorder")
def recorder_fixture() -> Iterator[RecordingProvider]:
    provider = RecordingProvider()
    providers.register("zoom", provider)
    yield provider
    providers.unregister("zoom")
