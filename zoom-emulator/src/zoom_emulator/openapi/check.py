"""Request bodies read the way Zoom reads them, driven by the operation's published request schema.

- `null` for a field is taken as absent (a widely used Python client sends nulls on every create);
- fields Zoom does not know, and fields only Zoom writes (`readOnly`), are dropped;
- what is left must match the schema: a wrong type, a value outside an enum, a date-time not in
  Zoom's formats answer 400 code 300 naming the field:
  {"code": 300, "message": "Validation Failed.", "errors": [{"field": "settings.jbh_time", "message": "Invalid field."}]}

Validators are compiled once per operation; checking a body costs one walk over the body.
"""

import re
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from jsonschema import Draft4Validator, FormatChecker, ValidationError

from ..http import json_body, validation_failed
from . import Operation, request_schema

if TYPE_CHECKING:
    from ..context import Ctx

# Zoom writes and reads `yyyy-MM-ddTHH:mm:ssZ` (UTC) and `yyyy-MM-ddTHH:mm:ss` (local time in the
# body's `timezone`); nothing else.
DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)$")
# Zoom's dates are epoch based; a year before 1970 (say 0085, a two-digit year padded) is not a
# time any meeting can have.
EARLIEST_YEAR = 1970

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def zoom_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the `type` keyword speaks for non-strings
    return parse_date_time(value) is not None


def parse_date_time(value: str) -> tuple[datetime, bool] | None:
    """(the wall-clock time, whether it is UTC) for a value in Zoom's formats; None otherwise."""
    match = DATE_TIME.match(value)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
        parsed = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if parsed.year < EARLIEST_YEAR:
        return None
    return parsed, bool(match.group(7))


def body(ctx: "Ctx") -> dict[str, Any]:
    """The request's JSON body, checked and cleaned against its operation's schema."""
    raw = json_body(ctx.request)
    operation = ctx.route.operation
    return checked(operation, raw) if operation is not None else raw


def checked(operation: Operation, raw: dict[str, Any]) -> dict[str, Any]:
    compiled = validator(operation)
    if compiled is None:
        return raw
    cleaned = clean(raw, compiled.schema)
    error = next(compiled.iter_errors(cleaned), None)
    if error is not None:
        raise validation_failed(field_of(error))
    return cleaned


@cache
def validator(operation: Operation) -> Draft4Validator | None:
    schema = request_schema(operation)
    if schema is None:
        return None
    return Draft4Validator(schema, format_checker=FORMATS)


def clean(value: Any, schema: Any) -> Any:
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return value  # a free-form object: Zoom keeps what it is given
        out = {}
        for key, item in value.items():
            sub = properties.get(key)
            if sub is None or item is None or (isinstance(sub, dict) and sub.get("readOnly")):
                continue
            out[key] = clean(item, sub)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [clean(item, schema["items"]) for item in value]
    return value


def field_of(error: ValidationError) -> str:
    parts = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        parts.append(next((n for n in error.validator_value if n not in error.instance), ""))
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"
