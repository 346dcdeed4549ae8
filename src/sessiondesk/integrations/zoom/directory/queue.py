"""Changes waiting for pending users: applied once Zoom says the user is active, never dropped.

Zoom answers a group change for a pending user with 201 but leaves the user out (they are not yet
a member of the account), so SessionDesk keeps the change until the user accepts the invitation.
A change Zoom refuses stays queued with Zoom's answer and is tried again later.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom import calls
from sessiondesk.integrations.zoom.directory import client, permissions
from sessiondesk.integrations.zoom.directory.models import (
    MEMBER_ROLE,
    ChangeKind,
    DirectoryGroup,
    DirectoryUser,
    GroupMembership,
    QueuedChange,
    UserStatus,
)

MAX_BACKOFF = dt.timedelta(hours=6)
# A claimed change is not due again for this long: long enough for one Zoom call, short enough that a
# worker that died mid-call only delays it.
CLAIM = dt.timedelta(minutes=2)


def apply_due(limit: int, org: Organization | None = None) -> int:
    """Worker job (and the end of each sync): apply queued changes of users who are now active."""
    due = QueuedChange.objects.filter(
        user__status=UserStatus.ACTIVE, next_attempt_at__lte=timezone.now()
    ).exclude(user__zoom_user_id="")
    if org is not None:
        due = due.filter(user__org=org)
    done = 0
    for change in due.select_related("user__org", "queued_by")[:limit]:
        if apply(change):
            done += 1
    return done


def _claim(change: QueuedChange) -> bool:
    """Compare-and-swap on the due time read with the change: of several workers (or a worker and a
    sync's own pass) holding the same change, exactly one sends it to Zoom."""
    claimed = QueuedChange.objects.filter(pk=change.pk, next_attempt_at=change.next_attempt_at).update(
        next_attempt_at=timezone.now() + CLAIM
    )
    return claimed == 1


def apply(change: QueuedChange) -> bool:
    if not _claim(change):
        return False
    user = change.user
    connection = permissions.connection_of(user.org)
    refusal = permissions.write_refusal(connection)
    if refusal:
        _postpone(change, refusal)
        return False
    assert connection is not None
    try:
        _send(calls.ZoomCall(connection), change, user)
    except permissions.ZoomRefused as refused:
        _postpone(change, refused.text)
        return False
    with transaction.atomic():
        _mirror(change, user)
        audit.record(
            user.org,
            change.queued_by,
            "zoom_directory.queued_change_applied",
            user,
            change=change.kind,
            target=change.target_name,
            queued_at=change.created_at.isoformat(),
            **permissions.answer(204 if change.kind == ChangeKind.REMOVE_GROUP else 201),
        )
        QueuedChange.objects.filter(pk=change.pk).delete()
    return True


def _send(call: calls.ZoomCall, change: QueuedChange, user: DirectoryUser) -> None:
    with permissions.zoom_call():
        if change.kind == ChangeKind.ADD_GROUP:
            client.add_to_group(call, change.target_id, user.zoom_user_id)
        elif change.kind == ChangeKind.REMOVE_GROUP:
            client.remove_from_group(call, change.target_id, user.zoom_user_id)
        elif change.target_id == MEMBER_ROLE:
            client.unassign_role(call, user.role_id, user.zoom_user_id)
        else:
            client.assign_role(call, change.target_id, user.zoom_user_id)


def _mirror(change: QueuedChange, user: DirectoryUser) -> None:
    if change.kind == ChangeKind.SET_ROLE:
        DirectoryUser.objects.filter(pk=user.pk).update(role_id=change.target_id)
        return
    group = DirectoryGroup.objects.filter(org_id=user.org_id, zoom_group_id=change.target_id).first()
    if group is None:
        return
    if change.kind == ChangeKind.ADD_GROUP:
        GroupMembership.objects.get_or_create(user=user, group=group)
    else:
        GroupMembership.objects.filter(user=user, group=group).delete()


def _postpone(change: QueuedChange, reason: str) -> None:
    attempts = change.attempts + 1
    wait = min(dt.timedelta(minutes=2**attempts), MAX_BACKOFF)
    QueuedChange.objects.filter(pk=change.pk).update(
        attempts=attempts, last_error=reason[:1000], next_attempt_at=timezone.now() + wait
    )
