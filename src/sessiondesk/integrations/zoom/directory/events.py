"""Incremental updates from Zoom's ``user.*`` and ``group.member_*`` webhooks, without any API call.

Each handler is idempotent: it sets the state the event describes. What an event cannot say (a
role changed inside Zoom sends no event) the periodic full sync brings.
"""

from typing import Any

from sessiondesk.integrations.zoom.directory import upsert
from sessiondesk.integrations.zoom.directory.client import user_row
from sessiondesk.integrations.zoom.directory.models import DirectoryGroup, GroupMembership
from sessiondesk.integrations.zoom.models import (
    ConnectionKind,
    ConnectionStatus,
    WebhookEvent,
    ZoomConnection,
)

# user.updated fields that the directory keeps, by Zoom's name.
UPDATED_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "type": "user_type",
    "role_id": "role_id",
}


def _context(row: WebhookEvent) -> tuple[ZoomConnection | None, dict[str, Any]]:
    payload = row.payload.get("payload", {})
    connection = ZoomConnection.objects.filter(
        kind=ConnectionKind.ORGANIZATION,
        status=ConnectionStatus.ACTIVE,
        zoom_account_id=str(payload.get("account_id", "")),
    ).first()
    return connection, payload


def on_created(row: WebhookEvent) -> None:
    # {"account_id": "…", "creation_type": "create", "object": {"id": "…", "first_name": "Jill",
    #  "last_name": "Chill", "email": "jchill@example.com", "type": 1}}
    connection, payload = _context(row)
    if connection is None:
        return
    obj = payload.get("object", {})
    # Only "create" sends an invitation; the other creation types are active at once.
    status = "pending" if payload.get("creation_type", "create") == "create" else "active"
    existing = upsert.find(connection.org, str(obj.get("id", "")), str(obj.get("email", "")))
    role_id = existing.role_id if existing is not None and existing.role_id else "2"
    upsert.upsert(
        connection.org, connection.zoom_account_id, user_row({**obj, "status": status, "role_id": role_id})
    )


def _set_status(status: str) -> Any:
    def handler(row: WebhookEvent) -> None:
        connection, payload = _context(row)
        if connection is None:
            return
        obj = payload.get("object", {})
        user = upsert.find(connection.org, str(obj.get("id", "")), str(obj.get("email", "")))
        if user is None:
            existing_role = "2"
            upsert.upsert(
                connection.org,
                connection.zoom_account_id,
                user_row({**obj, "status": status, "role_id": existing_role}),
            )
            return
        # The pending row may not know its Zoom id yet: the event tells it.
        changes = {"status": status, "zoom_user_id": str(obj.get("id") or "")}
        if upsert.apply_fields(user, changes):
            user.save()

    return handler


def on_updated(row: WebhookEvent) -> None:
    # {"object": {"id": "…", "first_name": "Tia"}, "old_object": {"id": "…", "first_name": "Tina"}}
    connection, payload = _context(row)
    if connection is None:
        return
    obj = payload.get("object", {})
    user = upsert.find(
        connection.org, str(obj.get("id", "")), str(payload.get("old_object", {}).get("email", ""))
    )
    if user is None:
        return
    changes = {field: obj[name] for name, field in UPDATED_FIELDS.items() if name in obj}
    if isinstance(obj.get("email"), str):
        user.email = obj["email"].lower()
    upsert.apply_fields(user, changes)
    user.save()


def on_removed(row: WebhookEvent) -> None:
    """user.deleted / user.disassociated: they left the account (in Zoom or from SessionDesk)."""
    connection, payload = _context(row)
    if connection is None:
        return
    obj = payload.get("object", {})
    user = upsert.find(connection.org, str(obj.get("id", "")), str(obj.get("email", "")))
    if user is not None:
        upsert.forget(user)


def _members(row: WebhookEvent, added: bool) -> None:
    # {"object": {"id": "<group id>", "members": [{"id": "…", "email": "…"}]}}
    connection, payload = _context(row)
    if connection is None:
        return
    obj = payload.get("object", {})
    group = DirectoryGroup.objects.filter(org=connection.org, zoom_group_id=str(obj.get("id", ""))).first()
    if group is None:
        return
    for raw in obj.get("members", []):
        user = upsert.find(connection.org, str(raw.get("id", "")), str(raw.get("email", "")))
        if user is None:
            continue
        if added:
            GroupMembership.objects.get_or_create(user=user, group=group)
        else:
            GroupMembership.objects.filter(user=user, group=group).delete()


def on_member_added(row: WebhookEvent) -> None:
    _members(row, added=True)


def on_member_deleted(row: WebhookEvent) -> None:
    _members(row, added=False)


on_activated = _set_status("active")
on_deactivated = _set_status("inactive")
