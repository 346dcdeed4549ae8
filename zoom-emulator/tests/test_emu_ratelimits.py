from typing import Any

import httpx
from emulator_helpers import bearer

PER_SECOND = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this "
    "particular user. You may resume these requests at GMT 00:00:00."
)


def test_it_limits_requests_per_second_per_account_and_category(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    client.put("/_emulator/ratelimits", json={"accounts": {"acct-pro": {"Light": 3}}})
    statuses = [client.get("/v2/users/me", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v2/users/me", headers=headers)
    assert refused.json() == {"code": 429, "message": PER_SECOND}
    assert refused.headers["X-RateLimit-Category"] == "Light"
    assert refused.headers["X-RateLimit-Type"] == "QPS"
    assert (refused.headers["X-RateLimit-Limit"], refused.headers["X-RateLimit-Remaining"]) == ("3", "0")
    # Medium endpoints have their own budget.
    assert client.get("/v2/users", headers=headers).status_code == 200
    client.post("/_emulator/clock", json={"advance": 1})
    assert client.get("/v2/users/me", headers=headers).status_code == 200


def test_it_uses_the_plan_limits_by_default(client: httpx.Client, seeded: dict[str, Any]) -> None:
    tokens = client.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acct-pro"},
        auth=("s2s-app", "s2s-secret"),
    ).json()
    # Pro: 20 Medium calls per second.
    statuses = [client.get("/v2/users", headers=bearer(tokens)).status_code for _ in range(21)]
    assert statuses.count(200) == 20
    assert statuses[-1] == 429


def test_it_can_be_disabled(client: httpx.Client, login: Any) -> None:
    headers = bearer(login("admin-app", "admin@acme.test"))
    client.put("/_emulator/ratelimits", json={"enabled": False})
    assert {client.get("/v2/users", headers=headers).status_code for _ in range(30)} == {200}


def test_it_limits_meeting_creates_and_updates_per_host_per_utc_day(client: httpx.Client, login: Any) -> None:
    client.post("/_emulator/clock", json={"set": "2030-03-17T23:59:00Z"})
    headers = bearer(login("admin-app", "admin@acme.test"))
    client.put("/_emulator/ratelimits", json={"accounts": {"acct-pro": {"Medium": 1000, "Light": 1000}}})
    meeting_id = client.post("/v2/users/u-tutor/meetings", headers=headers, json={}).json()["id"]
    for _ in range(99):
        assert (
            client.patch(f"/v2/meetings/{meeting_id}", headers=headers, json={"topic": "t"}).status_code
            == 204
        )
    refused = client.post("/v2/users/u-tutor/meetings", headers=headers, json={})
    assert refused.status_code == 429
    assert refused.json() == {"code": 429, "message": DAILY}
    assert refused.headers["Retry-After"] == "2030-03-18T00:00:00Z"
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
    # Another host is unaffected, deletes are not counted, and midnight UTC resets the count.
    assert client.post("/v2/users/u-owner/meetings", headers=headers, json={}).status_code == 201
    assert client.delete(f"/v2/meetings/{meeting_id}", headers=headers).status_code == 204
    client.post("/_emulator/clock", json={"advance": 60})
    assert client.post("/v2/users/u-tutor/meetings", headers=headers, json={}).status_code == 201


def test_it_applies_free_plan_limits(client: httpx.Client, app: Any, seeded: dict[str, Any]) -> None:
    client.post(
        "/_emulator/seed",
        json={
            "apps": [
                {
                    "client_id": "free-s2s",
                    "client_secret": "s",
                    "type": "s2s",
                    "account_id": "acct-free",
                    "scopes": ["user:read:admin"],
                }
            ]
        },
    )
    tokens = client.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acct-free"},
        auth=("free-s2s", "s"),
    ).json()
    statuses = [client.get("/v2/users/me", headers=bearer(tokens)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
