from typing import Any

import httpx
from emulator_helpers import bearer


def test_it_returns_the_caller_for_me(client: httpx.Client, login: Any) -> None:
    body = client.get("/v2/users/me", headers=bearer(login("user-app", "tutor@acme.test"))).json()
    assert (body["id"], body["email"], body["role_name"], body["status"]) == (
        "u-tutor",
        "tutor@acme.test",
        "Member",
        "active",
    )
    assert (body["account_id"], body["type"], body["group_ids"]) == ("acct-pro", 2, ["g-tutors"])


def test_it_pages_through_users(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    first = client.get("/v2/users", headers=headers, params={"page_size": 3}).json()
    assert (first["total_records"], first["page_count"], len(first["users"])) == (4, 2, 3)
    second = client.get(
        "/v2/users", headers=headers, params={"page_size": 3, "next_page_token": first["next_page_token"]}
    ).json()
    assert [u["email"] for u in second["users"]] == ["tutor@acme.test"]
    assert second["next_page_token"] == ""


def test_it_clamps_page_size_to_300(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    assert client.get("/v2/users", headers=headers, params={"page_size": 5000}).json()["page_size"] == 300


def test_it_expires_page_tokens_after_15_minutes(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    token = client.get("/v2/users", headers=headers, params={"page_size": 1}).json()["next_page_token"]
    client.post("/_emulator/clock", json={"advance": 900})
    response = client.get("/v2/users", headers=headers, params={"page_size": 1, "next_page_token": token})
    assert response.status_code == 400
    assert response.json() == {"code": 300, "message": "The next page token is invalid or expired."}


def test_it_requires_admin_scopes_to_list_users(client: httpx.Client, login: Any) -> None:
    response = client.get("/v2/users", headers=bearer(login("user-app", "tutor@acme.test")))
    assert response.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[user:read:list_users:admin].",
    }


def test_it_creates_pending_users_and_refuses_duplicates(
    client: httpx.Client, login: Any, receiver: Any
) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    body = {
        "action": "create",
        "user_info": {"email": "new@acme.test", "type": 1, "first_name": "Nia", "last_name": "New"},
    }
    created = client.post("/v2/users", headers=headers, json=body)
    assert created.status_code == 201
    new_id = created.json()["id"]
    assert created.json() == {
        "id": new_id,
        "first_name": "Nia",
        "last_name": "New",
        "email": "new@acme.test",
        "type": 1,
    }
    assert client.get(f"/v2/users/{new_id}", headers=headers).json()["status"] == "pending"
    pending = client.get("/v2/users", headers=headers, params={"status": "pending"}).json()["users"]
    assert "id" not in pending[0]
    again = client.post("/v2/users", headers=headers, json=body)
    assert (again.status_code, again.json()) == (
        409,
        {"code": 1005, "message": 'Email "new@acme.test" has already been used.'},
    )
    client.post(f"/_emulator/users/{new_id}/accept")
    assert client.get(f"/v2/users/{new_id}", headers=headers).json()["status"] == "active"
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["user.created"]
    assert receiver.bodies()[0]["payload"]["creation_type"] == "create"


def test_it_updates_users_and_sends_user_updated(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    response = client.patch("/v2/users/u-tutor", headers=headers, json={"first_name": "Tia", "nonsense": 1})
    assert (response.status_code, response.content) == (204, b"")
    client.post("/_emulator/webhooks/flush")
    payload = receiver.bodies()[0]["payload"]
    assert (payload["object"], payload["old_object"]) == (
        {"id": "u-tutor", "first_name": "Tia"},
        {"id": "u-tutor", "first_name": "Tina"},
    )


def test_it_deactivates_and_disassociates_users(client: httpx.Client, login: Any, receiver: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    assert (
        client.put("/v2/users/u-tutor/status", headers=headers, json={"action": "deactivate"}).status_code
        == 204
    )
    assert client.get("/v2/users/u-tutor", headers=headers).json()["status"] == "inactive"
    assert client.delete("/v2/users/u-tutor", headers=headers).status_code == 204
    assert client.get("/v2/users/u-tutor", headers=headers).json()["code"] == 1001
    admin = client.delete("/v2/users/u-admin", headers=headers)
    assert admin.json() == {"code": 1117, "message": "You can not disassociate an Admin user"}
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["user.deactivated", "user.disassociated"]


def test_it_transfers_meetings_when_deleting_a_user(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    meeting_id = client.post("/v2/users/u-tutor/meetings", headers=headers, json={"topic": "x"}).json()["id"]
    params = {"action": "delete", "transfer_email": "owner@acme.test", "transfer_meeting": "true"}
    assert client.delete("/v2/users/u-tutor", headers=headers, params=params).status_code == 204
    assert client.get(f"/v2/meetings/{meeting_id}", headers=headers).json()["host_id"] == "u-owner"


def test_it_lists_and_assigns_roles(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    roles = client.get("/v2/roles", headers=headers).json()
    assert [(r["id"], r["name"], r["total_members"]) for r in roles["roles"]] == [
        ("0", "Owner", 1),
        ("1", "Admin", 1),
        ("2", "Member", 2),
    ]
    added = client.post(
        "/v2/roles/1/members", headers=headers, json={"members": [{"email": "tutor@acme.test"}]}
    )
    assert added.status_code == 201
    assert added.json() == {"ids": "u-tutor", "add_at": "2030-03-17T17:46:40Z"}
    members = client.get("/v2/roles/1/members", headers=headers).json()["members"]
    assert [m["id"] for m in members] == ["u-admin", "u-tutor"]
    assert client.delete("/v2/roles/1/members/u-tutor", headers=headers).status_code == 204
    assert (
        client.post("/v2/roles/0/members", headers=headers, json={"members": [{"id": "u-tutor"}]}).json()[
            "code"
        ]
        == 300
    )
    assert client.get("/v2/roles/zzz/members", headers=headers).json() == {
        "code": 1034,
        "message": "Role does not exist.",
    }


def test_it_manages_group_members(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    groups = client.get("/v2/groups", headers=headers).json()
    assert groups == {
        "total_records": 1,
        "groups": [{"id": "g-tutors", "name": "Tutors", "total_members": 1}],
        "next_page_token": "",
    }
    added = client.post("/v2/groups/g-tutors/members", headers=headers, json={"members": [{"id": "u-basic"}]})
    assert added.json() == {"ids": "u-basic", "added_at": "2030-03-17T17:46:40Z"}
    members = client.get("/v2/groups/g-tutors/members", headers=headers).json()["members"]
    assert [m["id"] for m in members] == ["u-tutor", "u-basic"]
    assert client.delete("/v2/groups/g-tutors/members/u-basic", headers=headers).status_code == 204
    assert client.get("/v2/groups/nope/members", headers=headers).json() == {
        "code": 4130,
        "message": "Group does not exist: nope.",
    }


ON_PREM = {"code": 300, "message": "Your account can't set user type as On-prem."}


def paying_users(limit: int) -> dict[str, Any]:
    return {
        "code": 3412,
        "message": f'Your request to add a new "Licensed" user couldn\'t be approved at this time because your '
        f'account has reached the permitted maximum number of "{limit}" paying users. Please purchase additional '
        "licenses or contact the Zoom support team to provision additional users in your account.",
    }


def new_user(email: str, kind: int) -> dict[str, Any]:
    return {
        "action": "create",
        "user_info": {"email": email, "type": kind, "first_name": "N", "last_name": "U"},
    }


def test_a_free_account_adds_basic_users_and_no_licensed_one(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "solo@free.test"))
    basic = client.post("/v2/users", headers=headers, json=new_user("b@free.test", 1))
    licensed = client.post("/v2/users", headers=headers, json=new_user("l@free.test", 2))
    on_prem = client.post("/v2/users", headers=headers, json=new_user("c@free.test", 3))
    assert (basic.status_code, basic.json()["type"]) == (201, 1)
    assert (licensed.status_code, licensed.json()) == (400, paying_users(0))
    assert (on_prem.status_code, on_prem.json()) == (400, ON_PREM)
    state = client.get("/_emulator/state").json()
    assert sorted(u["email"] for u in state["users"] if u["account_id"] == "acct-free") == [
        "b@free.test",
        "solo@free.test",
    ]


def test_a_paid_account_adds_licensed_users_while_it_has_licences(client: httpx.Client, login: Any) -> None:
    seeded = client.post(
        "/_emulator/seed",
        json={
            "accounts": [
                {
                    "id": "acct-two",
                    "plan": "business",
                    "licenses": 2,
                    "users": [{"email": "own@two.test", "role": "owner", "type": 2}],
                }
            ]
        },
    )
    assert seeded.status_code in (200, 201)
    headers = bearer(login("admin-app", "own@two.test"))
    second = client.post("/v2/users", headers=headers, json=new_user("second@two.test", 2))
    third = client.post("/v2/users", headers=headers, json=new_user("third@two.test", 2))
    basic = client.post("/v2/users", headers=headers, json=new_user("basic@two.test", 1))
    assert (second.status_code, third.status_code, basic.status_code) == (201, 400, 201)
    assert third.json() == paying_users(2)
    # Deactivating a user frees their licence; a Basic user cannot be made Licensed without one.
    upgrade = client.patch(f"/v2/users/{basic.json()['id']}", headers=headers, json={"type": 2})
    assert (upgrade.status_code, upgrade.json()) == (400, paying_users(2))
    client.post("/_emulator/users/second@two.test/accept")
    assert (
        client.put(
            "/v2/users/second@two.test/status", headers=headers, json={"action": "deactivate"}
        ).status_code
        == 204
    )
    assert client.post("/v2/users", headers=headers, json=new_user("third@two.test", 2)).status_code == 201
    assert client.post("/v2/users", headers=headers, json=new_user("corp@two.test", 3)).json() == ON_PREM
