"""Fixtures of the token and webhook tests: the emulator in-process, seeded with SessionDesk's two
apps as the settings name them, and connections made through its real OAuth endpoints.

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
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection, ZoomTokenSet
from zoom_emulator.app import EmulatorApp, create_app

REDIRECT = "http://testserver/integrations/zoom/callback/"
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


def connect(
    emu: httpx.Client, member: Member, zoom_user: str, kind: str = ConnectionKind.PERSONAL
) -> ZoomConnection:
    """Authorise through the emulator's OAuth endpoints and store the connection as the connect flow does."""
    org_app = kind == ConnectionKind.ORGANIZATION
    client_id = settings.ZOOM_ORG_CLIENT_ID if org_app else settings.ZOOM_CLIENT_ID
    answer = emu.post(
        "/_emulator/oauth/authorize",
        json={"client_id": client_id, "user": zoom_user, "redirect_uri": REDIRECT},
    )
    assert answer.status_code == 201, answer.text
    tokens = client.exchange_code(answer.json()["code"], code_verifier="", redirect_uri=REDIRECT, kind=kind)
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(
        org=member.org,
        member=member,
        kind=kind,
        zoom_user_id=me.id,
        zoom_account_id=me.account_id,
        zoom_email=me.email,
        zoom_role=me.role_label,
        granted_scopes=tokens.scope,
    )
    ZoomTokenSet.objects.create(
        connection=connection,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in),
    )
    assert emu.delete("/_emulator/requests").status_code == 204
    return connection


def expire(emu: httpx.Client, connection: ZoomConnection) -> None:
    """Both sides agree the access token is spent: Zoom refuses it and we see it expired."""
    assert emu.post("/_emulator/tokens/expire", json={}).status_code == 204
    ZoomTokenSet.objects.filter(connection=connection).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )


def token_calls(emu: httpx.Client) -> list[dict[str, Any]]:
    """Calls to Zoom's token endpoint since the log was last cleared (connect() clears it)."""
    return emu.get("/_emulator/requests", params={"method": "POST", "path": "/oauth/token"}).json()[
        "requests"
    ]


@pytest.fixture(name="carla_zoom")
def carla_zoom_fixture(emu: httpx.Client, consultant: Member) -> ZoomConnection:
    return connect(emu, consultant, "carla@acme.test")
