"""Request bodies read as Zoom reads them (nulls, Zoom-only and unknown fields, wrong types, dates),
and the smaller points of Zoom's answers: registration_url, creation_source, x-zm-trackingid."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from emulator_helpers import bearer

from zoom_emulator.clock import iso


@pytest.fixture
def admin(login: Any) -> dict[str, str]:
    return bearer(login("admin-app", "admin@acme.test"))


def create(client: httpx.Client, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    return client.post("/v2/users/tutor@acme.test/meetings", headers=headers, json=body)


def meeting_count(client: httpx.Client) -> int:
    return len(client.get("/_emulator/state").json()["meetings"])


def refused(field: str) -> tuple[int, dict[str, Any]]:
    return 400, {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": field, "message": "Invalid field."}],
    }


def test_it_takes_a_null_as_absent(client: httpx.Client, admin: dict[str, str]) -> None:
    # What a widely used Python client sends on every create.
    body = {
        "topic": "Algebra",
        "agenda": None,
        "password": None,
        "recurrence": None,
        "settings": {"alternative_hosts": None, "waiting_room": None, "host_video": True},
    }
    response = create(client, admin, body)
    assert response.status_code == 201
    created = response.json()
    assert (created["topic"], created["settings"]["alternative_hosts"]) == ("Algebra", "")
    assert created["settings"]["waiting_room"] is False
    assert created["settings"]["host_video"] is True
    assert "recurrence" not in created and "agenda" not in created


def test_it_ignores_fields_only_zoom_writes_and_fields_it_does_not_know(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    body = {
        "topic": "Algebra",
        "id": 1,
        "join_url": "https://evil.test/j/1",
        "color": "blue",
        "settings": {"global_dial_in_numbers": [{"number": "+1 555"}], "no_such_setting": 1},
    }
    created = create(client, admin, body).json()
    assert created["id"] != 1
    assert created["join_url"].startswith("http://zoom.test/j/")
    assert "color" not in created
    assert "global_dial_in_numbers" not in created["settings"]
    assert "no_such_setting" not in created["settings"]
    stored = client.get(f"/v2/meetings/{created['id']}", headers=admin).json()
    assert stored["settings"] == created["settings"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"waiting_room": "yes"}, "settings.waiting_room"),
        ({"jbh_time": "ten"}, "settings.jbh_time"),
        ({"jbh_time": 7}, "settings.jbh_time"),
        ({"approval_type": True}, "settings.approval_type"),
        ({"alternative_hosts": ["owner@acme.test"]}, "settings.alternative_hosts"),
    ],
)
def test_it_refuses_a_setting_of_the_wrong_type_naming_it(
    client: httpx.Client, admin: dict[str, str], given: dict[str, Any], field: str
) -> None:
    response = create(client, admin, {"topic": "Algebra", "settings": given})
    assert (response.status_code, response.json()) == refused(field)
    assert meeting_count(client) == 0


def test_it_refuses_a_wrong_type_on_update_and_changes_nothing(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    created = create(client, admin, {"topic": "Algebra", "duration": 30}).json()
    response = client.patch(
        f"/v2/meetings/{created['id']}", headers=admin, json={"topic": "Geometry", "duration": "long"}
    )
    assert (response.status_code, response.json()) == refused("duration")
    stored = client.get(f"/v2/meetings/{created['id']}", headers=admin).json()
    assert (stored["topic"], stored["duration"]) == ("Algebra", 30)


def test_it_names_nested_fields_of_users_and_members(client: httpx.Client, admin: dict[str, str]) -> None:
    user = client.post(
        "/v2/users", headers=admin, json={"action": "create", "user_info": {"email": 5, "type": 1}}
    )
    assert (user.status_code, user.json()) == refused("user_info.email")
    patch = client.patch("/v2/users/u-tutor", headers=admin, json={"first_name": None, "use_pmi": "no"})
    assert (patch.status_code, patch.json()) == refused("use_pmi")
    members = client.post("/v2/groups/g-tutors/members", headers=admin, json={"members": [{"id": 7}]})
    assert (members.status_code, members.json()) == refused("members[0].id")
    assert client.get("/v2/users/u-tutor", headers=admin).json()["first_name"] == "Tina"


@pytest.mark.parametrize(
    "start",
    [
        "0085-08-30T12:11:01Z",  # a two-digit year padded
        "85-08-30T12:11:01Z",
        "2030-13-01T10:00:00Z",
        "2030-02-30T10:00:00Z",
        "2030-04-01T25:00:00Z",
        "2030-04-01T10:00:00+02:00",
        "2030-04-01T10:00:00.000Z",
        "2030-04-01",
        "tomorrow",
    ],
)
def test_it_refuses_times_not_in_zoom_s_formats(
    client: httpx.Client, admin: dict[str, str], start: str
) -> None:
    response = create(client, admin, {"topic": "Algebra", "start_time": start})
    assert (response.status_code, response.json()) == refused("start_time")
    assert meeting_count(client) == 0


def test_it_reads_local_times_in_the_meeting_s_zone_and_writes_utc(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    local = create(
        client, admin, {"start_time": "2030-07-01T10:00:00", "timezone": "Europe/Berlin", "duration": 30}
    ).json()
    utc = create(client, admin, {"start_time": "2030-07-01T10:00:00Z", "timezone": "Europe/Berlin"}).json()
    assert (local["start_time"], utc["start_time"]) == ("2030-07-01T08:00:00Z", "2030-07-01T10:00:00Z")


def test_it_writes_four_digit_years() -> None:
    # strftime's %Y writes year 85 as "85".
    assert iso(datetime(85, 1, 1, 12, tzinfo=UTC).timestamp()) == "0085-01-01T12:00:00Z"


def test_it_gives_a_registration_link_only_when_registration_is_on(
    client: httpx.Client, admin: dict[str, str]
) -> None:
    automatic = create(client, admin, {"settings": {"approval_type": 0}}).json()
    manual = create(client, admin, {"settings": {"approval_type": 1}}).json()
    none = create(client, admin, {"settings": {"approval_type": 2}}).json()
    default = create(client, admin, {}).json()
    assert automatic["registration_url"].startswith("http://zoom.test/meeting/register/")
    assert manual["registration_url"].startswith("http://zoom.test/meeting/register/")
    assert automatic["registration_url"] != manual["registration_url"]
    assert "registration_url" not in none and "registration_url" not in default
    got = client.get(f"/v2/meetings/{automatic['id']}", headers=admin).json()
    assert got["registration_url"] == automatic["registration_url"]
    client.patch(f"/v2/meetings/{automatic['id']}", headers=admin, json={"settings": {"approval_type": 2}})
    assert "registration_url" not in client.get(f"/v2/meetings/{automatic['id']}", headers=admin).json()


def test_meeting_created_says_where_the_meeting_came_from(
    client: httpx.Client, admin: dict[str, str], receiver: Any
) -> None:
    created = create(client, admin, {"topic": "Algebra"}).json()
    client.post("/_emulator/webhooks/flush")
    (body,) = [b for b in receiver.bodies() if b["event"] == "meeting.created"]
    assert body["payload"]["object"]["id"] == created["id"]
    assert body["payload"]["object"]["creation_source"] == "open_api"
    assert created["creation_source"] == "open_api"


def test_every_answer_carries_a_tracking_id(client: httpx.Client, admin: dict[str, str]) -> None:
    answers = [
        client.get("/v2/users/me", headers=admin),
        client.get("/v2/users/me"),
        client.get("/v2/no/such/path", headers=admin),
        client.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "nope"}),
    ]
    ids = [a.headers["x-zm-trackingid"] for a in answers]
    assert [a.status_code for a in answers] == [200, 401, 404, 400]
    assert all(
        i.startswith("v=2.0;clid=us05;rid=WEB_") and len(i) == len("v=2.0;clid=us05;rid=WEB_") + 32
        for i in ids
    )
    assert len(set(ids)) == 4


def test_digits_int_cannot_read_are_not_numbers(client: httpx.Client, admin: dict[str, str]) -> None:
    # "¹".isdigit() is true, but int("¹") fails: such a page number is no page number, such an id
    # no meeting.
    first_page = client.get("/v2/users", headers=admin).json()
    odd_page = client.get("/v2/users", params={"page_number": "¹"}, headers=admin)
    assert (odd_page.status_code, odd_page.json()["users"]) == (200, first_page["users"])
    missing = client.get("/v2/meetings/¹", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["code"] == 3001
