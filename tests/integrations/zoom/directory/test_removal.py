"""Removing the integration deletes everything synced and revokes the grant; adding it again re-syncs."""

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import removal, sync
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    DirectorySync,
    DirectoryUser,
    GroupMembership,
)
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection, ZoomTokenSet
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
)
from tests.support.zoom import connect


def snapshot() -> list[tuple[str, str, str, int, str]]:
    return sorted(
        DirectoryUser.objects.values_list("email", "zoom_user_id", "status", "user_type", "role_id")
    )


def test_it_revokes_deletes_everything_and_comes_back_as_zoom_has_it(
    emu: httpx.Client,
    synced: ZoomConnection,
    owner: Member,
    consultant: Member,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    DirectoryUser.objects.filter(email="carla@acme.test").update(member=consultant)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        counts = removal.remove_integration(owner)

    assert counts == {"users": 6, "links": 1, "roles": 4, "groups": 2}
    assert (ZoomConnection.objects.get().status, ZoomTokenSet.objects.count()) == ("revoked", 0)
    assert [(m, p, s) for m, p, s in calls_with_oauth(emu)] == [("POST", "/oauth/revoke", 200)]
    for model in (DirectoryUser, DirectoryRole, DirectoryGroup, GroupMembership, DirectorySync):
        assert model.objects.count() == 0
    entry = AuditEntry.objects.get(action="zoom_directory.integration_removed")
    assert (entry.actor, entry.detail) == (owner, {"revoked": True, **counts})

    connect(emu, owner, "olivia@acme.test", ConnectionKind.ORGANIZATION)
    assert sync.run_due(1) == 1

    assert snapshot() == before
    # Links are SessionDesk's and were deleted; the new first sync makes them again by email, and a
    # link that did not follow an email would be an admin's to make again.
    assert row("carla@acme.test").member == consultant
    assert row("olivia@acme.test").member == owner
    assert list(GroupMembership.objects.values_list("user__email", "group__name")) == [
        ("carla@acme.test", "Tutors")
    ]


def calls_with_oauth(emu: httpx.Client) -> list[tuple[str, str, int]]:
    found = emu.get("/_emulator/requests").json()["requests"]
    return [(r["method"], r["path"], r["status"]) for r in found]


def test_it_requires_an_admin(emu: httpx.Client, synced: ZoomConnection, consultant: Member) -> None:
    with pytest.raises(DirectoryRefused):
        removal.remove_integration(consultant)
    assert DirectoryUser.objects.count() == 6
    assert ZoomConnection.objects.get().status == "active"
