"""Named flows that change a member: role, deactivation, reactivation. Each owns its transaction.

The organisation row is locked first so that two admins changing owners at the same moment are
serialised: the "last owner" check and the update then see the same truth.
"""

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.errors import AccountError
from sessiondesk.accounts.models import Member, Organization, Role
from sessiondesk.scheduling.models import Session, SessionStatus


def _lock(actor: Member, member: Member) -> tuple[Member, Member]:
    """Lock the organisation, then read both people afresh: the actor's own role may just have changed."""
    Organization.objects.select_for_update().get(pk=member.org_id)
    people = Member.objects.select_related("user", "org").in_bulk([actor.pk, member.pk])
    actor = people[actor.pk]
    if not actor.is_active or actor.org_id != member.org_id or not actor.is_admin:
        raise AccountError("You no longer have the rights to manage members.")
    return actor, people[member.pk]


def _is_last_owner(member: Member) -> bool:
    if member.role != Role.OWNER or not member.is_active:
        return False
    return (
        not Member.objects.filter(org=member.org_id, role=Role.OWNER, is_active=True)
        .exclude(pk=member.pk)
        .exists()
    )


def change_role(actor: Member, member: Member, role: str) -> Member:
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.", "role")
    with transaction.atomic():
        actor, member = _lock(actor, member)
        old = member.role
        if role == old:
            return member
        if Role.OWNER in (old, role) and actor.role != Role.OWNER:
            verb = "change an owner's role" if old == Role.OWNER else "make someone an owner"
            raise AccountError(f"Only an owner can {verb}.", "role")
        if old == Role.OWNER and _is_last_owner(member):
            raise AccountError(
                f"{member.name} is the last owner of {member.org.name}; make someone else an owner first.",
                "role",
            )
        member.role = role
        member.save(update_fields=["role"])
        audit.record(member.org, actor, "member.role_changed", member, **{"from": old, "to": role})
    return member


def deactivate_member(actor: Member, member: Member) -> int:
    """Deactivate ``member``; their upcoming sessions are flagged for reassignment, never deleted.

    Returns how many sessions were flagged.
    """
    with transaction.atomic():
        actor, member = _lock(actor, member)
        if member.pk == actor.pk:
            raise AccountError("You cannot deactivate yourself.")
        if not member.is_active:
            raise AccountError(f"{member.name} is already deactivated.")
        if member.role == Role.OWNER and actor.role != Role.OWNER:
            raise AccountError("Only an owner can deactivate an owner.")
        if _is_last_owner(member):
            raise AccountError(f"{member.name} is the last owner of {member.org.name}.")
        member.is_active = False
        member.save(update_fields=["is_active"])
        flagged = Session.objects.filter(
            org=member.org_id,
            consultant=member,
            status=SessionStatus.SCHEDULED,
            start__gte=timezone.now(),
        ).update(needs_reassignment=True)
        audit.record(member.org, actor, "member.deactivated", member, sessions_flagged=flagged)
    return flagged


def reactivate_member(actor: Member, member: Member) -> Member:
    with transaction.atomic():
        actor, member = _lock(actor, member)
        if member.is_active:
            raise AccountError(f"{member.name} is already active.")
        if member.role == Role.OWNER and actor.role != Role.OWNER:
            raise AccountError("Only an owner can reactivate an owner.")
        member.is_active = True
        member.save(update_fields=["is_active"])
        audit.record(member.org, actor, "member.reactivated", member)
    return member
