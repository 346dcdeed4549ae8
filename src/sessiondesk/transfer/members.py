"""Importing members: a new email becomes a member with the role the file gives (consultant when it
gives none) and no password; an email already a member is left as it is (roles change on the
Members page, where the rules about owners apply). With ``invite``, each new member is emailed a link
to choose a password; without it, nobody is emailed."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from sessiondesk.accounts.models import Member, Organization, Role, User
from sessiondesk.notifications.actions import queue_email
from sessiondesk.transfer import plan as p
from sessiondesk.transfer.csvfile import Table

ROLE_WORDS = {
    **{value: value for value in Role.values},
    **{label.lower(): value for value, label in Role.choices},
    "tutor": Role.CONSULTANT,
    "coach": Role.CONSULTANT,
    "scheduler": Role.STAFF,
    "administrator": Role.ADMIN,
}


def _role(value: str, actor: Member | None) -> str:
    if not value:
        return Role.CONSULTANT
    role = ROLE_WORDS.get(value.strip().lower())
    if role is None:
        raise p.Refused(f"Unknown role “{value}”; use owner, admin, consultant or staff.")
    if role == Role.OWNER and actor is not None and actor.role != Role.OWNER:
        raise p.Refused("Only an owner can make someone an owner.")
    return role


def make_plan(org: Organization, table: Table, mapping: dict[str, str], actor: Member | None) -> p.Plan:
    plan = p.Plan("members")
    members = {
        email: (pk, role)
        for pk, email, role in Member.objects.filter(org=org)
        .annotate(lower=Lower("user__email"))
        .values_list("pk", "lower", "role")
    }
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        address = p.cell(cells, mapping, "email")
        try:
            address = p.email(address)
            name = p.text(p.cell(cells, mapping, "name"), "name", 200)
            if not name:
                raise p.Refused("No name.")
            role = _role(p.cell(cells, mapping, "role"), actor)
            tz = p.cell(cells, mapping, "timezone")
            tz = p.zone(tz) if tz else org.timezone
        except p.Refused as refusal:
            plan.add(line, p.REJECT, str(refusal), address)
            continue
        if address in seen:
            plan.add(line, p.REJECT, f"The same email address as line {seen[address]}.", address)
            continue
        seen[address] = line
        if address in members:
            pk, current = members[address]
            reason = "Already a member; nothing changes."
            if current != role:
                reason = (
                    f"Already a member as {Role(current).label.lower()}; roles change on the Members page."
                )
            plan.add(line, p.SKIP, reason, address).target = pk
            continue
        plan.add(
            line, p.CREATE, f"New {Role(role).label.lower()}.", address, name=name, role=role, timezone=tz
        )
    return plan


def apply(org: Organization, plan: p.Plan, actor: Member | None, *, invite: bool) -> None:
    rows = [row for row in plan.rows if row.action == p.CREATE]
    emails = [row.label for row in rows]
    users: dict[str, User] = {
        u.email.lower(): u for u in User.objects.annotate(lower=Lower("email")).filter(lower__in=emails)
    }
    new_users = []
    for row in rows:
        if row.label not in users:
            user = User(email=row.label, name=row.values["name"], timezone=row.values["timezone"])
            user.set_unusable_password()
            users[row.label] = user
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    Member.objects.bulk_create(
        [Member(org=org, user=users[row.label], role=row.values["role"]) for row in rows], batch_size=500
    )
    if invite:
        for row in rows:
            _invite(org, users[row.label], actor)


def _invite(org: Organization, user: User, actor: Member | None) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = settings.SITE_URL + reverse(
        "password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
    )
    inviter = actor.name if actor is not None else ""
    queue_email(
        to=user.email,
        subject=f"{inviter or 'Your organisation'} added you to {org.name} on SessionDesk",
        body_text=render_to_string(
            "transfer/email/welcome.txt", {"org": org, "user": user, "inviter": inviter, "url": url}
        ),
        kind="invitation",
        org=org,
    )
