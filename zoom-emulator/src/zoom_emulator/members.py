"""Shared handling of `{"members": [{"id": …} or {"email": …}]}` bodies (roles and groups)."""

from typing import TYPE_CHECKING, Any

from .http import ZoomError, validation_failed
from .users.models import User

if TYPE_CHECKING:
    from .state import State


def members_of_body(state: "State", account_id: str, body: dict[str, Any]) -> list[User]:
    items = body.get("members")
    if not isinstance(items, list) or not items or len(items) > 30:
        raise validation_failed("members")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise validation_failed("members")
        # Zoom: when both are given, the id wins.
        user = state.users.get(item["id"]) if item.get("id") else state.user_by_email(item.get("email", ""))
        if user is None or user.account_id != account_id:
            raise ZoomError(404, 1001, f"User does not exist: {item.get('id') or item.get('email', '')}.")
        found.append(user)
    return found


def member_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "type": user.type,
    }
