import httpx
import pytest
from emulator_helpers import SEED

from zoom_emulator.app import create_app
from zoom_emulator.server import make_server


@pytest.fixture
def served() -> str:
    server = make_server(create_app(), "127.0.0.1", 0).start()
    yield server.url
    server.close()


def test_it_serves_over_loopback_and_drops_connections(served: str) -> None:
    with httpx.Client(base_url=served) as client:
        assert client.post("/_emulator/seed", json=SEED).status_code == 201
        client.post("/_emulator/faults", json={"kind": "drop", "path": "/v2/*", "count": 1})
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v2/users/me")
        assert client.get("/v2/users/me").json() == {"code": 124, "message": "Invalid access token."}
