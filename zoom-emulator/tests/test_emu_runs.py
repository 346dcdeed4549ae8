"""Meetings run in the emulator: the start and join links, the waiting room, scripted runs at given
times, the webhooks of each step, and the past-meeting and report endpoints answering from them."""

import copy
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from emulator_helpers import SEED, Receiver, bearer, code_from, consent, exchange

from zoom_emulator.app import EmulatorApp

RUN_EVENTS = [
    "meeting.started",
    "meeting.ended",
    "meeting.participant_joined",
    "meeting.participant_left",
    "meeting.participant_put_in_waiting_room",
    "meeting.participant_admitted",
]
T0 = "2030-03-17T18:00:00Z"


def at(minutes: int, seconds: int = 0) -> str:
    return f"2030-03-17T{18 + minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}Z"


@pytest.fixture
def token(client: httpx.Client) -> dict[str, str]:
    seed = copy.deepcopy(SEED)
    admin = next(a for a in seed["apps"] if a["client_id"] == "admin-app")
    admin["scopes"].append("report:read:admin")
    admin["webhook"]["events"] += RUN_EVENTS
    assert client.post("/_emulator/seed", json=seed).status_code == 201
    # The tests move the clock past the meeting's end; the token should outlive that.
    assert client.patch("/_emulator/settings", json={"access_token_ttl": 10**7}).status_code == 200
    answer = exchange(
        client, "admin-app", "admin-secret", code_from(consent(client, "admin-app", "admin@acme.test"))
    )
    return bearer(answer.json())


@pytest.fixture
def meeting(client: httpx.Client, token: dict[str, str]) -> dict[str, Any]:
    body = {"topic": "Chem", "type": 2, "start_time": T0, "duration": 60}
    return client.post("/v2/users/me/meetings", headers=token, json=body).json()


def script(
    client: httpx.Client, meeting: dict[str, Any], *steps: dict[str, Any], **extra: Any
) -> httpx.Response:
    return client.post(f"/_emulator/meetings/{meeting['id']}/script", json={"steps": list(steps), **extra})


def test_the_start_and_join_links_run_a_meeting_and_fire_its_webhooks(
    client: httpx.Client, meeting: dict[str, Any], receiver: Receiver
) -> None:
    start = meeting["start_url"].removeprefix("http://zoom.test")
    assert "Start meeting" in client.get(start).text
    assert client.post(start.split("?")[0]).status_code == 303
    join = meeting["join_url"].removeprefix("http://zoom.test")
    assert 'name=name value=""' in client.get(join).text
    empty = client.post(f"/j/{meeting['id']}", data={"name": " "})
    assert empty.status_code == 400 and "Please enter your name." in empty.text
    joined = client.post(f"/j/{meeting['id']}", data={"name": "Ann Student", "email": "ann@example.com"})
    assert joined.status_code == 303
    assert "You are in the meeting" in client.get(joined.headers["location"]).text
    key = joined.headers["location"].split("p=")[1]
    assert "Ann Student" in client.get(f"/web/meetings/{meeting['id']}/live").text
    assert client.post(f"/j/{meeting['id']}/leave", data={"p": key}).status_code == 200
    assert client.post(f"/web/meetings/{meeting['id']}/end").status_code == 200
    client.post("/_emulator/webhooks/flush")

    assert receiver.events() == [
        "meeting.created",
        "meeting.started",
        "meeting.participant_joined",
        "meeting.participant_joined",
        "meeting.participant_left",
        "meeting.participant_left",
        "meeting.ended",
    ]
    bodies = receiver.bodies()
    started = bodies[1]["payload"]["object"]
    assert started == {
        "duration": 60,
        "start_time": "2030-03-17T17:46:40Z",
        "timezone": started["timezone"],
        "topic": "Chem",
        "id": str(meeting["id"]),
        "type": 2,
        "uuid": meeting["uuid"],
        "host_id": "u-admin",
    }
    host, ann = bodies[2]["payload"]["object"]["participant"], bodies[3]["payload"]["object"]["participant"]
    assert (host["id"], host["user_name"], host["email"]) == ("u-admin", "Adam Admin", "admin@acme.test")
    assert (ann["id"], ann["user_name"], ann["email"], ann["registrant_id"]) == (
        "",
        "Ann Student",
        "ann@example.com",
        "",
    )
    assert ann["participant_uuid"] == key
    assert (
        bodies[4]["payload"]["object"]["participant"]["leave_reason"]
        == "left the meeting. Reason: left the meeting."
    )
    assert bodies[6]["payload"]["object"]["end_time"] == "2030-03-17T17:46:40Z"


def test_the_waiting_room_holds_people_until_the_host_admits_them(
    client: httpx.Client, meeting: dict[str, Any], token: dict[str, str], receiver: Receiver
) -> None:
    assert (
        client.patch(
            f"/v2/meetings/{meeting['id']}", headers=token, json={"settings": {"waiting_room": True}}
        ).status_code
        == 204
    )
    script(client, meeting, {"action": "start"}, {"action": "join", "name": "Ann"})
    page = client.get(f"/web/meetings/{meeting['id']}/live").text
    assert "in the waiting room" in page
    [run] = client.get(f"/_emulator/meetings/{meeting['id']}/runs").json()["runs"]
    ann = run["participants"][1]
    assert (ann["status"], ann["join_time"]) == ("waiting_room", None)
    assert client.post(f"/web/meetings/{meeting['id']}/admit", data={"p": ann["user_id"]}).status_code == 303
    client.post("/_emulator/webhooks/flush")
    assert receiver.events()[-3:] == [
        "meeting.participant_put_in_waiting_room",
        "meeting.participant_admitted",
        "meeting.participant_joined",
    ]


def scripted(client: httpx.Client, meeting: dict[str, Any]) -> None:
    answer = script(
        client,
        meeting,
        {"at": at(0), "action": "start"},
        {"at": at(3), "action": "join", "name": "Ann", "email": "ann@example.com"},
        {"at": at(20), "action": "leave", "email": "ann@example.com"},
        {"at": at(25), "action": "join", "name": "Ann", "email": "ann@example.com"},
        {"at": at(50), "action": "end"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"done": 5, "sent": 8, "dropped": []}


def test_a_script_runs_at_the_given_times_and_the_report_follows_it(
    client: httpx.Client, app: EmulatorApp, meeting: dict[str, Any], token: dict[str, str], receiver: Receiver
) -> None:
    scripted(client, meeting)
    client.post("/_emulator/webhooks/flush")
    joins = [b for b in receiver.bodies() if b["event"] == "meeting.participant_joined"]
    assert [j["payload"]["object"]["participant"]["join_time"] for j in joins] == [at(0), at(3), at(25)]
    assert joins[1]["event_ts"] == (1_900_000_000 + 980) * 1000  # 18:03:00, the step's time

    uuid = meeting["uuid"]
    path = f"/v2/report/meetings/{quote(quote(uuid, safe=''), safe='')}/participants"
    # Not yet: Zoom's report data comes a while after the end.
    app.state.clock.set(1_900_000_000.0 + 800 + 50 * 60 + 299)
    early = client.get(path, headers=token)
    assert (early.status_code, early.json()["code"]) == (404, 3001)
    app.state.clock.advance(1)
    page1 = client.get(path, headers=token, params={"page_size": 2, "include_fields": "registrant_id"})
    assert page1.status_code == 200, page1.text
    body = page1.json()
    assert (body["total_records"], body["page_size"], len(body["participants"])) == (3, 2, 2)
    assert [(p["name"], p["join_time"], p["leave_time"], p["duration"]) for p in body["participants"]] == [
        ("Adam Admin", at(0), at(50), 3000),
        ("Ann", at(3), at(20), 1020),
    ]
    assert body["participants"][1]["registrant_id"] == ""
    page2 = client.get(
        path, headers=token, params={"page_size": 2, "next_page_token": body["next_page_token"]}
    ).json()
    assert [(p["name"], p["duration"]) for p in page2["participants"]] == [("Ann", 1500)]
    assert page2["next_page_token"] == ""

    past = client.get(f"/v2/past_meetings/{quote(quote(uuid, safe=''), safe='')}", headers=token).json()
    assert (past["start_time"], past["end_time"], past["participants_count"], past["total_minutes"]) == (
        at(0),
        at(50),
        2,
        92,
    )
    by_id = client.get(f"/v2/report/meetings/{meeting['id']}/participants", headers=token).json()
    assert by_id["total_records"] == 3


def test_a_uuid_that_needs_double_encoding_is_found_only_double_encoded(
    client: httpx.Client, app: EmulatorApp, meeting: dict[str, Any], token: dict[str, str]
) -> None:
    app.state.meetings[meeting["id"]].uuid = "/ajXp112QmuoKj4854875=="
    scripted(client, meeting)
    app.state.clock.advance(86400)
    once = client.get("/v2/past_meetings/%2FajXp112QmuoKj4854875==", headers=token)
    assert once.status_code == 404
    twice = client.get("/v2/past_meetings/%252FajXp112QmuoKj4854875==", headers=token)
    assert twice.status_code == 200, twice.text
    assert twice.json()["uuid"] == "/ajXp112QmuoKj4854875=="


def test_it_refuses_the_report_without_the_scope_or_on_a_free_plan(
    client: httpx.Client, app: EmulatorApp, meeting: dict[str, Any]
) -> None:
    scripted(client, meeting)
    app.state.clock.advance(86400)
    answer = exchange(
        client, "user-app", "user-secret", code_from(consent(client, "user-app", "admin@acme.test"))
    )
    user_token = bearer(answer.json())
    refused = client.get(f"/v2/report/meetings/{meeting['id']}/participants", headers=user_token)
    assert (refused.status_code, refused.json()["code"]) == (400, 4711)
    app.state.accounts["acct-pro"].plan = "free"
    app.state.clock.advance(1)  # the free plan's one Heavy call a second
    admin = exchange(
        client, "admin-app", "admin-secret", code_from(consent(client, "admin-app", "admin@acme.test"))
    )
    free = client.get(f"/v2/report/meetings/{meeting['id']}/participants", headers=bearer(admin.json()))
    assert (free.status_code, free.json()["code"]) == (400, 200)


def test_a_script_drops_the_share_of_webhooks_it_is_asked_to(
    client: httpx.Client, meeting: dict[str, Any]
) -> None:
    steps = (
        [{"action": "start"}] + [{"action": "join", "name": f"P{i}"} for i in range(40)] + [{"action": "end"}]
    )
    answer = script(client, meeting, *steps, drop_share=0.25, seed=3).json()
    assert answer["sent"] + len(answer["dropped"]) == 1 + 41 + 41 + 1
    assert 0 < len(answer["dropped"]) < 84


def test_a_bad_script_is_refused_with_a_message(client: httpx.Client, meeting: dict[str, Any]) -> None:
    bad = script(client, meeting, {"action": "leave", "name": "Nobody"})
    assert (bad.status_code, bad.json()["error"]) == (400, "step 1: the meeting is not running")
    assert client.get(f"/_emulator/meetings/{meeting['id']}/runs").json()["total"] == 0
    assert script(client, meeting, {"action": "fly"}).status_code == 400
