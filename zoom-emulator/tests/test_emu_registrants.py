"""Meeting registration: Zoom's registrant endpoints and the personal links they hand out."""

from typing import Any

import httpx
from emulator_helpers import bearer

MEETING = {
    "topic": "Algebra with Sam",
    "type": 2,
    "start_time": "2030-04-01T15:00:00Z",
    "duration": 45,
    "settings": {"approval_type": 0},
}
SAM = {"email": "sam@client.test", "first_name": "Sam", "last_name": "Student"}
ANA = {"email": "ana@client.test", "first_name": "Ana", "last_name": "Lopez"}


def admin(login: Any) -> dict[str, str]:
    return bearer(login("admin-app", "admin@acme.test"))


def meeting_for(client: httpx.Client, headers: dict[str, str], user: str = "u-tutor", **extra: Any) -> int:
    response = client.post(f"/v2/users/{user}/meetings", headers=headers, json={**MEETING, **extra})
    assert response.status_code == 201
    return int(response.json()["id"])


def test_it_registers_a_participant_with_a_personal_link(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    response = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM)
    body = response.json()
    assert response.status_code == 201
    assert set(body) == {"id", "registrant_id", "join_url", "start_time", "topic"}
    assert (body["id"], body["topic"], body["start_time"]) == (
        meeting_id,
        "Algebra with Sam",
        "2030-04-01T15:00:00Z",
    )
    assert body["join_url"].startswith(f"http://zoom.test/w/{meeting_id}?tk=")
    page = client.get(body["join_url"])
    assert page.status_code == 200
    assert "as <b data-registrant" in page.text and "Sam Student" in page.text


def test_registering_the_same_email_again_answers_with_the_same_link(
    client: httpx.Client, login: Any
) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    first = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).json()
    again = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).json()
    assert (again["registrant_id"], again["join_url"]) == (first["registrant_id"], first["join_url"])
    listed = client.get(f"/v2/meetings/{meeting_id}/registrants", headers=headers).json()
    assert listed["total_records"] == 1


def test_it_allows_three_registration_requests_a_day_per_registrant(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    for _ in range(3):
        assert (
            client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).status_code
            == 201
        )
    fourth = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM)
    assert fourth.status_code == 429
    assert fourth.json()["code"] == 429


def test_it_refuses_registration_for_a_basic_host(app: Any, client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers, user="u-basic")
    response = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM)
    assert response.status_code == 400
    assert response.json() == {"code": 200, "message": "Only available for paid users: u-basic."}
    assert app.state.registrants == {}


def test_it_refuses_registration_when_the_meeting_does_not_require_it(
    client: httpx.Client, login: Any
) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers, settings={"approval_type": 2})
    response = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM)
    assert response.status_code == 404
    assert response.json() == {
        "code": 404,
        "message": f"Registration has not been enabled for this meeting: {meeting_id}.",
    }
    listed = client.get(f"/v2/meetings/{meeting_id}/registrants", headers=headers)
    assert listed.status_code == 400
    assert listed.json()["code"] == 300


def test_it_asks_for_the_registrant_scope(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("user-app", "tutor@acme.test"))
    meeting_id = client.post("/v2/users/me/meetings", headers=headers, json=MEETING).json()["id"]
    response = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM)
    assert response.status_code == 400
    assert response.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[meeting:write:registrant].",
    }
    batch = client.post(
        f"/v2/meetings/{meeting_id}/batch_registrants", headers=headers, json={"registrants": [SAM]}
    )
    assert batch.json()["message"].endswith("[meeting:write:batch_registrants].")


def test_it_checks_the_registrant_body(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    response = client.post(
        f"/v2/meetings/{meeting_id}/registrants", headers=headers, json={"email": "x@y.test"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "first_name", "message": "Invalid field."}]


def test_it_registers_a_batch_and_lists_registrants_by_page(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    response = client.post(
        f"/v2/meetings/{meeting_id}/batch_registrants", headers=headers, json={"registrants": [SAM, ANA]}
    )
    assert response.status_code == 200
    rows = response.json()["registrants"]
    assert [r["email"] for r in rows] == ["sam@client.test", "ana@client.test"]
    assert len({r["join_url"] for r in rows}) == 2
    first = client.get(
        f"/v2/meetings/{meeting_id}/registrants", headers=headers, params={"page_size": 1}
    ).json()
    assert (first["total_records"], first["page_count"], len(first["registrants"])) == (2, 2, 1)
    assert first["registrants"][0]["email"] == "sam@client.test"
    second = client.get(
        f"/v2/meetings/{meeting_id}/registrants",
        headers=headers,
        params={"page_size": 1, "next_page_token": first["next_page_token"]},
    ).json()
    assert [r["email"] for r in second["registrants"]] == ["ana@client.test"]
    assert second["next_page_token"] == ""


def test_batch_registration_takes_only_scheduled_meetings(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers, type=3)
    response = client.post(
        f"/v2/meetings/{meeting_id}/batch_registrants", headers=headers, json={"registrants": [SAM]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == 303


def test_a_cancelled_registrant_link_stops_working(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    made = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).json()
    response = client.put(
        f"/v2/meetings/{meeting_id}/registrants/status",
        headers=headers,
        json={"action": "cancel", "registrants": [{"id": made["registrant_id"]}]},
    )
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(made["join_url"]).status_code == 403
    approved = client.get(f"/v2/meetings/{meeting_id}/registrants", headers=headers).json()
    denied = client.get(
        f"/v2/meetings/{meeting_id}/registrants", headers=headers, params={"status": "denied"}
    ).json()
    assert approved["total_records"] == 0
    assert [r["id"] for r in denied["registrants"]] == [made["registrant_id"]]
    assert "join_url" not in denied["registrants"][0]


def test_registrants_survive_a_new_meeting_time(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    made = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).json()
    client.patch(f"/v2/meetings/{meeting_id}", headers=headers, json={"start_time": "2030-04-02T15:00:00Z"})
    listed = client.get(f"/v2/meetings/{meeting_id}/registrants", headers=headers).json()
    assert [(r["id"], r["join_url"]) for r in listed["registrants"]] == [
        (made["registrant_id"], made["join_url"])
    ]


def test_it_deletes_a_registrant(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    made = client.post(f"/v2/meetings/{meeting_id}/registrants", headers=headers, json=SAM).json()
    response = client.delete(
        f"/v2/meetings/{meeting_id}/registrants/{made['registrant_id']}", headers=headers
    )
    assert response.status_code == 204
    again = client.delete(f"/v2/meetings/{meeting_id}/registrants/{made['registrant_id']}", headers=headers)
    assert again.status_code == 400
    assert again.json() == {"code": 3000, "message": f"Registrant {made['registrant_id']} was not found."}
    assert client.get(made["join_url"]).status_code == 403


def test_a_wrong_token_does_not_join(client: httpx.Client, login: Any) -> None:
    headers = admin(login)
    meeting_id = meeting_for(client, headers)
    response = client.get(f"/w/{meeting_id}", params={"tk": "forged"})
    assert response.status_code == 403
    assert "not valid" in response.text
