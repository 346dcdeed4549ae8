from typing import Any

import httpx
from emulator_helpers import bearer

NEW = {"action": "create", "user_info": {"email": "new@acme.test", "type": 1, "first_name": "Nia"}}


def test_it_sends_group_member_added_and_deleted(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    added = client.post("/v2/groups/g-tutors/members", headers=headers, json={"members": [{"id": "u-basic"}]})
    assert (added.status_code, added.json()["ids"]) == (201, "u-basic")
    removed = client.delete("/v2/groups/g-tutors/members/u-basic", headers=headers)
    assert removed.status_code == 204
    client.post("/_emulator/webhooks/flush")
    bodies = receiver.bodies()
    assert [b["event"] for b in bodies] == ["group.member_added", "group.member_deleted"]
    assert bodies[0]["payload"]["object"] == {
        "id": "g-tutors",
        "members": [{"id": "u-basic", "email": "basic@acme.test"}],
    }
    assert bodies[0]["payload"]["operator"] == "admin@acme.test"


def test_it_leaves_pending_users_out_of_groups(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    new_id = client.post("/v2/users", headers=headers, json=NEW).json()["id"]
    answer = client.post("/v2/groups/g-tutors/members", headers=headers, json={"members": [{"id": new_id}]})
    assert (answer.status_code, answer.json()["ids"]) == (201, "")
    members = client.get("/v2/groups/g-tutors/members", headers=headers).json()["members"]
    assert [m["id"] for m in members] == ["u-tutor"]
    assert client.get(f"/v2/users/{new_id}", headers=headers).json()["group_ids"] == []
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["user.created"]
