"""Roles and groups read, created and deleted; the users summary; a user's permissions; removing a
pending user as Zoom documents it."""

from typing import Any

import httpx
import pytest
from emulator_helpers import bearer

from zoom_emulator.roles.models import ADMIN_PRIVILEGES, MEMBER_PRIVILEGES, OWNER_PRIVILEGES


@pytest.fixture
def admin(login: Any) -> dict[str, str]:
    return bearer(login("admin-app", "admin@acme.test"))


def test_it_gives_a_role_with_its_privileges(client: httpx.Client, admin: dict[str, str]) -> None:
    role = client.get("/v2/roles/1", headers=admin)
    assert role.status_code == 200
    assert role.json() == {
        "id": "1",
        "name": "Admin",
        "description": "Admins have wide range privileges to access and manage a Zoom account.",
        "type": "common",
        "total_members": 1,
        "privileges": ADMIN_PRIVILEGES,
    }
    missing = client.get("/v2/roles/nope", headers=admin)
    assert (missing.status_code, missing.json()) == (400, {"code": 1034, "message": "Role does not exist."})


def test_it_creates_a_role_once_per_name(client: httpx.Client, admin: dict[str, str]) -> None:
    body = {"name": "Scheduler", "description": "Books sessions", "privileges": ["User:Read", "User:Read"]}
    created = client.post("/v2/roles", headers=admin, json=body)
    assert created.status_code == 201
    role = created.json()
    assert {k: role[k] for k in ("name", "description", "total_members", "privileges")} == {
        "name": "Scheduler",
        "description": "Books sessions",
        "total_members": 0,
        "privileges": ["User:Read"],
    }
    assert client.get(f"/v2/roles/{role['id']}", headers=admin).json() == role
    again = client.post("/v2/roles", headers=admin, json={"name": "scheduler"})
    assert (again.status_code, again.json()) == (
        400,
        {"code": 1224, "message": "Role name scheduler has already been used."},
    )
    empty = client.post("/v2/roles", headers=admin, json={"name": " ", "description": "x"})
    assert (empty.status_code, empty.json()) == (
        400,
        {"code": 300, "message": "The name field cannot be empty."},
    )
    names = [r["name"] for r in client.get("/v2/roles", headers=admin).json()["roles"]]
    assert names == ["Owner", "Admin", "Member", "Scheduler"]


def test_it_deletes_a_custom_role_and_its_members_become_members(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    role = client.post("/v2/roles", headers=admin, json={"name": "Scheduler"}).json()
    client.post(f"/v2/roles/{role['id']}/members", headers=admin, json={"members": [{"id": "u-tutor"}]})
    assert client.delete(f"/v2/roles/{role['id']}", headers=admin).status_code == 204
    assert client.get(f"/v2/roles/{role['id']}", headers=admin).json()["code"] == 1034
    assert client.get("/v2/users/u-tutor", headers=admin).json()["role_id"] == "2"


def test_it_keeps_the_built_in_roles(client: httpx.Client, admin: dict[str, str]) -> None:
    for role_id, name in (("0", "Owner"), ("1", "Admin"), ("2", "Member")):
        response = client.delete(f"/v2/roles/{role_id}", headers=admin)
        assert (response.status_code, response.json()) == (
            400,
            {"code": 300, "message": f"Can't delete the {name} role."},
        )
    assert len(client.get("/v2/roles", headers=admin).json()["roles"]) == 3


def test_it_gives_creates_and_deletes_groups(client: httpx.Client, admin: dict[str, str]) -> None:
    tutors = client.get("/v2/groups/g-tutors", headers=admin)
    assert (tutors.status_code, tutors.json()) == (
        200,
        {"id": "g-tutors", "name": "Tutors", "total_members": 1},
    )
    created = client.post("/v2/groups", headers=admin, json={"name": "Mentors"})
    assert created.status_code == 201
    group = created.json()
    assert (group["name"], group["total_members"]) == ("Mentors", 0)
    taken = client.post("/v2/groups", headers=admin, json={"name": "tutors"})
    assert (taken.status_code, taken.json()) == (
        409,
        {"code": 4132, "message": 'The group name "tutors" is already in use.'},
    )
    nameless = client.post("/v2/groups", headers=admin, json={})
    assert (nameless.status_code, nameless.json()) == (400, {"code": 300, "message": "Missing field: name."})
    assert client.delete("/v2/groups/g-tutors", headers=admin).status_code == 204
    gone = client.get("/v2/groups/g-tutors", headers=admin)
    assert (gone.status_code, gone.json()["code"]) == (404, 4130)
    assert client.get("/v2/users/u-tutor", headers=admin).json()["group_ids"] == []
    assert [g["name"] for g in client.get("/v2/groups", headers=admin).json()["groups"]] == ["Mentors"]


def test_groups_are_for_paid_accounts(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "solo@free.test"))
    response = client.post("/v2/groups", headers=headers, json={"name": "Mentors"})
    assert (response.status_code, response.json()) == (
        400,
        {"code": 200, "message": "Only available for paid accounts."},
    )
    assert client.get("/_emulator/state").json()["groups"] == [
        {"id": "g-tutors", "account_id": "acct-pro", "name": "Tutors"}
    ]


def test_it_sums_up_the_account_s_users(client: httpx.Client, admin: dict[str, str]) -> None:
    client.post(
        "/v2/users",
        headers=admin,
        json={"action": "create", "user_info": {"email": "p@acme.test", "type": 1}},
    )
    summary = client.get("/v2/users/summary", headers=admin)
    assert summary.status_code == 200
    assert summary.json() == {
        "licensed_users_count": 3,
        "basic_users_count": 1,
        "on_prem_users_count": 0,
        "room_users_count": 0,
        "pending_users_count": 1,
        "join_only_users_count": 0,
        "total_users_count": 4,
    }


def test_it_lists_a_user_s_permissions_from_their_role(client: httpx.Client, admin: dict[str, str]) -> None:
    expected = {"u-owner": OWNER_PRIVILEGES, "u-admin": ADMIN_PRIVILEGES, "u-tutor": MEMBER_PRIVILEGES}
    for user_id, privileges in expected.items():
        response = client.get(f"/v2/users/{user_id}/permissions", headers=admin)
        assert (response.status_code, response.json()) == (200, {"permissions": privileges})
    assert "Role:Edit" in OWNER_PRIVILEGES and "Role:Edit" not in ADMIN_PRIVILEGES


def test_it_removes_a_pending_user_only_by_disassociating(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    client.post(
        "/v2/users",
        headers=admin,
        json={"action": "create", "user_info": {"email": "p@acme.test", "type": 1}},
    )
    deleted = client.delete("/v2/users/p@acme.test", headers=admin, params={"action": "delete"})
    assert (deleted.status_code, deleted.json()) == (
        400,
        {"code": 300, "message": "To delete a pending user in the account, use disassociate."},
    )
    pending = client.get("/v2/users", headers=admin, params={"status": "pending"}).json()["users"]
    assert [u["email"] for u in pending] == ["p@acme.test"]
    assert (
        client.delete("/v2/users/p@acme.test", headers=admin, params={"action": "disassociate"}).status_code
        == 204
    )
    assert client.get("/v2/users", headers=admin, params={"status": "pending"}).json()["users"] == []
