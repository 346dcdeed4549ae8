"""Responses and errors in Zoom's wire format."""

import json
from typing import Any

from werkzeug.wrappers import Request, Response

JSON_TYPE = "application/json;charset=UTF-8"


def dumps(body: Any) -> str:
    # Zoom answers compact JSON.
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status=status, headers=headers, content_type=JSON_TYPE)


def no_content() -> Response:
    return Response(b"", status=204)


class ZoomError(Exception):
    """A REST error: {"code": 1001, "message": "User does not exist: abc."}"""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.errors = errors

    def response(self) -> Response:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return json_response(body, self.status, self.headers)


class TokenError(Exception):
    """An OAuth error: {"reason": "Invalid Token!", "error": "invalid_grant"}"""

    def __init__(self, reason: str, error: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.status = status

    def response(self) -> Response:
        return json_response({"reason": self.reason, "error": self.error}, self.status)


def validation_failed(field: str, message: str = "Invalid field.") -> ZoomError:
    return ZoomError(400, 300, "Validation Failed.", errors=[{"field": field, "message": message}])


def json_body(request: Request) -> dict[str, Any]:
    raw = request.get_data()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ZoomError(400, 300, "Request Body should be a valid JSON object.")
    return body


def params(request: Request) -> dict[str, str]:
    """OAuth parameters may come in the query string or a form body; the form wins."""
    merged = dict(request.args.items())
    merged.update(request.form.items())
    return merged


def base_url(request: Request) -> str:
    # Cheaper than request.host_url, which re-encodes the whole URL on every call.
    environ = request.environ
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ['wsgi.url_scheme']}://{host}"


def is_digits(raw: str) -> bool:
    """Whether ``raw`` is one or more ASCII digits: ``str.isdigit`` also says yes to "¹", which
    ``int`` cannot read."""
    return raw.isascii() and raw.isdigit()
