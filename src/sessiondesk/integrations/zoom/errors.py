"""Zoom's errors, classified once: permanent (a person must act, with the remedy) or transient (retry).

Zoom answers in two shapes:
- the OAuth host (``/oauth/token``, ``/oauth/revoke``): ``{"reason": "Invalid Token!", "error": "invalid_grant"}``
- the REST API (``/v2``): ``{"code": 124, "message": "Invalid access token."}``
"""

import json
from dataclasses import dataclass

import httpx

RECONNECT = "Reconnect Zoom in Settings → Meeting Preferences."
CREDENTIALS = (
    "The Zoom app's client ID or secret is wrong: the operator must fix ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET."
)
RETRY = "Zoom did not answer properly; SessionDesk tries again shortly."


class ZoomError(Exception):
    def __init__(
        self,
        status: int | None,
        code: str,
        message: str,
        *,
        permanent: bool,
        remedy: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.permanent = permanent
        self.remedy = remedy
        self.retry_after = retry_after

    @property
    def invalid_grant(self) -> bool:
        """The refresh token is spent, revoked or expired: only a new authorisation helps."""
        return self.code == "invalid_grant"

    def __str__(self) -> str:
        return f"Zoom {self.status} {self.code}: {self.message}"


@dataclass(frozen=True)
class _Rule:
    permanent: bool
    remedy: str


# REST codes whose meaning does not depend on the endpoint.
REST_CODES: dict[int, _Rule] = {
    # 401 {"code": 124, "message": "Invalid access token."} / "Access token is expired."
    124: _Rule(True, RECONNECT),
    # 400 {"code": 4711, "message": "Invalid access token, does not contain scopes:[user:read:list_users:admin]."}
    4711: _Rule(
        True, "The Zoom app lacks a scope: add it to the app in the Zoom Marketplace, then reconnect."
    ),
    4700: _Rule(
        True, "The Zoom app lacks a scope: add it to the app in the Zoom Marketplace, then reconnect."
    ),
    # 404 {"code": 1001, "message": "User does not exist: abc."}
    1001: _Rule(True, "That Zoom user does not exist in the connected Zoom account."),
    # 404 {"code": 3001, "message": "Meeting does not exist: 85746065432."}
    3001: _Rule(True, "The Zoom meeting no longer exists."),
    # 400 {"code": 200, "message": "No privilege."}
    200: _Rule(True, "The connected Zoom user lacks the Zoom role permissions for this; ask a Zoom admin."),
    # 400 {"code": 300, "message": "Validation Failed."}
    300: _Rule(True, "Zoom refused the request as invalid."),
}

# OAuth "error" values.
OAUTH_ERRORS: dict[str, _Rule] = {
    # 400 {"reason": "Invalid Token!", "error": "invalid_grant"}: rotated, revoked or expired refresh token.
    "invalid_grant": _Rule(True, RECONNECT),
    # 400 {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    "invalid_client": _Rule(True, CREDENTIALS),
    # 400 {"reason": "Invalid authorization code …", "error": "invalid_request"}; also "Code is expired".
    "invalid_request": _Rule(True, "Start the connection again from Settings → Meeting Preferences."),
    "unsupported_grant_type": _Rule(True, CREDENTIALS),
}


def quoted(message: str) -> str:
    """Zoom's own words as a quoted sentence of their own, so what SessionDesk says next reads apart
    from them: Zoom's messages often end without a period ("You can not disassociate an Admin user")."""
    words = message.strip()
    if words and words[-1] not in ".!?…":
        words += "."
    return f"“{words}”"


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def from_response(response: httpx.Response) -> ZoomError:
    status = response.status_code
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        body = {}
    if "error" in body:
        error = str(body["error"])
        message = str(body.get("reason") or error)
        rule = OAUTH_ERRORS.get(error, _Rule(status < 500, "Start the connection again."))
        return ZoomError(status, error, message, permanent=rule.permanent, remedy=rule.remedy)
    code = body.get("code")
    message = str(body.get("message") or response.reason_phrase or "no message")
    if status == 429:
        # {"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."}
        return ZoomError(
            status,
            str(code or 429),
            message,
            permanent=False,
            remedy=RETRY,
            retry_after=_retry_after(response),
        )
    if status >= 500 or status in (408, 425):
        return ZoomError(status, str(code or status), message, permanent=False, remedy=RETRY)
    if isinstance(code, int) and code in REST_CODES:
        rule = REST_CODES[code]
        return ZoomError(status, str(code), message, permanent=rule.permanent, remedy=rule.remedy)
    if status == 401:
        return ZoomError(status, str(code or status), message, permanent=True, remedy=RECONNECT)
    return ZoomError(status, str(code or status), message, permanent=True, remedy="")


def from_transport(exc: httpx.HTTPError) -> ZoomError:
    """No answer at all (timeout, refused, dropped): always worth another try."""
    name = type(exc).__name__
    return ZoomError(None, name, f"{name}: {exc}", permanent=False, remedy=RETRY)
