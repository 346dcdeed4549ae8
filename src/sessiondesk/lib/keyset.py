"""Keyset pagination: a page is the rows just after (or just before) a cursor in a fixed order.

Unlike page numbers it never counts the table or skips over an OFFSET, so page 2,000 costs what
page 1 does, and a row added meanwhile cannot push a row onto two pages. The order must end with a
unique field (the primary key) so that every row has one place.

A cursor is the sort values of the row at the edge of a page, written into the address:
``?after=…`` for the next page, ``?before=…`` for the previous one.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest


class BadCursor(ValueError):
    """The address holds a cursor this code did not write (edited or cut short)."""


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def paginate(
    rows: QuerySet[Any], order: tuple[str, ...], *, after: str = "", before: str = "", size: int = 50
) -> KeysetPage:
    """One page of ``rows`` in ``order`` (``"-created_at", "-id"``), after or before a cursor.

    Raises ``BadCursor`` for a cursor that cannot be read."""
    if before:
        backwards = rows.filter(_beyond(order, decode(before, len(order)), forward=False))
        found = list(backwards.order_by(*_reversed(order))[: size + 1])
        items = list(reversed(found[:size]))
        earlier = encode(items[0], order) if len(found) > size else None
        return KeysetPage(items, encode(items[-1], order) if items else None, earlier)
    if after:
        rows = rows.filter(_beyond(order, decode(after, len(order)), forward=True))
    found = list(rows.order_by(*order)[: size + 1])
    items = found[:size]
    later = encode(items[-1], order) if len(found) > size else None
    earlier = encode(items[0], order) if after and items else None
    return KeysetPage(items, later, earlier)


def _beyond(order: tuple[str, ...], values: list[Any], *, forward: bool) -> Q:
    """Rows strictly after (or before) ``values`` in ``order``: (a > x) or (a = x and b > y) …"""
    condition = Q(pk__in=[])
    for index, spec in enumerate(order):
        name = spec.lstrip("-")
        descending = spec.startswith("-") == forward
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier_spec, value in zip(order[:index], values, strict=False):
            step &= Q(**{earlier_spec.lstrip("-"): value})
        condition |= step
    return condition


def _reversed(order: tuple[str, ...]) -> list[str]:
    return [spec[1:] if spec.startswith("-") else f"-{spec}" for spec in order]


def _value_of(row: Model, path: str) -> Any:
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def encode(row: Model, order: tuple[str, ...]) -> str:
    values: list[list[Any]] = []
    for spec in order:
        value = _value_of(row, spec.lstrip("-"))
        if isinstance(value, dt.datetime):
            values.append(["d", value.isoformat()])
        elif isinstance(value, int):
            values.append(["i", value])
        else:
            values.append(["s", str(value)])
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != length:
            raise BadCursor(cursor)
        return [_typed(kind, value) for kind, value in values]
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
        raise BadCursor(cursor) from error


def _typed(kind: str, value: Any) -> Any:
    if kind == "d" and isinstance(value, str):
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise BadCursor(value)
        return moment
    if kind == "i" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "s" and isinstance(value, str):
        return value
    raise BadCursor(str(value))


CURSOR_PARAMS = ("after", "before", "page")


def page_for(
    request: HttpRequest, rows: QuerySet[Any], order: tuple[str, ...], *, size: int = 50
) -> tuple[KeysetPage, int]:
    """The page the address asks for, and the status to answer with: a cursor that cannot be read
    gets the first page, a message saying so, and 400."""
    try:
        found = paginate(
            rows, order, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=size
        )
    except BadCursor:
        messages.error(request, "That page link is not valid; showing the first page instead.")
        return paginate(rows, order, size=size), 400
    return found, 200


def query_without_cursor(request: HttpRequest) -> str:
    """The address's query string without the page cursor, for the pager's links (filters kept)."""
    query = request.GET.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    return query.urlencode()
