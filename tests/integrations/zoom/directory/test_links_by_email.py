"""The first sync links each new Zoom user to the member with the same email who hosts sessions."""

import httpx
from django.db.models import F

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import links, sync
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ZoomConnection
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    unpaced,
)


def linked(org_id: int) -> dict[str, str]:
    rows = DirectoryUser.objects.filter(org_id=org_id, member__isnull=False)
    return dict(rows.values_list("email", F("member__user__email")))


def test_it_links_hosts_with_the_same_email_on_the_first_sync(
    emu: httpx.Client,
    org_zoom: ZoomConnection,
    owner: Member,
    admin: Member,
    consultant: Member,
    staff: Member,
) -> None:
    assert sync.run(owner.org) is not None
    # Olivia (owner), Adam (admin) and Carla (consultant) host sessions; Sam is staff and has no Zoom
    # user; Dev (dev@acme.test) is a Zoom user with no member here.
    assert linked(owner.org_id) == {
        "olivia@acme.test": "olivia@acme.test",
        "adam@acme.test": "adam@acme.test",
        "carla@acme.test": "carla@acme.test",
    }
    entries = AuditEntry.objects.filter(action="zoom_directory.linked")
    assert sorted((e.actor_id, e.actor_label, e.detail["email"], e.detail["matched"]) for e in entries) == [
        (None, "directory sync", "adam@acme.test", "same email"),
        (None, "directory sync", "carla@acme.test", "same email"),
        (None, "directory sync", "olivia@acme.test", "same email"),
    ]


def test_a_link_an_admin_removed_stays_removed(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member, consultant: Member
) -> None:
    assert sync.run(owner.org) is not None
    carla = DirectoryUser.objects.get(email="carla@acme.test")
    links.link(owner, carla, None)

    assert sync.run(owner.org) is not None

    assert linked(owner.org_id) == {"olivia@acme.test": "olivia@acme.test"}
    assert AuditEntry.objects.filter(action="zoom_directory.linked").count() == 2  # first sync only


def test_a_member_already_linked_by_hand_keeps_their_link(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member, consultant: Member
) -> None:
    assert sync.run(owner.org) is not None
    DirectoryUser.objects.filter(org=owner.org).update(member=None)
    links.link(owner, DirectoryUser.objects.get(email="dev@acme.test"), consultant)
    DirectoryUser.objects.filter(email="carla@acme.test").delete()  # Carla's user is new to the next sync

    assert sync.run(owner.org) is not None

    assert linked(owner.org_id) == {"dev@acme.test": "carla@acme.test"}
