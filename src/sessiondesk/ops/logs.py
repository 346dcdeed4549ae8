"""Log records as JSON lines (``LOG_FORMAT=json``) or plain text, with the request id, never secrets.

Every record is scrubbed when formatted: bearer tokens, ``token=``/``password=``-style pairs (a
meeting's ``passcode`` and a join link's ``pwd=`` too), Zoom JWTs, Django-signed values and the
token part of signed links (``/manage/…``, ``/portal/…``, ``/invite/…``, password-reset links)
are replaced by ``[redacted]``. The request line of
``RequestContextMiddleware`` names the route pattern, not the path, so a signed link never reaches it.
A refused request (403) is one warning line, not a traceback; an unexpected error keeps its traceback.
"""

import contextvars
import datetime as dt
import json
import logging
import re

from django.core.exceptions import PermissionDenied

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REDACTED = "[redacted]"
_PATTERNS = [
    # Authorization headers and bearer tokens.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + REDACTED),
    # key=value, key: value and "key": "value" for anything named like a secret (Zoom's join links
    # carry the meeting passcode as ``pwd=``).
    (
        re.compile(
            r"""(?ix)\b([a-z_]*(?:token|secret|password|passwd|pwd|passcode|verifier|signature|api_key|code)[a-z_]*)
            (["']?\s*[:=]\s*["']?)([^"'&\s,;}]+)"""
        ),
        r"\1\2" + REDACTED,
    ),
    # JWTs (Zoom's access and refresh tokens).
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9._-]+"), REDACTED),
    # Values signed by django.core.signing (clients' links): payload:timestamp:signature.
    (re.compile(r"[A-Za-z0-9_.-]{16,}:[A-Za-z0-9_-]{4,}:[A-Za-z0-9_-]{16,}"), REDACTED),
    # The secret segment of signed links and password-reset links.
    (re.compile(r"/(manage|portal|invite)/(?![<\[])[^/\s\"'?#]+"), r"/\1/" + REDACTED),
    (re.compile(r"/password-reset/([^/\s\"'?#]+)/(?![<\[])[^/\s\"'?#]+"), r"/password-reset/\1/" + REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", "")
        return True


class RefusalFilter(logging.Filter):
    """Django logs a request refused with PermissionDenied (403) with the exception's traceback; a
    refusal is routine, so it becomes one line: method, path, status."""

    def filter(self, record: logging.LogRecord) -> bool:
        refused = record.exc_info[1] if record.exc_info else None
        request = getattr(record, "request", None)
        if isinstance(refused, PermissionDenied) and request is not None:
            # Escaped as Django escapes it, so a path cannot forge a log line.
            path = request.path.encode("unicode_escape").decode("ascii")
            record.msg = "Forbidden (Permission denied): %s %s %s"
            record.args = (request.method, path, getattr(record, "status_code", 403))
            record.exc_info = None
            record.exc_text = None
        return True


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            first, sep, rest = text.partition("\n")
            text = f"{first} [request {request_id}]{sep}{rest}"
        return redact(text)


# Extra fields a record may carry (``log.info(..., extra={...})``) that belong in the JSON line.
_EXTRA = (
    "method", "route", "status", "duration_ms", "worker", "job",
    # The worker's lines about meeting links and emails (meetings/logbook.py, notifications/sender.py).
    "link_id", "session_id", "email_id", "operation", "attempt", "retry_in_seconds", "meeting_id",
)  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key in _EXTRA:
            if hasattr(record, key):
                value = getattr(record, key)
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def logging_config(log_format: str, level: str) -> dict[str, object]:
    formatter = "json" if log_format == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "sessiondesk.ops.logs.RequestIdFilter"},
            "refusal": {"()": "sessiondesk.ops.logs.RefusalFilter"},
        },
        "formatters": {
            "plain": {"()": "sessiondesk.ops.logs.PlainFormatter"},
            "json": {"()": "sessiondesk.ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": formatter, "filters": ["request_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["refusal"]},
            # The request line below replaces Django's own (which names the raw path).
            "django.server": {"level": "WARNING"},
            "gunicorn.error": {"level": level, "propagate": True},
            "gunicorn.access": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
        },
    }
