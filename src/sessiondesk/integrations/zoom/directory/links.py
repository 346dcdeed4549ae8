"""Links between SessionDesk members and the organisation account's Zoom users: host resolution
creates a linked consultant's meetings for their own Zoom user."""

from collections.abc import Iterable

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import linking
from sessiondesk.integrations.zoom.directory.models import DirectoryUser, UserStatus
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused


class LinkHeld(DirectoryRefused):
    """Another member holds the Zoom user (a directory link or a personal connection): nothing was linked."""


def check_free(zoom_user_id: str, email: str, member: Member, row: DirectoryUser | None = None) -> None:
    """Raise LinkHeld when someone other than ``member`` holds this Zoom user."""
    held = linking.holder(zoom_user_id, email, member, row=row)
    if held is not None:
        raise LinkHeld(linking.refusal(held, email, member.org_id, by_admin=True))


def attach(user: DirectoryUser, member: Member) -> None:
    """Link inside the caller's transaction; a member holds one Zoom user at a time, and a Zoom user
    belongs to one member, whether through a link here or a personal connection (``linking``)."""
    if member.org_id != user.org_id or not member.hosts_sessions:
        raise DirectoryRefused("Only consultants, admins and owners of this organisation host sessions.")
    linking.lock(member.org_id)
    check_free(user.zoom_user_id, user.email, member, row=user)
    holder = DirectoryUser.objects.filter(member=member).exclude(pk=user.pk).first()
    if holder is not None:
        raise DirectoryRefused(
            f"{member.name} is already linked to the Zoom user {holder.email}; unlink it first."
        )
    user.member = member
    user.save(update_fields=["member"])


def link(actor: Member, user: DirectoryUser, member: Member | None) -> DirectoryUser:
    """Link ``member`` (or unlink with None). A SessionDesk-side change: allowed in Read-only too."""
    if not actor.is_admin:
        raise DirectoryRefused("Only owners and admins can link members to Zoom users.")
    with transaction.atomic():
        linking.lock(actor.org_id)  # first, as every linking path takes it: one order, no deadlock
        user = DirectoryUser.objects.select_for_update().get(pk=user.pk, org=actor.org)
        before = user.member.name if user.member else ""
        if member is None:
            user.member = None
            user.save(update_fields=["member"])
        else:
            attach(user, member)
        audit.record(
            actor.org, actor, "zoom_directory.linked" if member else "zoom_directory.unlinked", user,
            email=user.email, member=member.name if member else "", previous=before,
        )  # fmt: skip
    return user


def match_by_email(org_id: int, emails: Iterable[str]) -> int:
    """Link the Zoom users with these emails (the ones a sync saw for the first time) to the member of
    the organisation with the same email who hosts sessions and holds no Zoom user yet; returns how
    many were linked. Zoom has confirmed the email of a user in the account, so the same address
    names the same person. Only new users are matched, so a link an admin removed stays removed."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return 0
    linked = set(
        DirectoryUser.objects.filter(org_id=org_id, member__isnull=False).values_list("member_id", flat=True)
    )
    unlinked = {
        u.email.lower(): u
        for u in DirectoryUser.objects.filter(org_id=org_id, member__isnull=True)
        if u.email.lower() in wanted
    }
    members = Member.objects.filter(org_id=org_id, is_active=True).select_related("user", "org")
    count = 0
    with transaction.atomic():
        linking.lock(org_id)
        for member in members:
            user = unlinked.get(member.user.email.lower())
            if user is None or member.pk in linked or not member.hosts_sessions:
                continue
            try:
                attach(user, member)
            except LinkHeld:
                continue  # another member holds this Zoom user: the same email decides nothing
            audit.record(
                member.org, None, "zoom_directory.linked", user,
                actor_label="directory sync", email=user.email, member=member.name, previous="",
                matched="same email",
            )  # fmt: skip
            count += 1
    return count


def host_links(org_id: int, member_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Member id → (Zoom user id, email) of linked, active Zoom users (pending users cannot host yet)."""
    rows = DirectoryUser.objects.filter(
        org_id=org_id, member_id__in=list(member_ids), status=UserStatus.ACTIVE
    ).exclude(zoom_user_id="")
    return {row.member_id: (row.zoom_user_id, row.email) for row in rows if row.member_id is not None}
