"""Named business flows for organisations and people; each owns its transaction."""

from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import DEFAULT_TIMEZONE, Member, Organization, Role, User
from sessiondesk.scheduling.models import Provider, SessionType

DEFAULT_SESSION_TYPES = [
    ("Lesson", 60, True),
    ("Consultation", 30, True),
    ("Interview", 45, True),
    ("Onboarding", 60, False),
]


@transaction.atomic
def create_organization(
    *,
    name: str,
    slug: str,
    owner_email: str,
    owner_name: str,
    password: str | None,
    timezone: str = DEFAULT_TIMEZONE,
) -> Member:
    """A new organisation with its owner and the default session types."""
    org = Organization.objects.create(name=name, slug=slug, timezone=timezone)
    user = User.objects.filter(email=owner_email.lower()).first()
    if user is None:
        user = User.objects.create_user(owner_email, password, name=owner_name, timezone=timezone)
    owner = Member.objects.create(org=org, user=user, role=Role.OWNER)
    SessionType.objects.bulk_create(
        SessionType(
            org=org,
            name=type_name,
            duration_minutes=minutes,
            is_online=online,
            default_provider=Provider.NONE,
        )
        for type_name, minutes, online in DEFAULT_SESSION_TYPES
    )
    audit.record(org, owner, "organization.created", org)
    return owner


@transaction.atomic
def add_member(
    org: Organization,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    timezone: str | None = None,
    actor: Member | None = None,
) -> Member:
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        user = User.objects.create_user(email, password, name=name, timezone=timezone or org.timezone)
    member = Member.objects.create(org=org, user=user, role=role)
    audit.record(org, actor, "member.added", member, role=role)
    return member


def _changes(obj: object, values: dict[str, str]) -> dict[str, list[str]]:
    return {f: [getattr(obj, f), v] for f, v in values.items() if getattr(obj, f) != v}


@transaction.atomic
def update_profile(member: Member, *, name: str, timezone: str) -> dict[str, list[str]]:
    """Change the person's own name and time zone; returns {field: [old, new]} of what changed."""
    user = member.user
    changes = _changes(user, {"name": name.strip(), "timezone": timezone})
    if changes:
        for field, (_, new) in changes.items():
            setattr(user, field, new)
        user.save(update_fields=list(changes))
        detail: dict[str, Any] = changes
        audit.record(member.org, member, "member.profile_updated", member, **detail)
    return changes


@transaction.atomic
def update_organization(actor: Member, *, name: str, timezone: str) -> dict[str, list[str]]:
    org = Organization.objects.select_for_update().get(pk=actor.org_id)
    changes = _changes(org, {"name": name.strip(), "timezone": timezone})
    if changes:
        for field, (_, new) in changes.items():
            setattr(org, field, new)
        org.save(update_fields=list(changes))
        detail: dict[str, Any] = changes
        audit.record(org, actor, "organization.updated", org, **detail)
    actor.org = org
    return changes
