"""Incremental updates: changes made inside Zoom reach the directory as webhooks, with no list call."""

import httpx

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory.models import DirectoryUser, GroupMembership
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.scheduling.models import Session, SessionType
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
)
from tests.support.sessions import zoom_session


def as_zoom_admin(emu: httpx.Client, connection: ZoomConnection) -> dict[str, str]:
    """Someone working inside Zoom (here: through the API with the same grant)."""
    return {"Authorization": f"Bearer {ZoomTokenSet.objects.get(connection=connection).access_token}"}


def settle(emu: httpx.Client) -> list[str]:
    clear(emu)
    events = flush(emu)
    assert receive.process_due(20) == len(events)
    assert calls(emu) == []  # the events carry everything: no list or get call
    return events


def test_users_created_updated_and_deactivated_in_zoom_reach_the_directory(
    emu: httpx.Client, synced: ZoomConnection
) -> None:
    zoom = as_zoom_admin(emu, synced)
    body = {"action": "create", "user_info": {"email": "Zed@acme.test", "type": 1, "first_name": "Zed"}}
    zed_id = emu.post("/v2/users", headers=zoom, json=body).json()["id"]
    emu.patch("/v2/users/zu-dev", headers=zoom, json={"last_name": "Licensed", "type": 2})
    emu.put("/v2/users/zu-carla/status", headers=zoom, json={"action": "deactivate"})

    assert settle(emu) == ["user.created", "user.updated", "user.deactivated"]

    zed = row("zed@acme.test")
    assert (zed.zoom_user_id, zed.status, zed.first_name, zed.role_id) == (zed_id, "pending", "Zed", "2")
    dev = row("dev@acme.test")
    assert (dev.last_name, dev.user_type) == ("Licensed", 2)
    assert row("carla@acme.test").status == "inactive"

    emu.put("/v2/users/zu-carla/status", headers=zoom, json={"action": "activate"})
    emu.post(f"/_emulator/users/{zed_id}/accept")
    assert settle(emu) == ["user.activated", "user.invitation_accepted"]
    assert (row("carla@acme.test").status, row("zed@acme.test").status) == ("active", "active")


def test_a_pending_user_listed_without_an_id_learns_it_when_they_accept(
    emu: httpx.Client, synced: ZoomConnection
) -> None:
    assert row("pat@acme.test").zoom_user_id == ""
    emu.post("/_emulator/users/pat@acme.test/accept")
    settle(emu)
    assert (row("pat@acme.test").zoom_user_id, row("pat@acme.test").status) == ("zu-pat", "active")


def test_users_removed_in_zoom_leave_the_directory_and_flag_sessions(
    emu: httpx.Client, synced: ZoomConnection, consultant: Member, lesson: SessionType
) -> None:
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    session = zoom_session(consultant, lesson)
    zoom = as_zoom_admin(emu, synced)
    emu.delete("/v2/users/zu-carla", headers=zoom)
    emu.delete("/v2/users/zu-dev", headers=zoom, params={"action": "delete"})

    assert settle(emu) == ["user.disassociated", "user.deleted"]

    assert sorted(DirectoryUser.objects.values_list("email", flat=True)) == [
        "adam@acme.test",
        "cora@acme.test",
        "olivia@acme.test",
        "pat@acme.test",
    ]
    assert Session.objects.get(pk=session.pk).needs_reassignment is True


def test_group_membership_changes_in_zoom_reach_the_directory(
    emu: httpx.Client, synced: ZoomConnection
) -> None:
    zoom = as_zoom_admin(emu, synced)
    emu.post("/v2/groups/g-maths/members", headers=zoom, json={"members": [{"email": "dev@acme.test"}]})
    emu.delete("/v2/groups/g-tutors/members/zu-carla", headers=zoom)

    assert settle(emu) == ["group.member_added", "group.member_deleted"]

    assert list(GroupMembership.objects.values_list("user__email", "group__name")) == [
        ("dev@acme.test", "Maths")
    ]


def test_the_same_event_twice_changes_nothing_more(emu: httpx.Client, synced: ZoomConnection) -> None:
    zoom = as_zoom_admin(emu, synced)
    emu.post("/v2/groups/g-maths/members", headers=zoom, json={"members": [{"id": "zu-dev"}]})
    flush(emu)
    event = receive.WebhookEvent.objects.get(event="group.member_added")
    receive.process_due(10)
    receive.HANDLERS["group.member_added"](event)
    assert GroupMembership.objects.filter(group__name="Maths").count() == 1
