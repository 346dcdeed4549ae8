"""Roles and groups of a Zoom user. For a pending user the change is queued (see ``queue``)."""

from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import calls
from sessiondesk.integrations.zoom.directory import client, permissions
from sessiondesk.integrations.zoom.directory.models import (
    MEMBER_ROLE,
    OWNER_ROLE,
    ChangeKind,
    DirectoryGroup,
    DirectoryRole,
    DirectoryUser,
    GroupMembership,
    QueuedChange,
    UserStatus,
)


def _queue(actor: Member, user: DirectoryUser, kind: str, target_id: str, target_name: str) -> QueuedChange:
    with transaction.atomic():
        # A later change about the same group or role replaces an earlier one still waiting.
        same = QueuedChange.objects.filter(user=user, target_id=target_id)
        if kind == ChangeKind.SET_ROLE:
            same = QueuedChange.objects.filter(user=user, kind=ChangeKind.SET_ROLE)
        else:
            same = same.exclude(kind=ChangeKind.SET_ROLE)
        same.delete()
        change = QueuedChange.objects.create(
            user=user, kind=kind, target_id=target_id, target_name=target_name, queued_by=actor
        )
        audit.record(
            actor.org, actor, "zoom_directory.change_queued", user, email=user.email, change=kind,
            target=target_name, reason="pending until the user accepts Zoom's invitation",
        )  # fmt: skip
    return change


def change_role(actor: Member, user: DirectoryUser, role: DirectoryRole) -> bool:
    """True when Zoom changed it now, False when queued for a pending user."""
    connection = permissions.writable(actor)
    if role.zoom_role_id == OWNER_ROLE or user.role_id == OWNER_ROLE:
        raise permissions.DirectoryRefused(
            "Zoom lets only the account owner hand over ownership, inside Zoom."
        )
    if role.zoom_role_id == user.role_id:
        return True
    if user.status == UserStatus.PENDING:
        _queue(actor, user, ChangeKind.SET_ROLE, role.zoom_role_id, role.name)
        return False
    detail: dict[str, Any] = {"email": user.email, "role": role.name}
    with permissions.zoom_call(actor, "role_change", **detail):
        call = calls.ZoomCall(connection)
        if role.zoom_role_id == MEMBER_ROLE:
            client.unassign_role(call, user.role_id, user.path_id)
        else:
            client.assign_role(call, role.zoom_role_id, user.path_id)
    with transaction.atomic():
        DirectoryUser.objects.filter(pk=user.pk).update(role_id=role.zoom_role_id)
        status = 204 if role.zoom_role_id == MEMBER_ROLE else 201
        audit.record(
            actor.org, actor, "zoom_directory.role_changed", user, **detail, **permissions.answer(status)
        )
    return True


def add_to_group(actor: Member, user: DirectoryUser, group: DirectoryGroup) -> bool:
    """True when Zoom added them now, False when queued for a pending user."""
    connection = permissions.writable(actor)
    if user.status == UserStatus.PENDING:
        _queue(actor, user, ChangeKind.ADD_GROUP, group.zoom_group_id, group.name)
        return False
    detail: dict[str, Any] = {"email": user.email, "group": group.name}
    with permissions.zoom_call(actor, "group_add", **detail):
        client.add_to_group(calls.ZoomCall(connection), group.zoom_group_id, user.path_id)
    with transaction.atomic():
        GroupMembership.objects.get_or_create(user=user, group=group)
        audit.record(
            actor.org, actor, "zoom_directory.group_added", user, **detail, **permissions.answer(201)
        )
    return True


def remove_from_group(actor: Member, user: DirectoryUser, group: DirectoryGroup) -> bool:
    connection = permissions.writable(actor)
    if user.status == UserStatus.PENDING:
        # An add still waiting is simply withdrawn (deleted, not checked first: two presses at once
        # withdraw it once).
        with transaction.atomic():
            withdrawn, _ = QueuedChange.objects.filter(
                user=user, kind=ChangeKind.ADD_GROUP, target_id=group.zoom_group_id
            ).delete()
            if withdrawn:
                audit.record(
                    actor.org,
                    actor,
                    "zoom_directory.change_unqueued",
                    user,
                    email=user.email,
                    group=group.name,
                )
        if withdrawn:
            return True
        _queue(actor, user, ChangeKind.REMOVE_GROUP, group.zoom_group_id, group.name)
        return False
    detail: dict[str, Any] = {"email": user.email, "group": group.name}
    with permissions.zoom_call(actor, "group_remove", **detail):
        client.remove_from_group(calls.ZoomCall(connection), group.zoom_group_id, user.path_id)
    with transaction.atomic():
        GroupMembership.objects.filter(user=user, group=group).delete()
        audit.record(
            actor.org, actor, "zoom_directory.group_removed", user, **detail, **permissions.answer(204)
        )
    return True
