"""Fixtures for the Zoom emulator: an in-process app with a frozen clock, a seeded cast, and a
webhook receiver that records deliveries without sockets. No Django, no database."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from zoom_emulator.app import EmulatorApp, create_app

# Test modules here are not a package (a package named tests would clash with SessionDesk's when both
# run in one pytest), so make the shared helpers importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

from emulator_helpers import SEED, Receiver, code_from, consent, exchange


@pytest.fixture
def app() -> EmulatorApp:
    app = create_app()
    app.state.settings.webhook_mode = "manual"
    app.state.clock.freeze(True)
    app.state.clock.set(1_900_000_000.0)  # 2030-03-17T17:46:40Z
    return app


@pytest.fixture
def client(app: EmulatorApp) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://zoom.test")


@pytest.fixture
def receiver(app: EmulatorApp) -> Receiver:
    receiver = Receiver()
    app.state.webhook_transport = httpx.MockTransport(receiver)
    return receiver


@pytest.fixture
def seeded(client: httpx.Client) -> dict[str, Any]:
    response = client.post("/_emulator/seed", json=SEED)
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def login(client: httpx.Client, seeded: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Authorize an app as a user through the consent page; returns the token response."""
    secrets = {"user-app": "user-secret", "admin-app": "admin-secret"}

    def login(client_id: str, user: str) -> dict[str, Any]:
        response = exchange(
            client, client_id, secrets[client_id], code_from(consent(client, client_id, user))
        )
        assert response.status_code == 200
        return response.json()

    return login
