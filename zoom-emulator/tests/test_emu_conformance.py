"""Every JSON body the emulator answers is checked against Zoom's published schemas (2026 API Hub
documents where they exist, the 2021 spec for meetings): the emulator's own extract of them,
zoom_emulator/openapi/zoom-api.json (SOURCE.md beside it says where each document comes from)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from emulator_helpers import bearer

import zoom_emulator.openapi

SCHEMAS = Path(zoom_emulator.openapi.__file__).resolve().parent / "zoom-api.json"


@cache
def documents() -> dict[str, Any]:
    return json.loads(SCHEMAS.read_text())


def document(name: str) -> dict[str, Any]:
    return documents()[name]


def response_schema(name: str, path: str, method: str, status: str) -> dict[str, Any]:
    doc = document(name)
    response = doc["paths"][path][method]["responses"][status]
    schema = (
        response["content"]["application/json"]["schema"] if "content" in response else response["schema"]
    )
    if '"$ref"' not in json.dumps(schema):
        return schema
    # Refs point into the whole document; carry its definitions along.
    return {**schema, "definitions": doc.get("definitions", {}), "components": doc.get("components", {})}


def event_schema(name: str, event: str) -> dict[str, Any]:
    doc = document(name)
    return doc["paths"][event]["post"]["requestBody"]["content"]["application/json"]["schema"]


def conforms(body: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(body, schema)


@pytest.fixture
def admin(login: Any) -> dict[str, str]:
    return bearer(login("admin-app", "admin@acme.test"))


USERS = "zoom-users-endpoints.json"
ACCOUNTS = "zoom-accounts-endpoints.json"
V2_2021 = "zoom.json"


def test_it_answers_get_user_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    body = client.get("/v2/users/me", headers=admin).json()
    conforms(body, response_schema(USERS, "/users/{userId}", "get", "200"))
    conforms(body, response_schema(V2_2021, "/users/{userId}", "get", "200"))


def test_it_answers_list_users_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    client.post(
        "/v2/users",
        headers=admin,
        json={"action": "create", "user_info": {"email": "p@acme.test", "type": 1}},
    )
    for status in ("active", "pending"):
        body = client.get("/v2/users", headers=admin, params={"status": status}).json()
        conforms(body, response_schema(USERS, "/users", "get", "200"))


def test_it_answers_create_user_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    body = client.post(
        "/v2/users",
        headers=admin,
        json={"action": "ssoCreate", "user_info": {"email": "s@acme.test", "type": 1}},
    ).json()
    conforms(body, response_schema(USERS, "/users", "post", "201"))


def test_it_answers_meeting_calls_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    body = {
        "topic": "T",
        "start_time": "2030-04-01T10:00:00Z",
        "duration": 30,
        "agenda": "a",
        "settings": {"alternative_hosts": "owner@acme.test"},
    }
    created = client.post("/v2/users/tutor@acme.test/meetings", headers=admin, json=body).json()
    conforms(created, response_schema(V2_2021, "/users/{userId}/meetings", "post", "201"))
    got = client.get(f"/v2/meetings/{created['id']}", headers=admin).json()
    conforms(got, response_schema(V2_2021, "/meetings/{meetingId}", "get", "200"))
    listed = client.get("/v2/users/tutor@acme.test/meetings", headers=admin).json()
    conforms(listed, response_schema(V2_2021, "/users/{userId}/meetings", "get", "200"))


def test_it_answers_registrant_calls_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    body = {
        "topic": "T",
        "start_time": "2030-04-01T10:00:00Z",
        "duration": 30,
        "settings": {"approval_type": 0},
    }
    meeting = client.post("/v2/users/tutor@acme.test/meetings", headers=admin, json=body).json()["id"]
    path = f"/v2/meetings/{meeting}"
    sam = {"email": "sam@client.test", "first_name": "Sam", "last_name": "Student"}
    added = client.post(f"{path}/registrants", headers=admin, json=sam).json()
    conforms(added, response_schema(V2_2021, "/meetings/{meetingId}/registrants", "post", "201"))
    ana = {"email": "ana@client.test", "first_name": "Ana"}
    batch = client.post(f"{path}/batch_registrants", headers=admin, json={"registrants": [ana]}).json()
    conforms(batch, response_schema(V2_2021, "/meetings/{meetingId}/batch_registrants", "post", "200"))
    listed = client.get(f"{path}/registrants", headers=admin).json()
    conforms(listed, response_schema(V2_2021, "/meetings/{meetingId}/registrants", "get", "200"))


def test_it_answers_role_calls_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    conforms(client.get("/v2/roles", headers=admin).json(), response_schema(ACCOUNTS, "/roles", "get", "200"))
    members = client.get("/v2/roles/1/members", headers=admin).json()
    conforms(members, response_schema(ACCOUNTS, "/roles/{roleId}/members", "get", "200"))
    added = client.post("/v2/roles/1/members", headers=admin, json={"members": [{"id": "u-tutor"}]}).json()
    conforms(added, response_schema(ACCOUNTS, "/roles/{roleId}/members", "post", "201"))


def test_it_answers_group_calls_as_specified(client: httpx.Client, admin: dict[str, str]) -> None:
    conforms(client.get("/v2/groups", headers=admin).json(), response_schema(USERS, "/groups", "get", "200"))
    members = client.get("/v2/groups/g-tutors/members", headers=admin).json()
    conforms(members, response_schema(USERS, "/groups/{groupId}/members", "get", "200"))
    added = client.post(
        "/v2/groups/g-tutors/members", headers=admin, json={"members": [{"id": "u-basic"}]}
    ).json()
    conforms(added, response_schema(USERS, "/groups/{groupId}/members", "post", "201"))


def test_it_sends_user_events_as_specified(
    client: httpx.Client, admin: dict[str, str], receiver: Any
) -> None:
    created = client.post(
        "/v2/users",
        headers=admin,
        json={
            "action": "autoCreate",
            "user_info": {"email": "a@acme.test", "type": 1, "password": "s3cret-pass"},
        },
    )
    client.patch("/v2/users/u-tutor", headers=admin, json={"last_name": "T"})
    client.put("/v2/users/u-basic/status", headers=admin, json={"action": "deactivate"})
    client.delete("/v2/users/u-basic", headers=admin)
    client.delete(f"/v2/users/{created.json()['id']}", headers=admin, params={"action": "delete"})
    client.post("/_emulator/webhooks/flush")
    bodies = receiver.bodies()
    assert [b["event"] for b in bodies] == [
        "user.created",
        "user.updated",
        "user.deactivated",
        "user.disassociated",
        "user.deleted",
    ]
    for body in bodies:
        conforms(body, event_schema("zoom-users-events-webhooks.json", body["event"]))


def test_it_sends_app_deauthorized_as_specified(client: httpx.Client, login: Any, receiver: Any) -> None:
    tokens = login("user-app", "tutor@acme.test")
    client.post("/oauth/revoke", data={"token": tokens["access_token"]}, auth=("user-app", "user-secret"))
    client.post("/_emulator/webhooks/flush")
    conforms(receiver.bodies()[0], event_schema("zoom-marketplace-events-webhooks.json", "app_deauthorized"))


def test_it_would_notice_a_wrong_type() -> None:
    with pytest.raises(jsonschema.ValidationError):
        conforms({"id": "85393847045"}, response_schema(V2_2021, "/meetings/{meetingId}", "get", "200"))
