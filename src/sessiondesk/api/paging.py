"""Keyset (cursor) pages for the API's lists.

A list is read in a stable order that ends with the id, so no two rows tie. A page is the first
``limit`` rows after the cursor; the cursor names the last row given (its sort value and id), so a
row added or removed elsewhere never shifts a page: nothing is skipped or repeated. The cursor is
opaque to callers (URL-safe base64 of JSON). The whole list is counted only when asked
(``count=true``): on a table of hundreds of thousands of rows the count costs more than the page.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q, QuerySet
from ninja import Field, Schema

from sessiondesk.api.errors import ApiError
from sessiondesk.api.schemas import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
BAD_CURSOR = "The cursor is not valid; pass the next_cursor of the previous page unchanged."


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}.")
    cursor: str = Field("", max_length=500, description="The previous page's next_cursor.")
    count: bool = Field(False, description="Also count every matching row (slower on long lists).")
    offset: int = Field(0, ge=0, le=MAX_ID, description="Deprecated: rows to skip; use cursor.")


class Keyset:
    """One sort key (a model field) plus the id; how it goes into and comes out of a cursor."""

    def __init__(self, field: str, dump: Callable[[Any], Any], load: Callable[[Any], Any]) -> None:
        self.field = field
        self.dump = dump
        self.load = load

    def order(self) -> tuple[str, str]:
        return (self.field, "pk")

    def encode(self, row: Model) -> str:
        raw = json.dumps([self.dump(getattr(row, self.field)), row.pk], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def after(self, cursor: str) -> Q:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            value, pk = json.loads(raw)
            value = self.load(value)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ApiError(400, BAD_CURSOR, "cursor") from None
        if type(pk) is not int or not 1 <= pk <= MAX_ID:
            raise ApiError(400, BAD_CURSOR, "cursor")
        return Q(**{f"{self.field}__gt": value}) | Q(**{self.field: value, "pk__gt": pk})


def _instant(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError
    return moment


def _text(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError
    return value


BY_START = Keyset("start", lambda v: v.isoformat(), _instant)


def by_text(field: str) -> Keyset:
    return Keyset(field, lambda v: v, _text)


BY_NAME = by_text("name")


def page(rows: QuerySet[Any], keyset: Keyset, params: PageParams) -> dict[str, Any]:
    """The page's rows and its ``next_cursor`` (None on the last page), ``count`` when asked.
    ``params``: a ``PageParams``, or any query schema with the same four fields."""
    if params.cursor and params.offset:
        raise ApiError(400, "Use either cursor or offset, not both.", "offset")
    ordered = rows.order_by(*keyset.order())
    window = ordered.filter(keyset.after(params.cursor)) if params.cursor else ordered
    found = list(window[params.offset : params.offset + params.limit + 1])
    items, more = found[: params.limit], len(found) > params.limit
    return {
        "items": items,
        "limit": params.limit,
        "offset": params.offset,
        "next_cursor": keyset.encode(items[-1]) if more else None,
        "count": rows.count() if params.count else None,
    }
