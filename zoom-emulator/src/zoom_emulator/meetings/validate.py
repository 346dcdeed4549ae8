"""Checking and normalising a create/update meeting body the way Zoom reads it."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..http import validation_failed
from .models import MEETING_TYPES

PASSWORD = re.compile(r"^[a-zA-Z0-9@\-_*!]{1,10}$")


def fields(body: dict[str, Any], default_timezone: str, now: float) -> dict[str, Any]:
    """Return the known fields of `body`, checked and converted; unknown fields are ignored, as Zoom does."""
    out: dict[str, Any] = {}
    if "topic" in body:
        out["topic"] = text(body, "topic", 200)
    if "agenda" in body:
        out["agenda"] = text(body, "agenda", 2000)
    if "type" in body:
        kind = body["type"]
        if isinstance(kind, str) and kind.isdigit():
            kind = int(kind)
        if kind not in MEETING_TYPES or isinstance(kind, bool):
            raise validation_failed("type")
        out["type"] = kind
    if "duration" in body:
        duration = body["duration"]
        if isinstance(duration, str) and duration.isdigit():
            duration = int(duration)
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
            raise validation_failed("duration")
        out["duration"] = duration
    if body.get("timezone"):
        out["timezone"] = zone_name(body["timezone"])
    if body.get("start_time"):
        out["start_time"] = start_time(body["start_time"], out.get("timezone", default_timezone))
    if "password" in body:
        password = body["password"]
        if not isinstance(password, str) or (password and not PASSWORD.match(password)):
            raise validation_failed("password", "Invalid password.")
        out["password"] = password
    if "pre_schedule" in body:
        out["pre_schedule"] = bool(body["pre_schedule"])
    if "settings" in body:
        if not isinstance(body["settings"], dict):
            raise validation_failed("settings")
        out["settings"] = dict(body["settings"])
    if "recurrence" in body and body["recurrence"] is not None:
        if not isinstance(body["recurrence"], dict):
            raise validation_failed("recurrence")
        out["recurrence"] = body["recurrence"]
    if "tracking_fields" in body:
        if not isinstance(body["tracking_fields"], list):
            raise validation_failed("tracking_fields")
        out["tracking_fields"] = body["tracking_fields"]
    return out


def text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body[name]
    if not isinstance(value, str) or len(value) > limit:
        raise validation_failed(name)
    return value


def zone_name(value: Any) -> str:
    if not isinstance(value, str):
        raise validation_failed("timezone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise validation_failed("timezone") from None
    return value


def start_time(value: Any, timezone: str) -> float:
    """`yyyy-MM-ddTHH:mm:ssZ` is UTC; without the Z it is local time in `timezone`."""
    if not isinstance(value, str):
        raise validation_failed("start_time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise validation_failed("start_time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.timestamp()
