"""Connecting the organisation account checks the directory's admin scopes and names what is missing."""

from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection
from tests.conftest import login
from tests.integrations.zoom.conftest import Emulator, connect_through_pages
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    REDIRECT,
    dir_emulator_fixture,
    make_emu,
    unpaced,
)
from zoom_emulator.app import EmulatorApp

WRITE = [need.name for need in scopes.ORGANIZATION_WRITE]
OLIVIA = "olivia@acme.test"


@pytest.fixture
def read_only_app(
    dir_emulator: EmulatorApp, settings, django_capture_on_commit_callbacks
) -> Iterator[Emulator]:  # type: ignore[no-untyped-def]
    """The organisation app registered without the write scopes, and no read-only app configured."""
    settings.ZOOM_REDIRECT_URL = REDIRECT
    settings.ZOOM_ORG_READONLY_CLIENT_ID = settings.ZOOM_ORG_READONLY_CLIENT_SECRET = ""
    granted = [s for s in scopes.registration_list(ConnectionKind.ORGANIZATION) if s not in WRITE]
    for http in make_emu(dir_emulator, granted):
        yield Emulator(dir_emulator, http, {}, django_capture_on_commit_callbacks)


def test_read_write_is_refused_naming_the_missing_admin_scopes(
    client: HttpClient, owner: Member, read_only_app: Emulator
) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    page = connect_through_pages(
        client, read_only_app, OLIVIA, "organization", follow=True, admin_mode="read_write"
    )
    text = page.content.decode()

    assert "did not grant the permissions SessionDesk needs, so nothing was saved" in text
    for name in WRITE:
        assert name in text
    assert "role:write:member:admin (to give Zoom users a role)" in text
    assert "group:write:member:admin (to add Zoom users to groups)" in text
    assert ZoomConnection.objects.count() == 0


def test_read_only_connects_without_the_write_scopes(
    client: HttpClient, owner: Member, read_only_app: Emulator
) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    page = connect_through_pages(
        client, read_only_app, OLIVIA, "organization", follow=True, admin_mode="read_only"
    )
    text = page.content.decode()

    assert "is connected as olivia@acme.test" in text
    assert ZoomConnection.objects.get().admin_mode == "read_only"
