"""Onboarding through the emulator: pending until accepted, 1005 offers adoption, refusals change nothing."""

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import onboard
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.directory.permissions import READ_ONLY, DirectoryRefused
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection
from sessiondesk.integrations.zoom.webhooks import receive
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    flush,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
    zoom_user,
)
from zoom_emulator.app import EmulatorApp


def test_it_creates_the_zoom_user_pending_until_they_accept(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    user = onboard.onboard(admin, "Nia@Acme.test", "Nia", "New", 2, consultant)

    assert calls(emu) == [("POST", "/v2/users", 201)]
    created = zoom_user(dir_emulator, "nia@acme.test")
    assert (created.status, created.type, created.first_name, created.creation_type) == (
        "pending",
        2,
        "Nia",
        "create",
    )
    assert (user.email, user.status, user.zoom_user_id, user.member) == (
        "nia@acme.test",
        "pending",
        created.id,
        consultant,
    )
    entry = AuditEntry.objects.get(action="zoom_directory.onboarded")
    assert (entry.actor, entry.detail) == (
        admin,
        {
            "email": "nia@acme.test",
            "account_type": 2,
            "linked": "Carla Consultant",
            "zoom_status": 201,
            "zoom_user_id": created.id,
        },
    )

    assert emu.post(f"/_emulator/users/{created.id}/accept").status_code == 204
    assert flush(emu) == ["user.created", "user.invitation_accepted"]
    assert receive.process_due(10) == 2
    assert row("nia@acme.test").status == "active"


def test_an_email_zoom_already_has_offers_to_adopt_and_link_it(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").delete()  # made in Zoom since the last sync

    with pytest.raises(onboard.AlreadyExists) as raised:
        onboard.onboard(admin, "carla@acme.test", "Carla", "Again", 1)

    assert raised.value.code == "1005"
    assert raised.value.text == (
        'Zoom refused: “Email "carla@acme.test" has already been used.” That email already has a Zoom user '
        "in this account: adopt it and link it instead."
    )
    assert not DirectoryUser.objects.filter(email="carla@acme.test").exists()
    failed = AuditEntry.objects.get(action="zoom_directory.onboard_failed")
    assert (failed.detail["zoom_status"], failed.detail["zoom_code"]) == (409, "1005")

    user = onboard.adopt(admin, "carla@acme.test", consultant)

    assert (user.zoom_user_id, user.status, user.member) == ("zu-carla", "active", consultant)
    assert [m.group.name for m in user.memberships.all()] == ["Tutors"]
    assert calls(emu) == [("POST", "/v2/users", 409), ("GET", "/v2/users/carla@acme.test", 200)]
    assert AuditEntry.objects.get(action="zoom_directory.adopted").detail["zoom_user_id"] == "zu-carla"


CARLA_LINKED = (
    "carla@acme.test is already in the organisation's Zoom account and linked to Carla Consultant: "
    "there is nothing to onboard or adopt."
)


def test_an_email_already_in_the_account_and_linked_is_neither_created_nor_adopted(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)

    with pytest.raises(onboard.AlreadyInAccount) as onboarding:
        onboard.onboard(admin, "Carla@Acme.test", "Carla", "Again", 1)
    with pytest.raises(onboard.AlreadyInAccount) as adopting:
        onboard.adopt(admin, "carla@acme.test", admin)

    assert (onboarding.value.message, adopting.value.message) == (CARLA_LINKED, CARLA_LINKED)
    assert calls(emu) == []
    assert row("carla@acme.test").member == consultant
    assert DirectoryUser.objects.count() == 6
    assert not AuditEntry.objects.filter(action__startswith="zoom_directory.").exists()


def test_an_email_already_in_the_account_but_unlinked_points_to_linking_it(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    with pytest.raises(onboard.AlreadyInAccount) as raised:
        onboard.onboard(admin, "dev@acme.test", "Dev", "Again", 1, consultant)

    assert raised.value.message == (
        "dev@acme.test is already in the organisation's Zoom account, linked to no member: link it on its "
        "page instead."
    )
    assert calls(emu) == []
    assert row("dev@acme.test").member is None
    assert not AuditEntry.objects.filter(action__startswith="zoom_directory.").exists()


def test_it_requires_an_admin(emu: httpx.Client, synced: ZoomConnection, consultant: Member) -> None:
    with pytest.raises(DirectoryRefused, match="Only owners and admins"):
        onboard.onboard(consultant, "nia@acme.test", "Nia", "New", 1)
    assert calls(emu) == []
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()


def test_it_changes_nothing_when_read_only(emu: httpx.Client, synced: ZoomConnection, admin: Member) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)

    with pytest.raises(DirectoryRefused) as raised:
        onboard.onboard(admin, "nia@acme.test", "Nia", "New", 1)

    assert raised.value.message == READ_ONLY
    assert calls(emu) == []
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()
    assert not AuditEntry.objects.filter(action__startswith="zoom_directory.onboard").exists()


def test_it_refuses_when_the_grant_lacks_the_write_scopes(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(granted_scopes="user:read:list_users:admin")

    with pytest.raises(DirectoryRefused, match="lacks user:write:user:admin, user:update:user:admin"):
        onboard.onboard(admin, "nia@acme.test", "Nia", "New", 1)
    assert calls(emu) == []


def test_other_zoom_errors_are_shown_with_their_remedy(
    emu: httpx.Client, synced: ZoomConnection, admin: Member
) -> None:
    fault = {"kind": "error", "path": "/v2/users", "methods": ["POST"], "status": 503, "count": 1}
    assert emu.post("/_emulator/faults", json=fault).status_code == 201

    with pytest.raises(onboard.permissions.ZoomRefused) as raised:
        onboard.onboard(admin, "nia@acme.test", "Nia", "New", 1)

    assert raised.value.remedy == "Zoom did not answer properly; SessionDesk tries again shortly."
    assert not DirectoryUser.objects.filter(email="nia@acme.test").exists()
