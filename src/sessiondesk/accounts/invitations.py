"""Invitations by email: invite, revoke, accept. Each flow owns its transaction."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.errors import AccountError
from sessiondesk.accounts.models import Invitation, Member, Organization, Role, User
from sessiondesk.notifications.actions import queue_email

INVITATION_LIFETIME = dt.timedelta(days=7)

REFUSALS = {
    "accepted": "This invitation has already been used.",
    "revoked": "This invitation was withdrawn by the organisation.",
    "expired": "This invitation has expired. Ask the person who invited you for a new one.",
}


def accept_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])


def invite(actor: Member, *, email: str, name: str, role: str) -> Invitation:
    """Invite ``email`` to the actor's organisation; a pending invitation to the same address is replaced."""
    email = email.strip().lower()
    org = actor.org
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.", "role")
    if role == Role.OWNER and actor.role != Role.OWNER:
        raise AccountError("Only an owner can invite another owner.", "role")
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=org.pk)
        existing = Member.objects.filter(org=org, user__email=email, is_active=True).first()
        if existing is not None:
            raise AccountError(f"{email} is already a member of {org.name}.", "email")
        now = timezone.now()
        Invitation.objects.filter(
            org=org, email=email, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            org=org,
            email=email,
            name=name.strip(),
            role=role,
            invited_by=actor,
            expires_at=now + INVITATION_LIFETIME,
        )
        _queue_invitation_email(invitation, actor)
        audit.record(org, actor, "invitation.created", invitation, email=email, role=role)
    return invitation


def _queue_invitation_email(invitation: Invitation, actor: Member) -> None:
    context = {
        "invitation": invitation,
        "org": invitation.org,
        "inviter": actor,
        "url": accept_url(invitation),
        "lifetime_days": INVITATION_LIFETIME.days,
    }
    queue_email(
        to=invitation.email,
        subject=f"{actor.name} invited you to {invitation.org.name} on SessionDesk",
        body_text=render_to_string("accounts/email/invitation.txt", context),
        kind="invitation",
        org=invitation.org,
    )


def revoke(actor: Member, invitation: Invitation) -> None:
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, org=actor.org, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        if not updated:
            raise AccountError("This invitation is no longer pending.")
        audit.record(actor.org, actor, "invitation.revoked", invitation, email=invitation.email)


def accept(invitation: Invitation, user: User) -> Member:
    """Make ``user`` a member as the invitation says; the invitation is used up atomically."""
    if user.email.lower() != invitation.email.lower():
        raise AccountError(f"This invitation is for {invitation.email}, not {user.email}.")
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-swap: of two concurrent accepts, only one finds the invitation still pending.
        used = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now)
        if not used:
            invitation.refresh_from_db()
            raise AccountError(REFUSALS.get(invitation.state, REFUSALS["accepted"]))
        member = Member.objects.filter(org=invitation.org, user=user).first()
        if member is not None and member.is_active:
            raise AccountError(f"You are already a member of {invitation.org.name}.")
        if member is None:
            member = Member.objects.create(org=invitation.org, user=user, role=invitation.role)
        else:
            member.role, member.is_active = invitation.role, True
            member.save(update_fields=["role", "is_active"])
        audit.record(
            invitation.org,
            member,
            "invitation.accepted",
            member,
            email=invitation.email,
            role=invitation.role,
        )
    return member


def accept_as_new_user(invitation: Invitation, *, name: str, password: str, timezone_name: str) -> Member:
    taken = AccountError("An account with this email already exists; log in to accept.")
    if User.objects.filter(email=invitation.email.lower()).exists():
        raise taken
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email, password, name=name.strip(), timezone=timezone_name
            )
            return accept(invitation, user)
    except IntegrityError:
        # The same address signed up in a concurrent request.
        raise taken from None
