"""The one-member rule under contention: an admin links carla@ to Dev on the Zoom Users page at the
instant Carla's personal connection of carla@ is saved. The organisation's row lock orders them, so
exactly one of the two links exists afterwards, whichever came first (meaningful on PostgreSQL,
where the two transactions really overlap; SQLite's writers queue orders them too)."""

import threading

import httpx
import pytest
from django.db import connection as db

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import oauth
from sessiondesk.integrations.zoom.directory import links
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ConnectionKind, OAuthState, ZoomConnection, ZoomTokenSet
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    dir_emulator_fixture,
    emu_fixture,
    org_zoom_fixture,
    row,
    synced_fixture,
    unpaced,
)

pytestmark = pytest.mark.django_db(transaction=True)

CARLA = client.ZoomUser(
    "zu-carla", "acct-acme", "carla@acme.test", "Carla", "Consultant", "Member", "2", 2, "active"
)


def carla_connects(member: Member) -> None:
    """The personal callback's save, once Zoom has answered (its tokens are made up: nothing calls Zoom
    with them unless the save is refused, and then only to revoke them)."""
    attempt = OAuthState(member=member, kind=ConnectionKind.PERSONAL)
    tokens = client.TokenSet("access-race", "refresh-race", 3599, frozenset({"user:read:user"}))
    oauth._save(member, attempt, tokens, CARLA)


def race(*steps) -> list[str]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(steps))
    outcomes: list[str] = []

    def run(step) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            step()
            outcomes.append("saved")
        except (links.LinkHeld, oauth.ConnectRefused) as refused:
            outcomes.append(type(refused).__name__)
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.parametrize("round_", range(4))
def test_a_directory_link_and_a_personal_connection_race_and_one_wins(
    emu: httpx.Client, synced, owner: Member, consultant: Member, consultant2: Member, round_: int
) -> None:  # type: ignore[no-untyped-def]
    carla_row = row("carla@acme.test")

    outcomes = race(lambda: links.link(owner, carla_row, consultant2), lambda: carla_connects(consultant))

    personal = list(
        ZoomConnection.objects.filter(kind=ConnectionKind.PERSONAL).values_list("member", flat=True)
    )
    linked_to = DirectoryUser.objects.get(pk=carla_row.pk).member_id
    assert outcomes in (["LinkHeld", "saved"], ["ConnectRefused", "saved"])
    if outcomes == ["LinkHeld", "saved"]:
        assert (personal, linked_to) == ([consultant.pk], None)
        assert ZoomTokenSet.objects.filter(connection__kind=ConnectionKind.PERSONAL).count() == 1
    else:
        assert (personal, linked_to) == ([], consultant2.pk)
        assert ZoomTokenSet.objects.filter(connection__kind=ConnectionKind.PERSONAL).count() == 0
