"""A connection Zoom no longer honours: mark it, tell the person now, and remind them while it stays broken."""

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import (
    ConnectionKind,
    ConnectionStatus,
    ZoomConnection,
    ZoomTokenSet,
)
from sessiondesk.notifications.actions import queue_email

REMEDY = "Reconnect Zoom in Settings → Meeting Preferences"
REMINDER_DAYS = (1, 3, 7, 14)


def mark_needs_reconnect(connection: ZoomConnection, error: str) -> bool:
    """Mark an active connection broken (invalid_grant, revoked token), delete its dead tokens and
    queue the email. Idempotent: only the first caller for a broken connection emails. Call it
    inside the transaction that found the problem, so the email exists only if the mark does."""
    now = timezone.now()
    with transaction.atomic():
        changed = ZoomConnection.objects.filter(pk=connection.pk, status=ConnectionStatus.ACTIVE).update(
            status=ConnectionStatus.NEEDS_RECONNECT,
            broken_at=now,
            last_error=error[:1000],
            remedy=REMEDY,
            reminders_sent=0,
            updated_at=now,
        )
        if not changed:
            return False
        # A refused refresh token is worth nothing; keep no secret we cannot use.
        ZoomTokenSet.objects.filter(connection_id=connection.pk).delete()
        connection.refresh_from_db()
        audit.record(connection.org, None, "zoom.needs_reconnect", connection, error=error[:300])
        _email(connection, reminder=False)
    return True


def send_reminders(limit: int) -> int:
    """Worker job: remind 1, 3, 7 and 14 days after the break while the connection stays broken."""
    now = timezone.now()
    candidates = ZoomConnection.objects.filter(
        status=ConnectionStatus.NEEDS_RECONNECT,
        reminders_sent__lt=len(REMINDER_DAYS),
        broken_at__lte=now - dt.timedelta(days=REMINDER_DAYS[0]),
    ).select_related("org", "member__user")
    sent = 0
    for connection in candidates:
        if sent >= limit:
            break
        assert connection.broken_at is not None
        due = sum(1 for days in REMINDER_DAYS if connection.broken_at + dt.timedelta(days=days) <= now)
        if due <= connection.reminders_sent:
            continue
        with transaction.atomic():
            # Compare-and-swap: one worker wins each reminder. After a long pause, one email catches up.
            claimed = ZoomConnection.objects.filter(
                pk=connection.pk,
                status=ConnectionStatus.NEEDS_RECONNECT,
                reminders_sent=connection.reminders_sent,
            ).update(reminders_sent=due)
            if claimed:
                _email(connection, reminder=True)
                sent += 1
    return sent


def broken_for(member: Member) -> QuerySet[ZoomConnection]:
    """Connections this member should be told about: their own, and the organisation's for admins."""
    mine = Q(kind=ConnectionKind.PERSONAL, member=member)
    if member.is_admin:
        mine |= Q(kind=ConnectionKind.ORGANIZATION)
    return ZoomConnection.objects.filter(mine, org_id=member.org_id, status=ConnectionStatus.NEEDS_RECONNECT)


def _email(connection: ZoomConnection, *, reminder: bool) -> None:
    member = connection.member
    if member is None:
        return
    context = {"connection": connection, "member": member, "reminder": reminder, "remedy": REMEDY}
    subject = "Reminder: reconnect Zoom" if reminder else "Your Zoom connection needs reconnecting"
    queue_email(
        to=member.email,
        subject=subject,
        body_text=render_to_string("zoom/email/needs_reconnect.txt", context),
        kind="zoom_reminder" if reminder else "zoom_needs_reconnect",
        org=connection.org,
    )
