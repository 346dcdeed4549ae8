"""The periodic sweep against the emulator over HTTP: a meeting is missing only when Zoom says so."""

import datetime as dt
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.meetings import sweep
from sessiondesk.integrations.zoom.models import ConnectionStatus, SweepCursor, ZoomConnection
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Session, SessionStatus, SessionType
from tests.integrations.zoom.meeting_event_fixtures import (
    emulator_meeting,
    holding,
)
from tests.integrations.zoom.token_fixtures import carla_zoom_fixture, emu_fixture, token_emulator_fixture  # noqa: F401
from tests.meetings.fakes import recorder_fixture  # noqa: F401
from tests.support.sessions import zoom_session


@pytest.fixture
def zoom_link(
    emu: httpx.Client, carla_zoom: ZoomConnection, consultant: Member, lesson: SessionType, recorder: Any
):  # type: ignore[no-untyped-def]
    """Carla's session whose meeting really exists at the emulator."""
    return linked(emu, carla_zoom, zoom_session(consultant, lesson))


def linked(emu: httpx.Client, connection: ZoomConnection, session: Session) -> MeetingLink:
    meeting = emulator_meeting(emu, connection, session)
    link = holding(session, meeting["id"], meeting["join_url"])
    assert emu.delete("/_emulator/requests").status_code == 204
    return link


def zoom_calls(emu: httpx.Client) -> list[tuple[str, str, int]]:
    found = emu.get("/_emulator/requests", params={"path_prefix": "/v2/"}).json()["requests"]
    return [(r["method"], r["path"], r["status"]) for r in found]


def bearer(connection: ZoomConnection) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.access_token(connection)}"}


def snapshot(link: MeetingLink) -> dict[str, Any]:
    return MeetingLink.objects.values().get(pk=link.pk)


def test_a_meeting_that_matches_is_left_alone(emu: httpx.Client, zoom_link: MeetingLink) -> None:
    before = snapshot(zoom_link)

    assert sweep.check(zoom_link.pk) == "ok"

    assert zoom_calls(emu) == [("GET", f"/v2/meetings/{zoom_link.external_id}", 200)]
    assert snapshot(zoom_link) == before
    assert AuditEntry.objects.filter(action__startswith="meeting.").count() == 0


def test_a_meeting_deleted_in_zoom_whose_webhook_was_lost_is_marked_missing(
    emu: httpx.Client, zoom_link: MeetingLink, carla_zoom: ZoomConnection
) -> None:
    meeting_id = zoom_link.external_id
    # Someone deletes it on Zoom's web page; the emulator holds webhooks (manual mode): the event is lost.
    gone = emu.post(f"/web/meetings/{meeting_id}/delete")
    assert gone.status_code == 303, gone.text
    version = zoom_link.desired_version

    assert sweep.check(zoom_link.pk) == "missing"

    zoom_link.refresh_from_db()
    assert (zoom_link.state, zoom_link.desired_version) == (LinkState.PENDING, version + 1)
    assert (zoom_link.external_id, zoom_link.join_url, zoom_link.applied_payload) == ("", "", None)
    entry = AuditEntry.objects.get(action="meeting.deleted_in_zoom")
    assert entry.detail == {"meeting_id": meeting_id, "outcome": "recreating", "source": "sweep"}


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "error", "status": 503},
        {"kind": "error", "status": 500},
        {"kind": "rate_limit"},
        {"kind": "timeout"},
        {"kind": "drop"},
    ],
    ids=["503", "500", "429", "timeout", "dropped"],
)
def test_a_transient_error_never_marks_a_meeting_missing(
    emu: httpx.Client, zoom_link: MeetingLink, fault: dict[str, Any]
) -> None:
    added = emu.post("/_emulator/faults", json={**fault, "path": "/v2/meetings/*", "methods": ["GET"]})
    assert added.status_code in (200, 201), added.text
    before = snapshot(zoom_link)

    assert sweep.check(zoom_link.pk) == "skipped"

    assert snapshot(zoom_link) == before
    assert AuditEntry.objects.filter(action="meeting.deleted_in_zoom").count() == 0


def test_a_time_or_topic_changed_in_zoom_is_put_back(
    emu: httpx.Client, zoom_link: MeetingLink, carla_zoom: ZoomConnection
) -> None:
    meeting_id = zoom_link.external_id
    # Renamed on Zoom's web page; the emulator holds webhooks (manual mode): the event is lost.
    patched = emu.post(f"/web/meetings/{meeting_id}/edit", data={"topic": "Renamed in Zoom"})
    assert patched.status_code == 303, patched.text
    version = zoom_link.desired_version

    assert sweep.check(zoom_link.pk) == "changed"

    zoom_link.refresh_from_db()
    assert (zoom_link.state, zoom_link.desired_version) == (LinkState.PENDING, version + 1)
    assert zoom_link.external_id == meeting_id
    entry = AuditEntry.objects.get(action="meeting.changed_in_zoom")
    assert entry.detail["changes"] == {"topic": {"from": "Algebra lesson", "to": "Renamed in Zoom"}}
    assert entry.detail["source"] == "sweep"


def test_without_a_usable_connection_it_asks_nothing_and_keeps_the_link(
    emu: httpx.Client, zoom_link: MeetingLink, carla_zoom: ZoomConnection
) -> None:
    ZoomConnection.objects.filter(pk=carla_zoom.pk).update(status=ConnectionStatus.REVOKED)
    before = snapshot(zoom_link)

    assert sweep.check(zoom_link.pk) == "skipped"

    assert zoom_calls(emu) == []
    assert snapshot(zoom_link) == before


def test_each_pass_checks_a_bounded_number_and_then_waits(
    emu: httpx.Client, carla_zoom: ZoomConnection, consultant: Member, lesson: SessionType, recorder: Any
) -> None:
    links = [linked(emu, carla_zoom, zoom_session(consultant, lesson, title=f"Lesson {i}")) for i in range(3)]

    def due_now() -> None:
        SweepCursor.objects.filter(name=sweep.CURSOR).update(next_run_at=timezone.now())

    def checked() -> list[str]:
        ids = [p.rsplit("/", 1)[1] for _, p, _ in zoom_calls(emu)]
        assert emu.delete("/_emulator/requests").status_code == 204
        return ids

    assert sweep.run(2) == 2
    assert checked() == [links[0].external_id, links[1].external_id]
    assert sweep.run(2) == 0  # the next pass is not due yet
    assert checked() == []
    due_now()
    assert sweep.run(2) == 1
    assert checked() == [links[2].external_id]
    due_now()
    assert sweep.run(2) == 2  # from the beginning again
    assert checked() == [links[0].external_id, links[1].external_id]


def test_it_only_looks_at_settled_upcoming_sessions(
    emu: httpx.Client,
    zoom_link: MeetingLink,
    consultant: Member,
    lesson: SessionType,
    carla_zoom: ZoomConnection,
) -> None:
    now = timezone.now()
    linked(
        emu,
        carla_zoom,
        zoom_session(
            consultant, lesson, start=now + dt.timedelta(days=45), end=now + dt.timedelta(days=45, hours=1)
        ),
    )
    past = linked(emu, carla_zoom, zoom_session(consultant, lesson))
    Session.objects.filter(pk=past.session_id).update(
        start=now - dt.timedelta(hours=2), end=now - dt.timedelta(hours=1)
    )
    cancelled = linked(emu, carla_zoom, zoom_session(consultant, lesson))
    Session.objects.filter(pk=cancelled.session_id).update(status=SessionStatus.CANCELLED)
    pending = linked(emu, carla_zoom, zoom_session(consultant, lesson))
    MeetingLink.objects.filter(pk=pending.pk).update(state=LinkState.PENDING)

    assert list(sweep.candidates(now).values_list("pk", flat=True)) == [zoom_link.pk]


def test_its_calls_take_turns_with_the_sync_in_the_accounts_pace(
    zoom_link: MeetingLink, carla_zoom: ZoomConnection, settings: Any
) -> None:
    from sessiondesk.integrations.zoom.models import AccountPace

    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 5
    started = timezone.now()

    assert sweep.check(zoom_link.pk) == "ok"

    pace = AccountPace.objects.get(zoom_account_id=carla_zoom.zoom_account_id)
    assert pace.next_slot_at >= started + dt.timedelta(seconds=0.2)
