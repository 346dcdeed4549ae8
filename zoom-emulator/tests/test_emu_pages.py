from typing import Any

import httpx
from emulator_helpers import bearer


def test_it_serves_the_join_link(client: httpx.Client, login: Any) -> None:
    meeting = client.post(
        "/v2/users/me/meetings", headers=bearer(login("user-app", "tutor@acme.test")), json={"topic": "Chem"}
    ).json()
    page = client.get(meeting["join_url"].removeprefix("http://zoom.test"))
    assert page.status_code == 200
    assert f"Join <b>Chem</b> ({meeting['id']})" in page.text


def test_it_lets_the_host_edit_a_meeting_inside_zoom(client: httpx.Client, login: Any, receiver: Any) -> None:
    meeting = client.post(
        "/v2/users/me/meetings", headers=bearer(login("user-app", "tutor@acme.test")), json={"topic": "Chem"}
    ).json()
    assert 'value="Chem"' in client.get(f"/web/meetings/{meeting['id']}/edit").text
    saved = client.post(f"/web/meetings/{meeting['id']}/edit", data={"topic": "Physics", "duration": "60"})
    assert saved.status_code == 303
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["meeting.created", "meeting.updated"]
    assert receiver.bodies()[1]["payload"]["object"] == {"id": meeting["id"], "topic": "Physics"}
    assert receiver.bodies()[1]["payload"]["operator_id"] == "u-tutor"


def test_it_lets_the_host_delete_a_meeting_inside_zoom(
    client: httpx.Client, login: Any, receiver: Any
) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    meeting = client.post("/v2/users/me/meetings", headers=headers, json={}).json()
    assert str(meeting["id"]) in client.get("/web/users/u-tutor").text
    client.post(f"/web/meetings/{meeting['id']}/delete")
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["meeting.created", "meeting.deleted"]
    assert client.get(f"/v2/meetings/{meeting['id']}", headers=headers).json()["code"] == 3001


def test_it_removes_an_installed_app(client: httpx.Client, login: Any, receiver: Any) -> None:
    tokens = login("user-app", "tutor@acme.test")
    assert "SessionDesk" in client.get("/web/users/u-tutor").text
    client.post("/web/users/u-tutor/apps/user-app/remove")
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["app_deauthorized"]
    assert client.get("/v2/users/me", headers=bearer(tokens)).status_code == 401


def test_it_keeps_pages_out_of_the_request_log(client: httpx.Client, seeded: dict[str, Any]) -> None:
    client.get("/")
    client.get("/web/users/u-tutor")
    assert client.get("/_emulator/requests").json()["total"] == 0
