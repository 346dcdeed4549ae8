"""Zoom's pagination: `page_size` (default 30, clamped to the maximum) and `next_page_token`
(opaque, "" on the last page, valid 15 minutes)."""

import math
from typing import Any

from .context import Ctx
from .http import ZoomError, is_digits
from .ids import opaque


def page_size(ctx: Ctx, default: int = 30, maximum: int = 300) -> int:
    raw = ctx.request.args.get("page_size", "")
    try:
        size = int(raw) if raw else default
    except ValueError:
        raise ZoomError(400, 300, "Invalid parameter: page_size.") from None
    return max(1, min(size, maximum))


def paginate[T](ctx: Ctx, key: str, items: list[T], size: int) -> tuple[list[T], dict[str, Any]]:
    state = ctx.state
    offset = 0
    token = ctx.request.args.get("next_page_token", "")
    if token:
        found = state.page_tokens.get(token)
        if found is None or found[0] != key or found[2] <= ctx.now:
            # {"code": 300, "message": "The next page token is invalid or expired."}
            raise ZoomError(400, 300, "The next page token is invalid or expired.")
        offset = found[1]
    else:
        page_number = ctx.request.args.get("page_number", "")
        if is_digits(page_number) and int(page_number) > 1:
            offset = (int(page_number) - 1) * size
    chunk = items[offset : offset + size]
    next_token = ""
    if offset + size < len(items):
        next_token = opaque(24)
        state.page_tokens[next_token] = (key, offset + size, ctx.now + state.settings.page_token_ttl)
    paging = {
        "next_page_token": next_token,
        "page_count": math.ceil(len(items) / size) if items else 0,
        "page_number": offset // size + 1,
        "page_size": size,
        "total_records": len(items),
    }
    return chunk, paging
