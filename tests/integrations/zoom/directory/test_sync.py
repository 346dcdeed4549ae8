"""The full directory sync against the emulator: every status, roles, groups, memberships, paging."""

import datetime as dt

import httpx
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory import sync
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    DirectorySync,
    DirectoryUser,
    GroupMembership,
)
from sessiondesk.integrations.zoom.models import ZoomConnection
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
)
from tests.support.sessions import zoom_session
from zoom_emulator.app import EmulatorApp
from zoom_emulator.users.models import User

LISTS = [
    ("GET", "/v2/roles", 200),
    ("GET", "/v2/groups", 200),
    ("GET", "/v2/users", 200),
    ("GET", "/v2/users", 200),
    ("GET", "/v2/users", 200),
]


def test_it_syncs_users_of_every_status_with_roles_groups_and_memberships(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member
) -> None:
    state = sync.run(owner.org)

    assert state is not None
    assert (state.state, state.list_calls, state.users_done, state.users_total) == ("idle", 5, 6, 6)
    assert calls(emu) == LISTS
    users = {u.email: (u.zoom_user_id, u.status, u.user_type, u.role_id) for u in DirectoryUser.objects.all()}
    assert users == {
        "olivia@acme.test": ("zu-olivia", "active", 2, "0"),
        "adam@acme.test": ("zu-adam", "active", 2, "1"),
        "carla@acme.test": ("zu-carla", "active", 2, "2"),
        "dev@acme.test": ("zu-dev", "active", 1, "2"),
        "cora@acme.test": ("zu-cora", "inactive", 3, "2"),
        "pat@acme.test": ("", "pending", 1, "2"),  # Zoom lists pending users without their id
    }
    assert row("cora@acme.test").account_type == "On-prem (Corporate)"
    assert sorted(DirectoryRole.objects.values_list("zoom_role_id", "name")) == [
        ("0", "Owner"),
        ("1", "Admin"),
        ("2", "Member"),
        ("r-scheduler", "Scheduler"),
    ]
    assert sorted(DirectoryGroup.objects.values_list("name", flat=True)) == ["Maths", "Tutors"]
    assert list(GroupMembership.objects.values_list("user__email", "group__name")) == [
        ("carla@acme.test", "Tutors")
    ]
    assert state.rows_written == 6 + 4 + 2 + 1


def test_it_writes_nothing_when_nothing_changed(
    emu: httpx.Client, synced: ZoomConnection, owner: Member
) -> None:
    state = sync.run(owner.org)

    assert state is not None
    assert (state.rows_written, state.list_calls) == (0, 5)


def test_it_pages_through_users_300_at_a_time(
    emu: httpx.Client, dir_emulator: EmulatorApp, org_zoom: ZoomConnection, owner: Member
) -> None:
    with dir_emulator.state.lock:
        for n in range(650):
            user = User(
                id=f"zu-bulk-{n:04}", account_id="acct-acme", email=f"bulk{n:04}@acme.test", created_at=n
            )
            dir_emulator.state.users[user.id] = user

    state = sync.run(owner.org)

    assert state is not None
    # 655 active users: 3 pages; then one page each of inactive and pending users.
    assert [c[1] for c in calls(emu)].count("/v2/users") == 5
    assert (state.list_calls, state.users_total) == (7, 656)
    assert DirectoryUser.objects.count() == 656
    sizes = emu.get("/_emulator/requests", params={"path": "/v2/users"}).json()["requests"]
    assert {r["query"].get("page_size") for r in sizes} == {"300"}


def test_it_forgets_users_who_left_zoom_and_flags_their_sessions(
    emu: httpx.Client,
    dir_emulator: EmulatorApp,
    synced: ZoomConnection,
    owner: Member,
    consultant: Member,
    lesson: SessionType,
) -> None:
    carla = row("carla@acme.test")
    carla.member = consultant
    carla.save()
    session = zoom_session(consultant, lesson)
    with dir_emulator.state.lock:
        del dir_emulator.state.users["zu-carla"]
        dir_emulator.state.group_members["g-tutors"] = []

    state = sync.run(owner.org)

    assert state is not None
    assert not DirectoryUser.objects.filter(email="carla@acme.test").exists()
    assert GroupMembership.objects.count() == 0
    assert Session.objects.get(pk=session.pk).needs_reassignment is True


def test_it_records_a_failed_sync_and_tries_again_later(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member
) -> None:
    fault = {"kind": "error", "path": "/v2/users", "status": 503, "count": 1}
    assert emu.post("/_emulator/faults", json=fault).status_code == 201

    state = sync.run(owner.org)

    assert state is not None
    assert state.state == "failed"
    assert state.last_error.startswith("Zoom did not answer the directory sync:")
    assert dt.timedelta(minutes=14) < state.next_run_at - timezone.now() <= dt.timedelta(minutes=15)
    assert DirectoryUser.objects.count() == 0  # nothing half-written
    assert DirectoryRole.objects.count() == 0


def test_it_waits_out_a_rate_limit_and_carries_on(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member
) -> None:
    fault = {"kind": "rate_limit", "path": "/v2/users", "count": 1}
    assert emu.post("/_emulator/faults", json=fault).status_code == 201

    state = sync.run(owner.org)

    assert state is not None
    assert state.state == "idle"
    logged = emu.get("/_emulator/requests", params={"path": "/v2/users"}).json()["requests"]
    assert [(r["query"]["status"], r["fault"]) for r in logged] == [
        ("active", "rate_limit"),
        ("active", None),
        ("inactive", None),
        ("pending", None),
    ]
    assert DirectoryUser.objects.count() == 6


def test_the_worker_syncs_a_new_connection_then_waits_for_the_interval(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_DIRECTORY_SYNC_MINUTES = 60
    assert sync.run_due(1) == 1
    assert DirectoryUser.objects.count() == 6
    clear(emu)
    assert sync.run_due(1) == 0
    assert calls(emu) == []
    state = DirectorySync.objects.get(org=owner.org)
    assert dt.timedelta(minutes=59) < state.next_run_at - timezone.now() <= dt.timedelta(minutes=60)


def test_a_sync_requested_by_an_admin_runs_at_once(
    emu: httpx.Client, synced: ZoomConnection, owner: Member, admin: Member
) -> None:
    sync.request(admin)
    assert sync.run_due(1) == 1
    assert calls(emu) == LISTS
    assert DirectorySync.objects.get(org=owner.org).requested_at is None


def test_a_second_sync_does_not_start_while_one_runs(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member
) -> None:
    DirectorySync.objects.create(org=owner.org, state="running", started_at=timezone.now())
    assert sync.run(owner.org) is None
    assert calls(emu) == []
