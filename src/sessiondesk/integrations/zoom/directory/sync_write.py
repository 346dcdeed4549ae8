"""Writing a full sync: bulk inserts, updates and deletes of only what changed, in one transaction.

Returns the rows written, so a sync of an unchanged directory writes nothing.
"""

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom.directory import upsert
from sessiondesk.integrations.zoom.directory.client import ZoomUserRow
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    DirectoryUser,
    GroupMembership,
)

BATCH = 500


def write(
    org: Organization,
    zoom_account_id: str,
    roles: list[dict[str, str]],
    groups: list[dict[str, str]],
    users: list[ZoomUserRow],
) -> int:
    with transaction.atomic():
        written = _roles(org, roles)
        written += _groups(org, groups)
        written += _users(org, zoom_account_id, users)
        written += _memberships(org, users)
    return written


def _roles(org: Organization, roles: list[dict[str, str]]) -> int:
    have = {r.zoom_role_id: r for r in DirectoryRole.objects.filter(org=org)}
    written = 0
    for raw in roles:
        role = have.pop(raw["id"], None) or DirectoryRole(org=org, zoom_role_id=raw["id"])
        if role.pk is None or (role.name, role.description) != (raw["name"], raw["description"]):
            role.name, role.description = raw["name"], raw["description"]
            role.save()
            written += 1
    written += DirectoryRole.objects.filter(pk__in=[r.pk for r in have.values()]).delete()[0]
    return written


def _groups(org: Organization, groups: list[dict[str, str]]) -> int:
    have = {g.zoom_group_id: g for g in DirectoryGroup.objects.filter(org=org)}
    written = 0
    for raw in groups:
        group = have.pop(raw["id"], None) or DirectoryGroup(org=org, zoom_group_id=raw["id"])
        if group.pk is None or group.name != raw["name"]:
            group.name = raw["name"]
            group.save()
            written += 1
    written += GroupMembership.objects.filter(group__in=list(have.values())).delete()[0]
    written += DirectoryGroup.objects.filter(pk__in=[g.pk for g in have.values()]).delete()[0]
    return written


def _users(org: Organization, zoom_account_id: str, rows: list[ZoomUserRow]) -> int:
    have = {u.email: u for u in DirectoryUser.objects.filter(org=org)}
    now = timezone.now()
    new: list[DirectoryUser] = []
    changed: list[DirectoryUser] = []
    seen: set[str] = set()
    for row in rows:
        if not row.email or row.email in seen:
            continue
        seen.add(row.email)
        user = have.pop(row.email, None)
        if user is None:
            new.append(
                DirectoryUser(org=org, email=row.email, synced_at=now, **upsert.values(row, zoom_account_id))
            )  # type: ignore[arg-type]
        elif upsert.apply_fields(user, upsert.values(row, zoom_account_id)):
            user.synced_at = now
            changed.append(user)
    DirectoryUser.objects.bulk_create(new, batch_size=BATCH)
    DirectoryUser.objects.bulk_update(changed, [*upsert.FIELDS, "synced_at"], batch_size=BATCH)
    gone = 0
    for user in have.values():  # left the account outside SessionDesk
        upsert.forget(user)
        gone += 1
    return len(new) + len(changed) + gone


def _memberships(org: Organization, rows: list[ZoomUserRow]) -> int:
    users = dict(DirectoryUser.objects.filter(org=org).values_list("email", "pk"))
    groups = dict(DirectoryGroup.objects.filter(org=org).values_list("zoom_group_id", "pk"))
    wanted = {
        (users[row.email], groups[gid])
        for row in rows
        if row.email in users
        for gid in row.group_ids
        if gid in groups
    }
    have = {
        (u, g): pk
        for pk, u, g in GroupMembership.objects.filter(user__org=org).values_list("pk", "user_id", "group_id")
    }
    GroupMembership.objects.bulk_create(
        [GroupMembership(user_id=u, group_id=g) for u, g in wanted - set(have)], batch_size=BATCH
    )
    stale = [have[key] for key in set(have) - wanted]
    for start in range(0, len(stale), BATCH):
        GroupMembership.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    return len(wanted - set(have)) + len(stale)
