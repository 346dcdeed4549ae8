"""A consultant linked to a Zoom user of the organisation account hosts their sessions' meetings."""

import httpx
import pytest

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import links
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused
from sessiondesk.integrations.zoom.meetings import hosts
from sessiondesk.integrations.zoom.models import AdminMode, ZoomConnection
from sessiondesk.scheduling.models import SessionType
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
)
from tests.support.sessions import zoom_session


def test_a_linked_consultant_hosts_in_their_own_zoom_user(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member, lesson: SessionType
) -> None:
    session = zoom_session(consultant, lesson)
    assert hosts.host_for(session).zoom_user_id == "zu-olivia"  # unlinked: the connecting admin's user

    links.link(admin, row("carla@acme.test"), consultant)

    decision = hosts.host_for(session)
    assert (decision.path_user, decision.host_email, decision.host_member_id) == (
        "zu-carla",
        "carla@acme.test",
        consultant.pk,
    )
    assert AuditEntry.objects.get(action="zoom_directory.linked").detail == {
        "email": "carla@acme.test",
        "member": "Carla Consultant",
        "previous": "",
    }


def test_a_pending_zoom_user_does_not_host_yet(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member, lesson: SessionType
) -> None:
    links.link(admin, row("pat@acme.test"), consultant)
    assert hosts.host_for(zoom_session(consultant, lesson)).zoom_user_id == "zu-olivia"


def test_linking_works_in_read_only_and_never_calls_zoom(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member
) -> None:
    ZoomConnection.objects.filter(pk=synced.pk).update(admin_mode=AdminMode.READ_ONLY)
    links.link(admin, row("carla@acme.test"), consultant)
    links.link(admin, row("carla@acme.test"), None)
    assert row("carla@acme.test").member is None
    assert calls(emu) == []


def test_a_member_holds_one_zoom_user_and_staff_hold_none(
    emu: httpx.Client, synced: ZoomConnection, admin: Member, consultant: Member, staff: Member
) -> None:
    links.link(admin, row("carla@acme.test"), consultant)
    with pytest.raises(DirectoryRefused, match=r"already linked to the Zoom user carla@acme\.test"):
        links.link(admin, row("dev@acme.test"), consultant)
    with pytest.raises(DirectoryRefused, match="host sessions"):
        links.link(admin, row("dev@acme.test"), staff)
    with pytest.raises(DirectoryRefused, match="Only owners and admins"):
        links.link(consultant, row("dev@acme.test"), consultant)
    assert row("dev@acme.test").member is None
