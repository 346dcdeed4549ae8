"""What people do with their Zoom connections besides connecting: disconnect, delete data, release."""

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import zoom_app
from sessiondesk.integrations.zoom.connection.revocation import revoke_on_commit
from sessiondesk.integrations.zoom.models import (
    AdminMode,
    ConnectionKind,
    ConnectionStatus,
    MeetingPreference,
    ZoomConnection,
    ZoomTokenSet,
)


def _drop_tokens(connection: ZoomConnection, *, revoke: bool) -> None:
    tokens = ZoomTokenSet.objects.filter(connection=connection).first()
    if tokens is None:
        return
    if revoke:
        revoke_on_commit(tokens.access_token, tokens.refresh_token, zoom_app.key_of(connection))
    # Deleted, never blanked: nothing of the credentials stays in the database.
    tokens.delete()


@transaction.atomic
def disconnect(connection: ZoomConnection, actor: Member) -> None:
    """Revoke at Zoom, delete the tokens; sessions keep the join links they already have."""
    connection = ZoomConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.status == ConnectionStatus.REVOKED:
        return
    _drop_tokens(connection, revoke=True)
    connection.status = ConnectionStatus.REVOKED
    connection.last_error = ""
    connection.remedy = ""
    connection.save(update_fields=["status", "last_error", "remedy", "updated_at"])
    audit.record(connection.org, actor, "zoom.disconnected", connection.member or actor, kind=connection.kind)


@transaction.atomic
def delete_zoom_data(member: Member, actor: Member) -> int:
    """The person's Zoom data goes: tokens (revoked at Zoom), links and the cached Zoom identity.

    Removes every personal connection row of the member (active or not); returns how many.
    The audit log records the request and its completion without any Zoom identity.
    """
    audit.record(member.org, actor, "zoom.data_deletion_requested", member)
    connections = list(
        ZoomConnection.objects.select_for_update().filter(member=member, kind=ConnectionKind.PERSONAL)
    )
    for connection in connections:
        _drop_tokens(connection, revoke=connection.status != ConnectionStatus.REVOKED)
        connection.delete()
    audit.record(member.org, actor, "zoom.data_deleted", member, connections=len(connections))
    return len(connections)


@transaction.atomic
def release_link(connection: ZoomConnection, actor: Member) -> None:
    """An admin frees a Zoom user held by a stale link (e.g. a member deleted and re-created)."""
    connection = ZoomConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.status == ConnectionStatus.REVOKED:
        return
    # The holder may still be using it; Zoom supersedes these tokens when the user authorises again.
    _drop_tokens(connection, revoke=False)
    connection.status = ConnectionStatus.REVOKED
    connection.broken_at = connection.broken_at or timezone.now()
    connection.remedy = "Released by an admin. Connect Zoom again in Settings → Meeting Preferences."
    connection.save(update_fields=["status", "broken_at", "remedy", "updated_at"])
    audit.record(
        connection.org,
        actor,
        "zoom.link_released",
        connection.member or actor,
        holder=connection.member.name if connection.member else "a deleted member",
    )


@transaction.atomic
def set_admin_mode(connection: ZoomConnection, mode: str, actor: Member) -> None:
    if mode not in AdminMode.values or connection.admin_mode == mode:
        return
    connection.admin_mode = mode
    connection.save(update_fields=["admin_mode", "updated_at"])
    audit.record(connection.org, actor, "zoom.admin_mode_changed", actor, admin_mode=mode)


@transaction.atomic
def set_platform(member: Member, platform: str, custom_url: str = "") -> MeetingPreference:
    preference, _ = MeetingPreference.objects.update_or_create(
        member=member,
        defaults={"platform": platform, "custom_url": custom_url if platform == "custom" else ""},
    )
    return preference


def platform_of(member: Member) -> MeetingPreference:
    """The member's meeting platform; Zoom unless they chose otherwise."""
    found = MeetingPreference.objects.filter(member=member).first()
    return found or MeetingPreference(member=member)


def active_connection(member: Member, kind: str) -> ZoomConnection | None:
    live = ZoomConnection.objects.exclude(status=ConnectionStatus.REVOKED)
    if kind == ConnectionKind.ORGANIZATION:
        return live.filter(org=member.org, kind=kind).first()
    return live.filter(member=member, kind=kind).first()
