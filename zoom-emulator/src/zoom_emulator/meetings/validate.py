"""Checking and normalising a create/update meeting body the way Zoom reads it."""

import re
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..http import validation_failed
from ..openapi.check import parse_date_time

PASSWORD = re.compile(r"^[a-zA-Z0-9@\-_*!]{1,10}$")


def fields(body: dict[str, Any], default_timezone: str, now: float) -> dict[str, Any]:
    """The fields of a body already checked against Zoom's schema (openapi.check: types, enums,
    date-time formats), converted, with the rules the schema cannot say."""
    out: dict[str, Any] = {}
    for name in ("type", "pre_schedule", "recurrence", "tracking_fields"):
        if name in body:
            out[name] = body[name]
    if "topic" in body:
        out["topic"] = text(body, "topic", 200)
    if "agenda" in body:
        out["agenda"] = text(body, "agenda", 2000)
    if "duration" in body:
        if body["duration"] < 0:
            raise validation_failed("duration")
        out["duration"] = body["duration"]
    if body.get("timezone"):
        out["timezone"] = zone_name(body["timezone"])
    if body.get("start_time"):
        out["start_time"] = start_time(body["start_time"], out.get("timezone", default_timezone))
    if "password" in body:
        password = body["password"]
        if password and not PASSWORD.match(password):
            raise validation_failed("password", "Invalid password.")
        out["password"] = password
    if "settings" in body:
        out["settings"] = dict(body["settings"])
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
    parsed = parse_date_time(value) if isinstance(value, str) else None
    if parsed is None:
        raise validation_failed("start_time")
    wall, utc = parsed
    return wall.replace(tzinfo=UTC if utc else ZoneInfo(timezone)).timestamp()
