"""Fixtures of the token and webhook tests: the emulator in-process, seeded with SessionDesk's two
apps as the settings name them, and Carla's connection made through its real OAuth endpoints.

Imported by the test modules that use them (the folder's conftest belongs to the connect flow)."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from tests.support.zoom import REDIRECT, connect
from zoom_emulator.app import EmulatorApp, create_app

HOOK_URL = "http://testserver/integrations/zoom/webhook/"
SCOPES = ["meeting:write:meeting", "meeting:read:meeting", "user:read:user"]


def seed() -> dict[str, Any]:
    def app(client_id: str, secret: str, kind: str) -> dict[str, Any]:
        return {
            "client_id": client_id,
            "client_secret": secret,
            "type": kind,
            "name": "SessionDesk",
            "redirect_uris": [REDIRECT],
            "scopes": SCOPES + (["user:read:list_users:admin"] if kind == "admin" else []),
            "webhook": {
                "url": HOOK_URL,
                "secret_token": settings.ZOOM_WEBHOOK_SECRET_TOKEN,
                "events": ["meeting.created", "meeting.updated", "meeting.deleted", "app_deauthorized"],
            },
        }

    user = {"first_name": "Zoom", "last_name": "User"}
    return {
        "accounts": [
            {
                "id": "acct-acme",
                "plan": "pro",
                "name": "Acme Tutoring",
                "users": [
                    {**user, "id": "zu-olivia", "email": "olivia@acme.test", "role": "owner"},
                    {**user, "id": "zu-carla", "email": "carla@acme.test"},
                    {**user, "id": "zu-dev", "email": "dev@acme.test"},
                ],
            }
        ],
        "apps": [
            app(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET, "user"),
            app(settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET, "admin"),
        ],
    }


@pytest.fixture(name="token_emulator")
def token_emulator_fixture() -> EmulatorApp:
    app = create_app()
    app.state.settings.webhook_mode = "manual"
    return app


@pytest.fixture(name="emu")
def emu_fixture(token_emulator: EmulatorApp) -> Iterator[httpx.Client]:
    """The emulator's HTTP interface (control plane included), also used by SessionDesk's client."""
    transport = httpx.WSGITransport(app=token_emulator)
    http = httpx.Client(transport=transport, base_url=settings.ZOOM_OAUTH_URL)
    assert http.post("/_emulator/seed", json=seed()).status_code == 201
    with client.use_transport(transport):
        yield http


def expire(emu: httpx.Client, connection: ZoomConnection) -> None:
    """Both sides agree the access token is spent: Zoom refuses it and we see it expired."""
    assert emu.post("/_emulator/tokens/expire", json={}).status_code == 204
    ZoomTokenSet.objects.filter(connection=connection).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )


def token_calls(emu: httpx.Client) -> list[dict[str, Any]]:
    """Calls to Zoom's token endpoint since the log was last cleared (connecting clears it)."""
    return emu.get("/_emulator/requests", params={"method": "POST", "path": "/oauth/token"}).json()[
        "requests"
    ]


@pytest.fixture(name="carla_zoom")
def carla_zoom_fixture(emu: httpx.Client, consultant: Member) -> ZoomConnection:
    return connect(emu, consultant, "carla@acme.test")
