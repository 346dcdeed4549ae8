import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_helpers import SEED, bearer

from zoom_emulator.app import create_app


def test_it_logs_zoom_calls_and_filters_them(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.delete("/_emulator/requests")
    client.post("/v2/users/me/meetings", headers=headers, json={})
    client.get("/v2/meetings/1", headers=headers)
    rows = client.get("/_emulator/requests", params={"path_prefix": "/v2/"}).json()
    assert rows["total"] == 2
    first = rows["requests"][0]
    assert (first["method"], first["path"], first["status"], first["code"]) == (
        "POST",
        "/v2/users/me/meetings",
        201,
        None,
    )
    assert (first["account_id"], first["user_id"], first["client_id"]) == ("acct-pro", "u-tutor", "user-app")
    failed = client.get("/_emulator/requests", params={"status": "404"}).json()["requests"]
    assert [(r["path"], r["code"]) for r in failed] == [("/v2/meetings/1", 3001)]
    client.delete("/_emulator/requests")
    assert client.get("/_emulator/requests").json() == {"total": 0, "requests": []}


def test_it_injects_errors_a_limited_number_of_times(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post(
        "/_emulator/faults", json={"kind": "error", "status": 503, "path": "/v2/users/*/meetings", "count": 2}
    )
    statuses = [client.post("/v2/users/me/meetings", headers=headers, json={}).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert [f["hits"] for f in client.get("/_emulator/faults").json()["faults"]] == [2]


def test_it_injects_429_storms(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post("/_emulator/faults", json={"kind": "rate_limit", "path": "/v2/*"})
    response = client.get("/v2/users/me", headers=headers)
    assert (response.status_code, response.json()["code"]) == (429, 429)
    client.delete("/_emulator/faults")
    assert client.get("/v2/users/me", headers=headers).status_code == 200


def test_it_times_out_and_drops_in_process(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post("/_emulator/faults", json={"kind": "timeout", "path": "/v2/users/me", "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        client.get("/v2/users/me", headers=headers)
    client.post("/_emulator/faults", json={"kind": "drop", "path": "/v2/users/me", "count": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v2/users/me", headers=headers)


def test_it_can_lose_the_response_after_the_change_is_made(
    client: httpx.Client, app: Any, login: Any
) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post(
        "/_emulator/faults",
        json={"kind": "timeout", "phase": "after", "path": "/v2/users/*/meetings", "count": 1},
    )
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v2/users/me/meetings", headers=headers, json={"topic": "Lost"})
    listed = client.get("/v2/users/me/meetings", headers=headers).json()["meetings"]
    assert [m["topic"] for m in listed] == ["Lost"]


def test_it_adds_latency(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    client.post(
        "/_emulator/faults", json={"kind": "latency", "latency": {"fixed_ms": 30}, "path": "/v2/users/me"}
    )
    client.get("/v2/users/me", headers=headers)
    row = client.get("/_emulator/requests", params={"path": "/v2/users/me"}).json()["requests"][-1]
    assert row["duration_ms"] >= 30


def test_it_refuses_unknown_fault_kinds(client: httpx.Client) -> None:
    response = client.post("/_emulator/faults", json={"kind": "gremlins"})
    assert response.status_code == 400


def test_it_revokes_and_expires_tokens(client: httpx.Client, login: Any) -> None:
    first = login("user-app", "tutor@acme.test")
    second = login("admin-app", "admin@acme.test")
    assert client.post("/_emulator/tokens/revoke", json={"token": first["access_token"]}).status_code == 204
    assert client.get("/v2/users/me", headers=bearer(first)).json()["message"] == "Invalid access token."
    client.post("/_emulator/tokens/expire")
    assert client.get("/v2/users/me", headers=bearer(second)).json()["message"] == "Access token is expired."


def test_it_controls_the_clock(client: httpx.Client) -> None:
    assert (
        client.post("/_emulator/clock", json={"set": "2031-01-01T00:00:00Z"}).json()["now"]
        == "2031-01-01T00:00:00Z"
    )
    assert client.post("/_emulator/clock", json={"advance": 90}).json()["now"] == "2031-01-01T00:01:30Z"


def test_it_resets_everything(client: httpx.Client, login: Any) -> None:
    login("user-app", "tutor@acme.test")
    assert client.post("/_emulator/reset").status_code == 204
    state = client.get("/_emulator/state").json()
    assert (state["users"], state["apps"], state["access_tokens"]) == ([], [], [])


def test_it_rejects_bad_seeds(client: httpx.Client) -> None:
    bad = {"apps": [{"client_id": "x", "type": "user", "scopes": ["user:read:admin"]}]}
    response = client.post("/_emulator/seed", json=bad)
    assert response.json() == {
        "error": "seed rejected: user-managed apps cannot hold :admin or :master scopes"
    }


def test_it_keeps_state_in_a_file(tmp_path: Path) -> None:
    path = str(tmp_path / "zoom.json")
    first = create_app(persist_path=path)
    web = httpx.Client(transport=httpx.WSGITransport(app=first), base_url="http://zoom.test")
    web.post("/_emulator/seed", json=SEED)
    first.state.save()
    second = create_app(persist_path=path)
    assert second.state.users["u-tutor"].email == "tutor@acme.test"
    assert json.loads(Path(path).read_text())["apps"][0]["client_id"] == "user-app"
