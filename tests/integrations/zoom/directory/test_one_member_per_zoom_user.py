"""One Zoom user belongs to one member across the organisation's directory links and personal
connections: linking, adopting and the sync's matching refuse a Zoom user another member connected
personally, name who holds it and save nothing."""

import html

import httpx
import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.directory import links, onboard, sync
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from tests.conftest import login
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    calls,
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
)

PAGE = "/integrations/zoom/users/"
HELD_BY_CARLA = (
    "The Zoom user carla@acme.test is already linked to Carla Consultant. That link is Carla Consultant's "
    "personal Zoom connection. One Zoom user can be linked to only one SessionDesk member at a time, so "
    "that each session's meeting has one clear host. Ask Carla Consultant to disconnect their personal "
    "Zoom, or release that link in Settings → Meeting Preferences → Organization → Members' personal Zoom "
    "links, then link again. Nothing was saved."
)


def personal(member: Member, zoom_user_id: str, email: str, status: str = ConnectionStatus.ACTIVE) -> None:
    """``member``'s personal Zoom connection as the connect flow saves it (its tokens play no part here)."""
    ZoomConnection.objects.create(
        org=member.org,
        member=member,
        kind=ConnectionKind.PERSONAL,
        status=status,
        zoom_user_id=zoom_user_id,
        zoom_account_id="acct-acme",
        zoom_email=email,
    )


def test_linking_a_zoom_user_someone_connected_personally_is_refused(
    emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member, consultant2: Member
) -> None:
    personal(consultant, "zu-carla", "carla@acme.test")

    with pytest.raises(links.LinkHeld) as refused:
        links.link(owner, row("carla@acme.test"), consultant2)

    assert refused.value.message == HELD_BY_CARLA
    assert row("carla@acme.test").member is None
    assert not AuditEntry.objects.filter(action="zoom_directory.linked").exists()
    assert calls(emu) == []


def test_the_holder_links_their_own_zoom_user_and_a_revoked_connection_holds_nothing(
    emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member, consultant2: Member
) -> None:
    personal(consultant, "zu-carla", "carla@acme.test")
    personal(consultant2, "zu-dev", "dev@acme.test", status=ConnectionStatus.REVOKED)

    links.link(owner, row("carla@acme.test"), consultant)
    links.link(owner, row("dev@acme.test"), owner)

    assert (row("carla@acme.test").member, row("dev@acme.test").member) == (consultant, owner)


def test_a_zoom_user_linked_to_one_member_is_moved_to_another_by_relinking_it(
    emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member, consultant2: Member
) -> None:
    links.link(owner, row("carla@acme.test"), consultant)
    links.link(owner, row("carla@acme.test"), consultant2)
    assert row("carla@acme.test").member == consultant2


def test_the_page_and_the_api_answer_409_with_the_holder_named(
    client: HttpClient,
    emu: httpx.Client,
    synced: ZoomConnection,
    owner: Member,
    consultant: Member,
    consultant2: Member,
) -> None:
    personal(consultant, "zu-carla", "carla@acme.test")
    login(client, owner)
    carla = row("carla@acme.test")

    page = client.post(f"{PAGE}{carla.pk}/link/", {"member": consultant2.pk})
    api = client.post(
        f"/api/v1/zoom/users/{carla.pk}/link",
        {"member_id": consultant2.pk},
        content_type="application/json",
    )

    assert page.status_code == 409
    assert f'<li class="msg msg-error">{HELD_BY_CARLA}</li>' in html.unescape(page.content.decode())
    assert (api.status_code, api.json()) == (409, {"detail": HELD_BY_CARLA, "field": None})
    assert row("carla@acme.test").member is None


def test_adopting_for_a_member_a_zoom_user_someone_else_holds_asks_zoom_nothing(
    emu: httpx.Client, synced: ZoomConnection, owner: Member, consultant: Member, consultant2: Member
) -> None:
    DirectoryUser.objects.filter(email="dev@acme.test").delete()
    personal(consultant, "zu-dev", "dev@acme.test")

    with pytest.raises(links.LinkHeld, match=r"^The Zoom user dev@acme\.test is already linked to Carla"):
        onboard.adopt(owner, "dev@acme.test", consultant2)

    assert calls(emu) == []
    assert not DirectoryUser.objects.filter(email="dev@acme.test").exists()


def test_the_sync_does_not_link_by_email_a_zoom_user_another_member_connected(
    emu: httpx.Client, org_zoom: ZoomConnection, owner: Member, consultant: Member, admin: Member
) -> None:
    # Adam (admin, adam@acme.test) connected Carla's Zoom user personally: the same email decides nothing.
    personal(admin, "zu-carla", "carla@acme.test")

    assert sync.run(owner.org) is not None

    linked = dict(
        DirectoryUser.objects.filter(member__isnull=False).values_list("email", "member__user__email")
    )
    assert linked == {"olivia@acme.test": "olivia@acme.test", "adam@acme.test": "adam@acme.test"}
