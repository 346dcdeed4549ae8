"""Offboarding through the emulator: access gone at once, meetings transferred, sessions flagged."""

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import offboard
from sessiondesk.integrations.zoom.directory.models import DirectoryUser, GroupMembership
from sessiondesk.integrations.zoom.directory.permissions import READ_ONLY, DirectoryRefused, ZoomRefused
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection, ZoomTokenSet
from sessiondesk.scheduling.models import Session, SessionType
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    clear,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
    zoom_user,
)
from tests.support.sessions import zoom_session
from zoom_emulator.app import EmulatorApp


def test_it_disassociates_by_default_and_flags_upcoming_sessions(
    emu: httpx.Client,
    dir_emulator: EmulatorApp,
    synced: ZoomConnection,
    admin: Member,
    consultant: Member,
    lesson: SessionType,
) -> None:
    carla = row("carla@acme.test")
    carla.member = consultant
    carla.save()
    session = zoom_session(consultant, lesson)

    flagged = offboard.offboard(admin, carla)

    assert flagged == 1
    assert calls(emu) == [("DELETE", "/v2/users/zu-carla", 204)]
    logged = emu.get("/_emulator/requests", params={"method": "DELETE"}).json()["requests"][0]
    assert logged["query"] == {"action": "disassociate"}
    assert zoom_user(dir_emulator, "carla@acme.test") is None
    assert not DirectoryUser.objects.filter(email="carla@acme.test").exists()
    assert GroupMembership.objects.count() == 0
    assert Session.objects.get(pk=session.pk).needs_reassignment is True
    entry = AuditEntry.objects.get(action="zoom_directory.offboarded")
    assert (entry.actor, entry.detail) == (
        admin,
        {
            "email": "carla@acme.test",
            "zoom_action": "disassociate",
            "transfer_to": "",
            "linked": "Carla Consultant",
            "sessions_flagged": 1,
            "zoom_status": 204,
        },
    )


def test_it_deletes_and_transfers_future_meetings(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    token = ZoomTokenSet.objects.get(connection=synced).access_token
    meeting = emu.post(
        "/v2/users/zu-carla/meetings",
        headers={"Authorization": f"Bearer {token}"},
        json={"topic": "Algebra", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 60},
    ).json()
    clear(emu)

    offboard.offboard(admin, row("carla@acme.test"), "delete", "adam@acme.test")

    logged = emu.get("/_emulator/requests", params={"method": "DELETE"}).json()["requests"][0]
    assert logged["query"] == {
        "action": "delete",
        "transfer_email": "adam@acme.test",
        "transfer_meeting": "true",
        "transfer_webinar": "true",
        "transfer_recording": "true",
    }
    assert dir_emulator.state.meetings[meeting["id"]].host_id == "zu-adam"


def test_it_refuses_a_transfer_to_someone_outside_the_account(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    with pytest.raises(DirectoryRefused, match="another active Zoom user"):
        offboard.offboard(admin, row("carla@acme.test"), "delete", "pat@acme.test")
    assert calls(emu) == []


def test_zoom_refusing_to_disassociate_an_admin_is_shown_with_its_remedy(
    emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    with pytest.raises(ZoomRefused) as raised:
        offboard.offboard(owner, row("adam@acme.test"))

    assert raised.value.text == (
        "Zoom refused: “You can not disassociate an Admin user.” Zoom does not let an admin be "
        "disassociated: change their role to Member first, or choose Delete."
    )
    assert DirectoryUser.objects.filter(email="adam@acme.test").exists()
    failed = AuditEntry.objects.get(action="zoom_directory.offboard_failed")
    assert (failed.detail["zoom_code"], failed.detail["email"]) == ("1117", "adam@acme.test")


def test_a_pending_user_listed_without_an_id_is_removed_by_email(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    offboard.offboard(admin, row("pat@acme.test"))

    assert calls(emu) == [("DELETE", "/v2/users/pat@acme.test", 204)]
    assert zoom_user(dir_emulator, "pat@acme.test") is None


def test_it_changes_nothing_when_read_only(emu: httpx.Client, synced: ZoomConnection, admin: Member) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)

    with pytest.raises(DirectoryRefused, match="Read-only") as raised:
        offboard.offboard(admin, row("carla@acme.test"))

    assert raised.value.message == READ_ONLY
    assert calls(emu) == []
    assert DirectoryUser.objects.filter(email="carla@acme.test").exists()


def test_it_requires_an_admin(emu: httpx.Client, synced: ZoomConnection, consultant: Member) -> None:
    with pytest.raises(DirectoryRefused, match="Only owners and admins"):
        offboard.offboard(consultant, row("carla@acme.test"))
    assert calls(emu) == []
