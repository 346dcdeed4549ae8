"""Removing the integration permanently: the grant is revoked at Zoom, the synced directory and the
links are deleted, and the audit log says so. Connecting again later syncs everything afresh."""

from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import actions
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    DirectorySync,
    DirectoryUser,
)
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused
from sessiondesk.integrations.zoom.models import ConnectionKind


@transaction.atomic
def remove_integration(actor: Member) -> dict[str, Any]:
    if not actor.is_admin:
        raise DirectoryRefused("Only owners and admins can remove the organisation's Zoom account.")
    connection = actions.active_connection(actor, ConnectionKind.ORGANIZATION)
    org = actor.org
    users = DirectoryUser.objects.filter(org=org)
    counts: dict[str, Any] = {
        "users": users.count(),
        "links": users.exclude(member=None).count(),
        "roles": DirectoryRole.objects.filter(org=org).count(),
        "groups": DirectoryGroup.objects.filter(org=org).count(),
    }
    if connection is not None:
        actions.disconnect(connection, actor)  # revokes the grant at Zoom once this commits
    users.delete()
    DirectoryRole.objects.filter(org=org).delete()
    DirectoryGroup.objects.filter(org=org).delete()
    DirectorySync.objects.filter(org=org).delete()
    audit.record(
        org, actor, "zoom_directory.integration_removed", None, revoked=connection is not None, **counts
    )
    return counts
