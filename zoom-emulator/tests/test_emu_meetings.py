import re
from typing import Any

import httpx
from emulator_helpers import bearer

BODY = {
    "topic": "Algebra with Sam",
    "type": 2,
    "start_time": "2030-04-01T15:00:00Z",
    "duration": 45,
    "timezone": "Europe/Paris",
    "agenda": "Chapter 3",
    "unknown_field": 1,
}


def test_it_creates_a_meeting_like_zoom(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    response = client.post("/v2/users/me/meetings", headers=headers, json=BODY)
    body = response.json()
    assert response.status_code == 201
    assert isinstance(body["id"], int) and len(str(body["id"])) == 11
    assert re.fullmatch(r"[A-Za-z0-9+/]{22}==", body["uuid"])
    assert body["host_id"] == "u-tutor"
    assert body["host_email"] == "tutor@acme.test"
    assert (body["topic"], body["type"], body["status"]) == ("Algebra with Sam", 2, "waiting")
    assert (body["start_time"], body["duration"], body["timezone"]) == (
        "2030-04-01T15:00:00Z",
        45,
        "Europe/Paris",
    )
    assert body["created_at"] == "2030-03-17T17:46:40Z"
    assert body["join_url"] == f"http://zoom.test/j/{body['id']}?pwd={body['encrypted_password']}"
    assert body["settings"]["alternative_hosts"] == ""
    assert "unknown_field" not in body


def test_it_reads_local_start_times_in_the_meeting_timezone(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    body = {**BODY, "start_time": "2030-04-01T15:00:00"}
    response = client.post("/v2/users/me/meetings", headers=headers, json=body)
    assert response.json()["start_time"] == "2030-04-01T13:00:00Z"


def test_it_gets_updates_and_deletes_a_meeting(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    meeting_id = client.post("/v2/users/me/meetings", headers=headers, json=BODY).json()["id"]
    patched = client.patch(
        f"/v2/meetings/{meeting_id}", headers=headers, json={"topic": "Geometry", "duration": 30}
    )
    assert (patched.status_code, patched.content) == (204, b"")
    got = client.get(f"/v2/meetings/{meeting_id}", headers=headers).json()
    assert (got["topic"], got["duration"]) == ("Geometry", 30)
    deleted = client.delete(f"/v2/meetings/{meeting_id}", headers=headers)
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = client.get(f"/v2/meetings/{meeting_id}", headers=headers)
    assert gone.status_code == 404
    assert gone.json() == {"code": 3001, "message": f"Meeting {meeting_id} is not found or has expired."}


def test_it_recovers_a_deleted_meeting(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    meeting_id = client.post("/v2/users/tutor@acme.test/meetings", headers=headers, json=BODY).json()["id"]
    client.delete(f"/v2/meetings/{meeting_id}", headers=headers)
    assert (
        client.put(
            f"/v2/meetings/{meeting_id}/status", headers=headers, json={"action": "recover"}
        ).status_code
        == 204
    )
    assert client.get(f"/v2/meetings/{meeting_id}", headers=headers).status_code == 200


def test_it_tolerates_trailing_slashes(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    assert client.post("/v2/users/me/meetings/", headers=headers, json=BODY).status_code == 201


def test_it_lists_a_users_scheduled_meetings_with_pages(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    ids = [client.post("/v2/users/me/meetings", headers=headers, json=BODY).json()["id"] for _ in range(3)]
    client.post("/v2/users/me/meetings", headers=headers, json={"type": 1})
    first = client.get("/v2/users/me/meetings", headers=headers, params={"page_size": 2}).json()
    assert (first["total_records"], first["page_count"], first["page_size"]) == (3, 2, 2)
    second = client.get(
        "/v2/users/me/meetings",
        headers=headers,
        params={"page_size": 2, "next_page_token": first["next_page_token"]},
    ).json()
    assert second["next_page_token"] == ""
    listed = [m["id"] for m in first["meetings"] + second["meetings"]]
    assert sorted(listed) == sorted(ids)


def test_it_creates_for_another_user_only_with_admin_scopes(client: httpx.Client, login: Any) -> None:
    user_level = bearer(login("user-app", "tutor@acme.test"))
    refused = client.post("/v2/users/owner@acme.test/meetings", headers=user_level, json=BODY)
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[meeting:write:meeting:admin].",
    }
    admin = bearer(login("admin-app", "admin@acme.test"))
    created = client.post("/v2/users/tutor@acme.test/meetings", headers=admin, json=BODY)
    assert created.json()["host_id"] == "u-tutor"


def test_it_answers_1001_for_an_unknown_user(client: httpx.Client, login: Any) -> None:
    admin = bearer(login("admin-app", "admin@acme.test"))
    response = client.post("/v2/users/nobody@acme.test/meetings", headers=admin, json=BODY)
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": "User does not exist: nobody@acme.test."}
    other_account = client.post("/v2/users/solo@free.test/meetings", headers=admin, json=BODY)
    assert other_account.json()["code"] == 1001


def test_it_schedules_for_another_user(client: httpx.Client, login: Any) -> None:
    admin = bearer(login("admin-app", "admin@acme.test"))
    body = client.post(
        "/v2/users/me/meetings", headers=admin, json={**BODY, "schedule_for": "tutor@acme.test"}
    ).json()
    assert (body["host_id"], body["assistant_id"]) == ("u-tutor", "u-admin")
    instant = client.post(
        "/v2/users/me/meetings", headers=admin, json={"type": 1, "schedule_for": "tutor@acme.test"}
    )
    assert instant.json()["code"] == 3000


def test_it_validates_alternative_hosts(client: httpx.Client, login: Any) -> None:
    admin = bearer(login("admin-app", "admin@acme.test"))
    ok = client.post(
        "/v2/users/tutor@acme.test/meetings",
        headers=admin,
        json={**BODY, "settings": {"alternative_hosts": "owner@acme.test, admin@acme.test"}},
    )
    assert ok.json()["settings"]["alternative_hosts"] == "owner@acme.test;admin@acme.test"
    basic = client.post(
        "/v2/users/tutor@acme.test/meetings",
        headers=admin,
        json={**BODY, "settings": {"alternative_hosts": "basic@acme.test"}},
    )
    assert basic.status_code == 400
    assert basic.json() == {
        "code": 300,
        "message": "Alternative host basic@acme.test must be a licensed user in the same account.",
    }


def test_it_refuses_malformed_json_and_bad_fields(client: httpx.Client, login: Any) -> None:
    headers = {**bearer(login("user-app", "tutor@acme.test")), "Content-Type": "application/json"}
    broken = client.post("/v2/users/me/meetings", headers=headers, content=b"{nope")
    assert broken.json() == {"code": 300, "message": "Request Body should be a valid JSON object."}
    bad = client.post("/v2/users/me/meetings", headers=headers, json={"password": "far-too-long-passcode"})
    assert bad.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "password", "message": "Invalid field."}],
    }
    # Within Zoom's ten characters, but not of its alphabet.
    spaced = client.post("/v2/users/me/meetings", headers=headers, json={"password": "a b"})
    assert spaced.json()["errors"] == [{"field": "password", "message": "Invalid password."}]


def test_it_refuses_missing_and_unknown_tokens(client: httpx.Client, seeded: dict[str, Any]) -> None:
    assert client.get("/v2/users/me").json() == {"code": 124, "message": "Invalid access token."}
    response = client.get("/v2/users/me", headers={"Authorization": "Bearer nope"})
    assert (response.status_code, response.json()["code"]) == (401, 124)
