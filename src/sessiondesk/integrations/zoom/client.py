"""Typed calls to Zoom over one HTTP seam. Base URLs come from settings, so the emulator swaps in.

``_send`` makes every HTTP request and records each one as a ``meetings.CallAttempt`` (provider
"zoom", with its meeting link when there is one) without any token text: one record per request.
The OAuth calls take credentials: ``exchange_code``, ``refresh_tokens(refresh_token,
kind=connection.kind)``, ``revoke``, ``get_me`` (while connecting), ``data_compliance``. The REST
calls made for a connection take a ``Caller``, the call context of ``zoom.calls`` that adds the
token, paces and retries. Each raises ``errors.ZoomError`` (``permanent``, ``remedy``,
``retry_after``, ``invalid_grant``). Tests inject the emulator in-process with
``use_transport(httpx.WSGITransport(app=emulator_app))``.
"""

import functools
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from django.conf import settings

from sessiondesk.integrations.zoom.connection import zoom_app
from sessiondesk.integrations.zoom.errors import ZoomError, from_response, from_transport
from sessiondesk.integrations.zoom.models import ConnectionKind
from sessiondesk.meetings import attempts
from sessiondesk.meetings.models import MeetingLink

_transport: httpx.BaseTransport | None = None
_local = threading.local()


@contextmanager
def use_transport(transport: httpx.BaseTransport | None) -> Iterator[None]:
    global _transport
    previous, _transport = _transport, transport
    try:
        yield
    finally:
        _transport = previous


def current_transport() -> httpx.BaseTransport | None:
    """The transport calls to Zoom use (None: the network); ``sessiondesk check`` uses it too."""
    return _transport


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    scopes: frozenset[str]
    api_url: str = ""

    @property
    def scope(self) -> str:
        """Space-separated, as Zoom sends it (stored in ``ZoomConnection.granted_scopes``)."""
        return " ".join(sorted(self.scopes))

    def __repr__(self) -> str:
        # Never let a token reach a log line or a traceback.
        return f"TokenSet(scopes={sorted(self.scopes)}, expires_in={self.expires_in})"


@dataclass(frozen=True)
class ZoomUser:
    id: str
    account_id: str
    email: str
    first_name: str
    last_name: str
    role_name: str
    role_id: str
    type: int | None
    status: str

    @property
    def is_account_admin(self) -> bool:
        # Zoom's built-in roles: "0" Owner, "1" Admin, "2" Member (GET /users/me role_id / role_name).
        return self.role_id in ("0", "1") or self.role_name.lower() in ("owner", "admin")

    @property
    def role_label(self) -> str:
        return self.role_name or {"0": "Owner", "1": "Admin", "2": "Member"}.get(self.role_id, "")


@functools.cache
def _tls() -> ssl.SSLContext:
    """Loading the CA bundle costs tens of milliseconds: once per process, not per call."""
    return httpx.create_ssl_context()


def _http() -> httpx.Client:
    """This thread's HTTP client, kept so calls reuse its connections (no TLS handshake per call)."""
    key = (_transport, settings.ZOOM_HTTP_TIMEOUT)
    if getattr(_local, "key", None) != key:
        if getattr(_local, "client", None) is not None:
            _local.client.close()
        _local.client = httpx.Client(transport=_transport, timeout=key[1], verify=_tls())
        _local.key = key
    client: httpx.Client = _local.client
    return client


class Caller(Protocol):
    """What the REST calls are made through: ``calls.ZoomCall`` (token, pacing, ledger, retry)."""

    def send(self, operation: str, method: str, url: str, **kwargs: Any) -> httpx.Response: ...


def _send(
    operation: str, method: str, url: str, *, link: MeetingLink | None = None, **kwargs: Any
) -> httpx.Response:
    """One HTTP call, recorded once (with ``link``, the meeting it was made for); raises ZoomError
    for anything but 2xx."""
    started = time.perf_counter()
    try:
        response = _http().request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        error = from_transport(exc)
        _record(link, operation, started, None, error, excerpt=error.message)
        raise error from exc
    if response.is_success:
        _record(link, operation, started, response.status_code, None)
        return response
    error = from_response(response)
    _record(link, operation, started, response.status_code, error, excerpt=response.text)
    raise error


def _record(
    link: MeetingLink | None,
    operation: str,
    started: float,
    status: int | None,
    error: ZoomError | None,
    excerpt: str = "",
) -> None:
    outcome = "ok" if error is None else ("permanent" if error.permanent else "transient")
    attempts.record(
        link,
        provider="zoom",
        operation=operation,
        outcome=outcome,
        status=status,
        code=error.code if error else "",
        duration_ms=round((time.perf_counter() - started) * 1000),
        # Error bodies from Zoom name codes and reasons, never tokens; success bodies are not kept.
        # A request that got no answer keeps what the transport said instead.
        excerpt=excerpt[:500],
    )


def _basic(kind: str) -> httpx.BasicAuth:
    app = zoom_app.app_for(kind)
    return httpx.BasicAuth(app.client_id, app.client_secret)


def _token_set(response: httpx.Response) -> TokenSet:
    # {"access_token": "eyJ…", "token_type": "bearer", "refresh_token": "eyJ…", "expires_in": 3599,
    #  "scope": "meeting:write:meeting user:read:user", "api_url": "https://api.zoom.us"}
    body = response.json()
    return TokenSet(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token", ""),
        expires_in=int(body.get("expires_in", 3599)),
        scopes=frozenset(str(body.get("scope", "")).split()),
        api_url=body.get("api_url", ""),
    )


def exchange_code(code: str, *, code_verifier: str, redirect_uri: str, kind: str) -> TokenSet:
    # Reference: https://developers.zoom.us/docs/integrations/oauth/#step-2-request-access-token
    response = _send(
        "oauth.token.authorization_code",
        "POST",
        zoom_app.oauth_url("/oauth/token"),
        auth=_basic(kind),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
    )
    return _token_set(response)


def refresh_tokens(refresh_token: str, *, kind: str = ConnectionKind.PERSONAL) -> TokenSet:
    """Spend a refresh token. Zoom rotates it: the answer's refresh token is the only valid one now.

    A spent, revoked or expired token raises ZoomError with ``invalid_grant`` True. Pass
    ``kind=connection.kind``: the organisation account is authorised through its own Zoom app.
    """
    # Reference: https://developers.zoom.us/docs/integrations/oauth/#refreshing-an-access-token
    response = _send(
        "oauth.token.refresh",
        "POST",
        zoom_app.oauth_url("/oauth/token"),
        auth=_basic(kind),
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
    )
    return _token_set(response)


def revoke(token: str, *, kind: str) -> None:
    """Revoke a token; at Zoom this uninstalls the app for that user (and fires app_deauthorized)."""
    # Reference: https://developers.zoom.us/docs/integrations/oauth/#revoking-an-access-token
    # 200 {"status": "success"}
    _send(
        "oauth.revoke", "POST", zoom_app.oauth_url("/oauth/revoke"), auth=_basic(kind), data={"token": token}
    )


def get_me(access_token: str) -> ZoomUser:
    """Who a new authorisation belongs to: asked while connecting, before there is a connection (or
    a Zoom account to pace) to make a ``calls.ZoomCall`` for."""
    # Reference: https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
    response = _send(
        "users.me", "GET", zoom_app.api_url("/users/me"), headers={"Authorization": f"Bearer {access_token}"}
    )
    # {"id": "KDcuGIm1QgePTO8WbOqwIQ", "email": "jchill@example.com", "first_name": "Jill",
    #  "last_name": "Chill", "role_name": "Owner", "role_id": "0", "account_id": "q6gBJVO5TzexKYTb_I2rpg",
    #  "type": 2, "status": "active", …}
    body = response.json()
    return ZoomUser(
        id=str(body["id"]),
        account_id=str(body.get("account_id", "")),
        email=str(body.get("email", "")),
        first_name=str(body.get("first_name", "")),
        last_name=str(body.get("last_name", "")),
        role_name=str(body.get("role_name", "")),
        role_id=str(body.get("role_id", "")),
        type=body.get("type"),
        status=str(body.get("status", "")),
    )


def data_compliance(*, kind: str, user_id: str, account_id: str, deauthorization: dict[str, Any]) -> None:
    """Tell Zoom the user's data is deleted after ``app_deauthorized`` (deprecated by Zoom, still accepted)."""
    # Reference: https://developers.zoom.us/docs/api/rest/data-compliance/
    app = zoom_app.app_for(kind)
    _send(
        "oauth.data_compliance",
        "POST",
        # Served by the API host (api.zoom.us), unlike the other /oauth calls.
        settings.ZOOM_API_URL.removesuffix("/v2") + "/oauth/data/compliance",
        auth=_basic(kind),
        json={
            "client_id": app.client_id,
            "user_id": user_id,
            "account_id": account_id,
            "deauthorization_event_received": deauthorization,
            "compliance_completed": True,
        },
    )


# The name the token vault uses for a token response.
TokenResponse = TokenSet


@dataclass(frozen=True)
class ZoomMeeting:
    """A meeting as ``POST /users/{userId}/meetings`` (201) or ``GET /meetings/{meetingId}`` reports it."""

    id: str
    host_id: str
    host_email: str
    topic: str
    start_time: str
    duration: int | None
    join_url: str
    start_url: str
    password: str
    agenda: str = ""


@dataclass(frozen=True)
class ListedMeeting:
    """A row of ``GET /users/{userId}/meetings`` (no start URL or passcode there)."""

    id: str
    host_id: str
    topic: str
    start_time: str
    agenda: str
    join_url: str


def _zoom_meeting(body: dict[str, Any]) -> ZoomMeeting:
    # {"uuid": "5yDZGNlQSV6qOjg4NxajHQ==", "id": 85746065432, "host_id": "KDcuGIm1QgePTO8WbOqwIQ",
    #  "host_email": "carla@acme.test", "topic": "Algebra lesson", "type": 2, "status": "waiting",
    #  "start_time": "2026-11-24T15:00:00Z", "duration": 60, "timezone": "America/New_York",
    #  "agenda": "…", "start_url": "https://us05web.zoom.us/s/85746065432?zak=…",
    #  "join_url": "https://us05web.zoom.us/j/85746065432?pwd=…", "password": "a1B2c3", "settings": {…}}
    return ZoomMeeting(
        id=str(body["id"]),
        host_id=str(body.get("host_id", "")),
        host_email=str(body.get("host_email", "")),
        topic=str(body.get("topic", "")),
        start_time=str(body.get("start_time", "")),
        duration=body.get("duration"),
        join_url=str(body.get("join_url", "")),
        start_url=str(body.get("start_url", "")),
        password=str(body.get("password", "")),
        agenda=str(body.get("agenda", "")),
    )


def create_meeting(call: Caller, user_id: str, body: dict[str, Any]) -> ZoomMeeting:
    """``user_id`` is "me" for a personal (user-managed) connection, else the host's Zoom user id."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/users/{userId}/meetings
    response = call.send("meetings.create", "POST", zoom_app.api_url(f"/users/{user_id}/meetings"), json=body)
    return _zoom_meeting(response.json())


def update_meeting(call: Caller, meeting_id: str, body: dict[str, Any]) -> int:
    """Zoom answers 204 with an empty body; returns the status."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/PATCH/meetings/{meetingId}
    response = call.send("meetings.update", "PATCH", zoom_app.api_url(f"/meetings/{meeting_id}"), json=body)
    return response.status_code


def delete_meeting(call: Caller, meeting_id: str) -> int:
    """204; a meeting already gone raises ZoomError 404 ``{"code": 3001, …}`` (callers decide)."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/DELETE/meetings/{meetingId}
    response = call.send("meetings.delete", "DELETE", zoom_app.api_url(f"/meetings/{meeting_id}"))
    return response.status_code


def meeting_details(call: Caller, meeting_id: str) -> ZoomMeeting:
    """The full meeting (start URL and passcode included), unlike the sweep's ``get_meeting``."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/meetings/{meetingId}
    response = call.send("meetings.get", "GET", zoom_app.api_url(f"/meetings/{meeting_id}"))
    return _zoom_meeting(response.json())


def list_meetings(call: Caller, user_id: str, *, kind: str = "scheduled") -> Iterator[ListedMeeting]:
    """Every scheduled meeting of the user, following ``next_page_token`` (valid 15 minutes)."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/users/{userId}/meetings
    token = ""
    while True:
        params: dict[str, str | int] = {"type": kind, "page_size": 300}
        if token:
            params["next_page_token"] = token
        response = call.send(
            "meetings.list", "GET", zoom_app.api_url(f"/users/{user_id}/meetings"), params=params
        )
        # {"page_size": 300, "total_records": 2, "next_page_token": "", "meetings": [{"uuid": "…",
        #  "id": 85746065432, "host_id": "…", "topic": "…", "type": 2, "start_time": "…", "duration": 60,
        #  "timezone": "…", "agenda": "…", "created_at": "…", "join_url": "…"}]}
        body = response.json()
        for row in body.get("meetings", []):
            yield ListedMeeting(
                id=str(row["id"]),
                host_id=str(row.get("host_id", "")),
                topic=str(row.get("topic", "")),
                start_time=str(row.get("start_time", "")),
                agenda=str(row.get("agenda", "")),
                join_url=str(row.get("join_url", "")),
            )
        token = str(body.get("next_page_token") or "")
        if not token:
            return


@dataclass(frozen=True)
class MeetingSnapshot:
    """A meeting as ``GET /meetings/{meetingId}`` reports it now (used by the periodic sweep)."""

    id: str
    topic: str
    start_time: str
    duration: int | None
    join_url: str
    status: str


def get_meeting(call: Caller, meeting_id: str) -> MeetingSnapshot:
    """Raises ZoomError; a meeting that is gone is 404 ``{"code": 3001, "message": "Meeting {id} is not
    found or has expired."}``."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/meetings/{meetingId}
    response = call.send("meetings.get", "GET", zoom_app.api_url(f"/meetings/{meeting_id}"))
    # {"id": 85746065432, "uuid": "5yDZGNlQSV6qOjg4NxajHQ==", "topic": "Algebra lesson", "type": 2,
    #  "status": "waiting", "start_time": "2026-11-24T15:00:00Z", "duration": 60, "join_url": "…", …}
    body = response.json()
    return MeetingSnapshot(
        id=str(body.get("id", meeting_id)),
        topic=str(body.get("topic", "")),
        start_time=str(body.get("start_time", "")),
        duration=body.get("duration"),
        join_url=str(body.get("join_url", "")),
        status=str(body.get("status", "")),
    )


@dataclass(frozen=True)
class ZoomRegistrant:
    """A meeting registrant: ``join_url`` is theirs alone (it carries their token)."""

    id: str
    email: str
    join_url: str


def add_registrant(call: Caller, meeting_id: str, person: dict[str, str]) -> ZoomRegistrant:
    """Register one person (``email``, ``first_name``, ``last_name``); an email registered before
    answers with the same registrant and link."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/meetings/{meetingId}/registrants
    response = call.send(
        "registrants.add", "POST", zoom_app.api_url(f"/meetings/{meeting_id}/registrants"), json=person
    )
    # {"id": 85746065432, "registrant_id": "fdgsfh2ey82fuh", "topic": "Algebra lesson",
    #  "start_time": "2026-11-24T15:00:00Z", "join_url": "https://us05web.zoom.us/w/85746065432?tk=…"}
    body = response.json()
    return ZoomRegistrant(str(body["registrant_id"]), person["email"], str(body.get("join_url", "")))


def add_registrants(call: Caller, meeting_id: str, people: list[dict[str, str]]) -> list[ZoomRegistrant]:
    """Register up to 30 people in one call (scheduled meetings only)."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/POST/meetings/{meetingId}/batch_registrants
    response = call.send(
        "registrants.batch",
        "POST",
        zoom_app.api_url(f"/meetings/{meeting_id}/batch_registrants"),
        json={"registrants": people},
    )
    # {"registrants": [{"registrant_id": "fdgsfh2ey82fuh", "email": "sam@example.com",
    #  "join_url": "https://us05web.zoom.us/w/85746065432?tk=…"}, …]}
    return [
        ZoomRegistrant(str(row["registrant_id"]), str(row.get("email", "")), str(row.get("join_url", "")))
        for row in response.json().get("registrants", [])
    ]


def list_registrants(call: Caller, meeting_id: str) -> Iterator[ZoomRegistrant]:
    """The approved registrants, following ``next_page_token``."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/meetings/{meetingId}/registrants
    token = ""
    while True:
        params: dict[str, str | int] = {"status": "approved", "page_size": 300}
        if token:
            params["next_page_token"] = token
        response = call.send(
            "registrants.list", "GET", zoom_app.api_url(f"/meetings/{meeting_id}/registrants"), params=params
        )
        # {"page_size": 300, "total_records": 1, "next_page_token": "", "registrants": [{"id": "…",
        #  "email": "sam@example.com", "first_name": "Sam", "status": "approved", "join_url": "…"}]}
        body = response.json()
        for row in body.get("registrants", []):
            yield ZoomRegistrant(str(row["id"]), str(row.get("email", "")), str(row.get("join_url", "")))
        token = str(body.get("next_page_token") or "")
        if not token:
            return


def cancel_registrants(call: Caller, meeting_id: str, registrant_ids: list[str]) -> int:
    """Cancel up to 30 registrations in one call; their links stop working. 204."""
    # Reference: https://developers.zoom.us/docs/api/meetings/#tag/meetings/PUT/meetings/{meetingId}/registrants/status
    response = call.send(
        "registrants.cancel",
        "PUT",
        zoom_app.api_url(f"/meetings/{meeting_id}/registrants/status"),
        json={"action": "cancel", "registrants": [{"id": rid} for rid in registrant_ids]},
    )
    return response.status_code
