"""Constants and helpers shared by the emulator tests (fixtures live in conftest.py)."""

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

REDIRECT = "https://crm.test/zoom/callback"
HOOK_URL = "https://crm.test/zoom/webhooks"
SECRET = "hook-secret-token"

SEED: dict[str, Any] = {
    "accounts": [
        {
            "id": "acct-pro",
            "plan": "pro",
            "name": "Acme Tutoring",
            "users": [
                {
                    "id": "u-owner",
                    "email": "owner@acme.test",
                    "first_name": "Olga",
                    "last_name": "Owner",
                    "role": "owner",
                },
                {
                    "id": "u-admin",
                    "email": "admin@acme.test",
                    "first_name": "Adam",
                    "last_name": "Admin",
                    "role": "admin",
                },
                {"id": "u-tutor", "email": "tutor@acme.test", "first_name": "Tina", "last_name": "Tutor"},
                {
                    "id": "u-basic",
                    "email": "basic@acme.test",
                    "first_name": "Bob",
                    "last_name": "Basic",
                    "type": 1,
                },
            ],
            "groups": [{"id": "g-tutors", "name": "Tutors", "members": ["tutor@acme.test"]}],
        },
        {
            "id": "acct-free",
            "plan": "free",
            "users": [{"id": "u-free", "email": "solo@free.test", "first_name": "Sol", "last_name": "Free"}],
        },
    ],
    "apps": [
        {
            "client_id": "user-app",
            "client_secret": "user-secret",
            "type": "user",
            "name": "SessionDesk",
            "redirect_uris": [REDIRECT],
            "scopes": [
                "meeting:write:meeting",
                "meeting:read:meeting",
                "meeting:update:meeting",
                "meeting:delete:meeting",
                "meeting:read:list_meetings",
                "user:read:user",
            ],
            "webhook": {
                "url": HOOK_URL,
                "secret_token": SECRET,
                "events": ["meeting.created", "meeting.updated", "meeting.deleted"],
            },
        },
        {
            "client_id": "admin-app",
            "client_secret": "admin-secret",
            "type": "admin",
            "name": "SessionDesk for organisations",
            "redirect_uris": [REDIRECT],
            "scopes": [
                "meeting:write:admin",
                "meeting:read:admin",
                "user:read:admin",
                "user:write:admin",
                "role:read:admin",
                "role:write:admin",
                "group:read:admin",
                "group:write:admin",
            ],
            "webhook": {
                "url": HOOK_URL,
                "secret_token": SECRET,
                "events": [
                    "meeting.created",
                    "meeting.updated",
                    "meeting.deleted",
                    "user.created",
                    "user.updated",
                    "user.deactivated",
                    "user.deleted",
                    "user.disassociated",
                    "group.member_added",
                    "group.member_deleted",
                ],
            },
        },
        {
            "client_id": "s2s-app",
            "client_secret": "s2s-secret",
            "type": "s2s",
            "account_id": "acct-pro",
            "scopes": [
                "meeting:write:meeting:admin",
                "meeting:read:meeting:admin",
                "user:read:list_users:admin",
            ],
        },
    ],
}


class Receiver:
    """A webhook endpoint: records each request and answers with the next queued status (default 200)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, json={})

    def events(self) -> list[str]:
        return [json.loads(r.content)["event"] for r in self.requests]

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def pkce_pair(verifier: str = "v" * 50) -> tuple[str, str]:
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def consent(client: httpx.Client, client_id: str, user: str, **extra: str) -> httpx.Response:
    form = {
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "user": user,
        "decision": "allow",
    }
    form.update(extra)
    return client.post("/oauth/authorize", data=form)


def code_from(response: httpx.Response) -> str:
    return parse_qs(urlparse(response.headers["location"]).query)["code"][0]


def exchange(client: httpx.Client, client_id: str, secret: str, code: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **extra}
    return client.post("/oauth/token", data=data, auth=(client_id, secret))


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
