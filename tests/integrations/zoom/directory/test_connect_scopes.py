"""Connecting the organisation account checks the directory's admin scopes and names what is missing."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection
from tests.conftest import login
from tests.integrations.zoom.directory.directory_fixtures import (  # noqa: F401
    REDIRECT,
    dir_emulator_fixture,
    make_emu,
    unpaced,
)
from zoom_emulator.app import EmulatorApp

WRITE = [need.name for need in scopes.ORGANIZATION_WRITE]


@pytest.fixture
def read_only_app(dir_emulator: EmulatorApp, settings) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """The organisation app registered without the write scopes."""
    settings.ZOOM_REDIRECT_URL = REDIRECT
    granted = [s for s in scopes.registration_list(ConnectionKind.ORGANIZATION) if s not in WRITE]
    yield from make_emu(dir_emulator, granted)


def connect(web: HttpClient, emu: httpx.Client, mode: str, capture) -> str:  # type: ignore[no-untyped-def]
    started = web.post("/integrations/zoom/connect/organization/", {"admin_mode": mode})
    form = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    consent = emu.post("/oauth/authorize", data={**form, "user": "olivia@acme.test", "decision": "allow"})
    with capture(execute=True):
        page = web.get(consent.headers["location"].removeprefix("http://testserver"), follow=True)
    return page.content.decode()


def test_read_write_is_refused_naming_the_missing_admin_scopes(
    client: HttpClient, owner: Member, read_only_app: httpx.Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    text = connect(client, read_only_app, "read_write", django_capture_on_commit_callbacks)

    assert "did not grant the permissions SessionDesk needs, so nothing was saved" in text
    for name in WRITE:
        assert name in text
    assert "role:write:member:admin (to give Zoom users a role)" in text
    assert "group:write:member:admin (to add Zoom users to groups)" in text
    assert ZoomConnection.objects.count() == 0


def test_read_only_connects_without_the_write_scopes(
    client: HttpClient, owner: Member, read_only_app: httpx.Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    text = connect(client, read_only_app, "read_only", django_capture_on_commit_callbacks)

    assert "is connected as olivia@acme.test" in text
    assert ZoomConnection.objects.get().admin_mode == "read_only"
