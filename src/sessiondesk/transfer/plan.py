"""A plan: what importing a file would do, row by row, before anything is written."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from sessiondesk.lib.zones import is_known_zone

CREATE, UPDATE, SKIP, REJECT = "create", "update", "skip", "reject"
ACTIONS = (CREATE, UPDATE, SKIP, REJECT)


class Refused(Exception):
    """A row that cannot be imported; the message says why, in words."""


@dataclass
class Row:
    line: int
    action: str
    reason: str = ""
    label: str = ""  # what the row is about, as a person recognises it (an email, a title and time)
    values: dict[str, Any] = field(default_factory=dict)
    target: int | None = None  # the existing object a row updates or skips


@dataclass
class Plan:
    kind: str
    rows: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {action: counted.get(action, 0) for action in ACTIONS}

    @property
    def rejected(self) -> list[Row]:
        return [row for row in self.rows if row.action == REJECT]

    @property
    def changes(self) -> list[Row]:
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]

    def add(self, line: int, action: str, reason: str = "", label: str = "", **values: Any) -> Row:
        row = Row(line, action, reason, label, values)
        self.rows.append(row)
        return row


def cell(cells: dict[str, str], mapping: dict[str, str], name: str) -> str:
    header = mapping.get(name)
    return cells.get(header, "").strip() if header else ""


def email(value: str, what: str = "email address") -> str:
    value = value.strip().lower()
    if not value:
        raise Refused(f"No {what}.")
    try:
        validate_email(value)
    except ValidationError:
        raise Refused(f"“{value}” is not a valid {what}.") from None
    return value


def zone(value: str) -> str:
    if not is_known_zone(value):
        raise Refused(f"Unknown time zone “{value}”; use an IANA name such as Europe/Paris.")
    return value


def text(value: str, label: str, limit: int) -> str:
    if len(value) > limit:
        raise Refused(f"The {label} is longer than {limit} characters.")
    return value
