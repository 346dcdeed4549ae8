"""Fixtures of the Zoom directory tests: the emulator in-process with Acme's Zoom account (users of
every status and type, a custom role, two groups), SessionDesk's organisation app subscribed to the
user and group events, and an organisation connection made through the emulator's OAuth endpoints."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.devseed import DIRECTORY_EVENTS as EVENTS
from sessiondesk.integrations.zoom.directory import sync
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection
from tests.integrations.zoom.meeting_event_fixtures import to_sessiondesk
from tests.support.zoom import REDIRECT, connect
from zoom_emulator.app import EmulatorApp, create_app

HOOK_URL = "http://testserver/integrations/zoom/webhook/"
USERS = [
    {"id": "zu-olivia", "email": "olivia@acme.test", "first_name": "Olivia", "last_name": "Owner", "role": "owner"},
    {"id": "zu-adam", "email": "adam@acme.test", "first_name": "Adam", "last_name": "Admin", "role": "admin"},
    {"id": "zu-carla", "email": "carla@acme.test", "first_name": "Carla", "last_name": "Consultant", "type": 2},
    {"id": "zu-dev", "email": "dev@acme.test", "first_name": "Dev", "last_name": "Basic", "type": 1},
    {"id": "zu-cora", "email": "cora@acme.test", "first_name": "Cora", "last_name": "Corporate", "type": 3,
     "status": "inactive"},
    {"id": "zu-pat", "email": "pat@acme.test", "first_name": "Pat", "last_name": "Pending", "type": 1,
     "status": "pending"},
]  # fmt: skip


def seed(app_scopes: list[str]) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": "acct-acme",
                "plan": "pro",
                "name": "Acme Tutoring",
                "users": USERS,
                "roles": [{"id": "r-scheduler", "name": "Scheduler", "description": "Schedules for others"}],
                "groups": [
                    {"id": "g-tutors", "name": "Tutors", "members": ["carla@acme.test"]},
                    {"id": "g-maths", "name": "Maths", "members": []},
                ],
            }
        ],
        "apps": [
            {
                "client_id": settings.ZOOM_ORG_CLIENT_ID,
                "client_secret": settings.ZOOM_ORG_CLIENT_SECRET,
                "type": "admin",
                "name": "SessionDesk",
                "redirect_uris": [REDIRECT],
                "scopes": app_scopes,
                "webhook": {
                    "url": HOOK_URL,
                    "secret_token": settings.ZOOM_WEBHOOK_SECRET_TOKEN,
                    "events": EVENTS,
                },
            }
        ],
    }


@pytest.fixture(autouse=True)
def unpaced(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0


@pytest.fixture(name="dir_emulator")
def dir_emulator_fixture() -> EmulatorApp:
    app = create_app()
    app.state.settings.webhook_mode = "manual"
    app.state.webhook_transport = to_sessiondesk
    return app


def make_emu(app: EmulatorApp, app_scopes: list[str]) -> Iterator[httpx.Client]:
    transport = httpx.WSGITransport(app=app)
    http = httpx.Client(transport=transport, base_url=settings.ZOOM_OAUTH_URL)
    assert http.post("/_emulator/seed", json=seed(app_scopes)).status_code == 201
    with client.use_transport(transport):
        yield http


@pytest.fixture(name="emu")
def emu_fixture(dir_emulator: EmulatorApp) -> Iterator[httpx.Client]:
    # The status scope lets tests act as an admin working inside Zoom (SessionDesk does not ask for it).
    app_scopes = [*scopes.registration_list(ConnectionKind.ORGANIZATION), "user:update:status:admin"]
    yield from make_emu(dir_emulator, app_scopes)


@pytest.fixture(name="org_zoom")
def org_zoom_fixture(emu: httpx.Client, owner: Member) -> ZoomConnection:
    return connect(emu, owner, "olivia@acme.test", ConnectionKind.ORGANIZATION)


@pytest.fixture(name="synced")
def synced_fixture(emu: httpx.Client, org_zoom: ZoomConnection, owner: Member) -> ZoomConnection:
    """The directory after a first sync, with no member linked yet: these tests make and undo links
    by hand (the first sync's links by email are proved in test_links_by_email.py)."""
    assert sync.run(owner.org) is not None
    DirectoryUser.objects.filter(org=owner.org).update(member=None)
    AuditEntry.objects.filter(org=owner.org, action="zoom_directory.linked").delete()
    flush(emu)
    clear(emu)
    return org_zoom


def clear(emu: httpx.Client) -> None:
    assert emu.delete("/_emulator/requests").status_code == 204


def calls(emu: httpx.Client) -> list[tuple[str, str, int]]:
    """Zoom's request log as (method, path, status), oldest first."""
    found = emu.get("/_emulator/requests").json()["requests"]
    return [(r["method"], r["path"], r["status"]) for r in found if r["path"].startswith("/v2/")]


def flush(emu: httpx.Client) -> list[str]:
    """Deliver the emulator's pending webhooks to SessionDesk; returns their events."""
    deliveries = emu.get("/_emulator/webhooks/deliveries").json()["deliveries"]
    before = {d["id"] for d in deliveries if d["status"] != "pending"}
    assert emu.post("/_emulator/webhooks/flush", json={"timeout": 10}).json()["failed"] == 0
    after = emu.get("/_emulator/webhooks/deliveries").json()["deliveries"]
    return [d["event"] for d in after if d["id"] not in before]


def row(email: str) -> DirectoryUser:
    return DirectoryUser.objects.get(email=email)


def zoom_user(dir_emulator: EmulatorApp, email: str) -> Any:
    return dir_emulator.state.user_by_email(email)
