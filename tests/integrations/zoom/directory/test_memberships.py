"""Roles and groups through the emulator, and the queue that holds changes for pending users."""

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import memberships, onboard, queue
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    GroupMembership,
    QueuedChange,
)
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection
from sessiondesk.integrations.zoom.webhooks import receive
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    clear,
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


def role(zoom_id: str) -> DirectoryRole:
    return DirectoryRole.objects.get(zoom_role_id=zoom_id)


def group(name: str) -> DirectoryGroup:
    return DirectoryGroup.objects.get(name=name)


def test_it_changes_a_role_and_back_to_member(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    assert memberships.change_role(admin, row("carla@acme.test"), role("r-scheduler")) is True
    assert zoom_user(dir_emulator, "carla@acme.test").role_id == "r-scheduler"
    assert row("carla@acme.test").role_id == "r-scheduler"

    assert memberships.change_role(admin, row("carla@acme.test"), role("2")) is True
    assert zoom_user(dir_emulator, "carla@acme.test").role_id == "2"
    assert calls(emu) == [
        ("POST", "/v2/roles/r-scheduler/members", 201),
        ("DELETE", "/v2/roles/r-scheduler/members/zu-carla", 204),
    ]
    details = [
        e.detail for e in AuditEntry.objects.filter(action="zoom_directory.role_changed").order_by("id")
    ]
    assert details == [
        {"email": "carla@acme.test", "role": "Scheduler", "zoom_status": 201},
        {"email": "carla@acme.test", "role": "Member", "zoom_status": 204},
    ]


def test_it_never_touches_the_owner_role(emu: httpx.Client, synced: ZoomConnection, owner: Member) -> None:
    with pytest.raises(DirectoryRefused, match="account owner"):
        memberships.change_role(owner, row("olivia@acme.test"), role("1"))
    with pytest.raises(DirectoryRefused, match="account owner"):
        memberships.change_role(owner, row("carla@acme.test"), role("0"))
    assert calls(emu) == []


def test_it_adds_to_and_removes_from_groups(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    assert memberships.add_to_group(admin, row("dev@acme.test"), group("Maths")) is True
    assert dir_emulator.state.group_members["g-maths"] == ["zu-dev"]
    assert list(
        GroupMembership.objects.filter(user__email="dev@acme.test").values_list("group__name", flat=True)
    ) == ["Maths"]

    assert memberships.remove_from_group(admin, row("carla@acme.test"), group("Tutors")) is True
    assert dir_emulator.state.group_members["g-tutors"] == []
    assert not GroupMembership.objects.filter(user__email="carla@acme.test").exists()
    assert calls(emu) == [
        ("POST", "/v2/groups/g-maths/members", 201),
        ("DELETE", "/v2/groups/g-tutors/members/zu-carla", 204),
    ]
    assert (
        AuditEntry.objects.filter(
            action__in=["zoom_directory.group_added", "zoom_directory.group_removed"]
        ).count()
        == 2
    )


def test_group_and_role_changes_for_a_pending_user_wait_until_they_accept(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    nia = onboard.onboard(admin, "nia@acme.test", "Nia", "New", 2)
    clear(emu)

    assert memberships.add_to_group(admin, nia, group("Tutors")) is False
    assert memberships.add_to_group(admin, nia, group("Maths")) is False
    assert memberships.change_role(admin, nia, role("r-scheduler")) is False
    assert memberships.remove_from_group(admin, nia, group("Maths")) is True  # cancels the queued add

    assert calls(emu) == []  # Zoom would answer 201 and drop them
    assert list(QueuedChange.objects.values_list("kind", "target_name")) == [
        ("add_group", "Tutors"),
        ("set_role", "Scheduler"),
    ]
    assert queue.apply_due(10) == 0  # still pending

    emu.post(f"/_emulator/users/{nia.zoom_user_id}/accept")
    flush(emu)
    receive.process_due(10)
    assert row("nia@acme.test").status == "active"
    assert queue.apply_due(10) == 2

    created = zoom_user(dir_emulator, "nia@acme.test")
    assert (created.group_ids, created.role_id) == (["g-tutors"], "r-scheduler")
    assert calls(emu) == [
        ("POST", "/v2/groups/g-tutors/members", 201),
        ("POST", "/v2/roles/r-scheduler/members", 201),
    ]
    assert QueuedChange.objects.count() == 0
    assert list(
        GroupMembership.objects.filter(user__email="nia@acme.test").values_list("group__name", flat=True)
    ) == ["Tutors"]
    assert row("nia@acme.test").role_id == "r-scheduler"
    applied = AuditEntry.objects.filter(action="zoom_directory.queued_change_applied")
    assert sorted(e.detail["target"] for e in applied) == ["Scheduler", "Tutors"]
    assert {e.actor for e in applied} == {admin}


def test_a_queued_change_zoom_refuses_is_kept_and_tried_again(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    nia = onboard.onboard(admin, "nia@acme.test", "Nia", "New", 2)
    memberships.add_to_group(admin, nia, group("Tutors"))
    emu.post(f"/_emulator/users/{nia.zoom_user_id}/accept")
    flush(emu)
    receive.process_due(10)
    fault = {"kind": "error", "path": "/v2/groups/*/members", "status": 503, "count": 1}
    assert emu.post("/_emulator/faults", json=fault).status_code == 201

    assert queue.apply_due(10) == 0

    change = QueuedChange.objects.get()
    assert (change.attempts, change.last_error.startswith("Zoom refused:")) == (1, True)
    QueuedChange.objects.update(next_attempt_at=change.created_at)
    assert queue.apply_due(10) == 1
    assert zoom_user(dir_emulator, "nia@acme.test").group_ids == ["g-tutors"]


def test_it_changes_nothing_when_read_only(emu: httpx.Client, synced: ZoomConnection, admin: Member) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)
    with pytest.raises(DirectoryRefused, match="Read-only"):
        memberships.change_role(admin, row("carla@acme.test"), role("r-scheduler"))
    with pytest.raises(DirectoryRefused, match="Read-only"):
        memberships.add_to_group(admin, row("dev@acme.test"), group("Maths"))
    with pytest.raises(DirectoryRefused, match="Read-only"):
        memberships.remove_from_group(admin, row("carla@acme.test"), group("Tutors"))
    assert calls(emu) == []
    assert GroupMembership.objects.count() == 1
    assert QueuedChange.objects.count() == 0


def test_a_queued_change_is_sent_once_when_two_workers_hold_it(
    emu: httpx.Client, dir_emulator: EmulatorApp, synced: ZoomConnection, admin: Member
) -> None:
    nia = onboard.onboard(admin, "nia@acme.test", "Nia", "New", 2)
    memberships.add_to_group(admin, nia, group("Tutors"))
    emu.post(f"/_emulator/users/{nia.zoom_user_id}/accept")
    flush(emu)
    receive.process_due(10)
    held_by_other_worker = QueuedChange.objects.select_related("user__org", "queued_by").get()
    clear(emu)

    assert queue.apply_due(10) == 1
    assert queue.apply(held_by_other_worker) is False

    assert calls(emu) == [("POST", "/v2/groups/g-tutors/members", 201)]
    assert AuditEntry.objects.filter(action="zoom_directory.queued_change_applied").count() == 1
