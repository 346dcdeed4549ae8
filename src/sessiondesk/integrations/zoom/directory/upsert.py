"""Writing Zoom's answers into the directory tables. Call inside a transaction."""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom.directory.client import ZoomUserRow
from sessiondesk.integrations.zoom.directory.models import DirectoryGroup, DirectoryUser, GroupMembership
from sessiondesk.scheduling.models import Session, SessionStatus

FIELDS = ("zoom_user_id", "first_name", "last_name", "user_type", "role_id", "status", "zoom_account_id")


def values(row: ZoomUserRow, zoom_account_id: str) -> dict[str, object]:
    return {
        "zoom_user_id": row.id,
        "first_name": row.first_name[:64],
        "last_name": row.last_name[:64],
        "user_type": row.type,
        "role_id": row.role_id,
        "status": row.status,
        "zoom_account_id": zoom_account_id,
    }


def apply_fields(user: DirectoryUser, new: Mapping[str, object]) -> bool:
    """Copy changed fields; an empty Zoom id never replaces a known one (pending rows have none)."""
    changed = False
    for name, value in new.items():
        if name == "zoom_user_id" and not value:
            continue
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    return changed


def upsert(org: Organization, zoom_account_id: str, row: ZoomUserRow) -> DirectoryUser:
    user = find(org, row.id, row.email)
    if user is None:
        user = DirectoryUser(org=org, email=row.email)
    if apply_fields(user, values(row, zoom_account_id)) or user.pk is None:
        user.email = row.email or user.email
        user.synced_at = timezone.now()
        user.save()
    return user


def find(org: Organization, zoom_user_id: str, email: str = "") -> DirectoryUser | None:
    users = DirectoryUser.objects.filter(org=org)
    found = users.filter(zoom_user_id=zoom_user_id).first() if zoom_user_id else None
    if found is None and email:
        found = users.filter(email=email.lower()).first()
    return found


def set_groups(user: DirectoryUser, group_ids: Iterable[str]) -> None:
    wanted = set(DirectoryGroup.objects.filter(org_id=user.org_id, zoom_group_id__in=list(group_ids)))
    have = {m.group: m for m in GroupMembership.objects.filter(user=user).select_related("group")}
    GroupMembership.objects.bulk_create([GroupMembership(user=user, group=g) for g in wanted - set(have)])
    for group in set(have) - wanted:
        have[group].delete()


def flag_sessions(member: Member | None) -> int:
    """The member's upcoming sessions lose their Zoom host: flag them for someone to reassign."""
    if member is None:
        return 0
    return Session.objects.filter(
        org_id=member.org_id, consultant=member, status=SessionStatus.SCHEDULED, start__gte=timezone.now()
    ).update(needs_reassignment=True)


def forget(user: DirectoryUser) -> int:
    """The Zoom user left the account: drop the row (memberships and queue go with it); returns sessions flagged."""
    flagged = flag_sessions(user.member)
    user.delete()
    return flagged
