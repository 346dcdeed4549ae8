"""Loading accounts, users, roles, groups and apps from a JSON-shaped dict.

    {
      "accounts": [{
        "id": "optional", "plan": "free|pro|business", "name": "Acme", "licenses": 10,
        "users": [{"id": "optional", "email": "owner@acme.test", "first_name": "Olga", "last_name": "Owner",
                   "role": "owner|admin|member|<custom role name>", "type": 2, "status": "active",
                   "timezone": "Europe/Paris"}],
        "roles": [{"id": "optional", "name": "Scheduler", "description": ""}],
        "groups": [{"id": "optional", "name": "Tutors", "members": ["owner@acme.test"]}]
      }],
      "apps": [{"client_id": "...", "client_secret": "...", "type": "user|admin|s2s", "name": "SessionDesk",
                "redirect_uris": ["http://localhost:8000/zoom/callback"],
                "scopes": ["meeting:write:meeting", "user:read:user"],
                "account_id": "owning account (required for s2s)",
                "webhook": {"url": "http://localhost:8000/zoom/webhooks", "secret_token": "...",
                            "events": ["meeting.deleted", "meeting.updated"]}}]
    }

`licenses` caps the Licensed users of a paid account (left out: no cap; a free account has none).
A single `"account": {...}` may stand for `"accounts": [...]`. The first user of an account without
an owner becomes its owner. Ids left out are generated; `load` returns them.
"""

from typing import TYPE_CHECKING, Any

from .accounts import PLANS, Account
from .apps import APP_TYPES, App
from .groups.models import Group
from .ids import account_id, meeting_id, opaque, user_id
from .roles.models import BUILT_IN, Role
from .users.models import ADMIN_ROLE, MEMBER_ROLE, OWNER_ROLE, STATUSES, User

if TYPE_CHECKING:
    from .state import State

ROLE_IDS = {"owner": OWNER_ROLE, "admin": ADMIN_ROLE, "member": MEMBER_ROLE}


class SeedError(ValueError):
    pass


def load(state: "State", data: dict[str, Any]) -> dict[str, Any]:
    accounts = list(data.get("accounts", []))
    if "account" in data:
        accounts.append(data["account"])
    summary: dict[str, Any] = {"accounts": [], "users": {}, "apps": []}
    with state.lock:
        for raw in accounts:
            account = load_account(state, raw, summary)
            summary["accounts"].append(account.id)
        for raw in data.get("apps", []):
            summary["apps"].append(load_app(state, raw).client_id)
        state.dirty = True
    return summary


def load_account(state: "State", raw: dict[str, Any], summary: dict[str, Any]) -> Account:
    plan = raw.get("plan", "pro")
    if plan not in PLANS:
        raise SeedError(f"plan must be one of {', '.join(PLANS)}")
    account = Account(
        id=raw.get("id") or account_id(),
        plan=plan,
        name=raw.get("name", ""),
        account_number=int(raw.get("account_number") or meeting_id() // 10),
        licenses=raw.get("licenses"),
    )
    state.accounts[account.id] = account
    for role_id, name, description in BUILT_IN:
        # Built-in roles have the same ids in every account, so they belong to none.
        state.roles.setdefault(role_id, Role(role_id, "", name, description))
    for role in raw.get("roles", []):
        new = Role(role.get("id") or opaque(8), account.id, role["name"], role.get("description", ""))
        state.roles[new.id] = new
    for row in raw.get("users", []):
        user = load_user(state, account, row)
        summary["users"][user.email] = user.id
    if state.owner_of(account.id) is None:
        members = state.account_users(account.id)
        if members:
            members[0].role_id = OWNER_ROLE
    for row in raw.get("groups", []):
        group = Group(row.get("id") or opaque(16), account.id, row["name"])
        state.groups[group.id] = group
        member_ids = state.group_members.setdefault(group.id, [])
        for email in row.get("members", []):
            member = state.user_by_email(email)
            if member is None:
                raise SeedError(f"group member {email} is not a seeded user")
            member_ids.append(member.id)
            member.group_ids.append(group.id)
    return account


def load_user(state: "State", account: Account, row: dict[str, Any]) -> User:
    email = row.get("email")
    if not email:
        raise SeedError("every user needs an email")
    if state.user_by_email(email) is not None:
        raise SeedError(f"user {email} already exists")
    status = row.get("status", "active")
    if status not in STATUSES:
        raise SeedError(f"status must be one of {', '.join(STATUSES)}")
    user = User(
        id=row.get("id") or user_id(),
        account_id=account.id,
        email=email,
        first_name=row.get("first_name", ""),
        last_name=row.get("last_name", ""),
        display_name=row.get("display_name", ""),
        type=int(row.get("type", 2)),
        role_id=role_id(state, account, row.get("role", "member")),
        status=status,
        timezone=row.get("timezone", "America/New_York"),
        pmi=int(row.get("pmi") or meeting_id()),
        dept=row.get("dept", ""),
        created_at=state.now(),
    )
    state.users[user.id] = user
    return user


def role_id(state: "State", account: Account, role: str) -> str:
    if role.lower() in ROLE_IDS:
        return ROLE_IDS[role.lower()]
    for existing in state.roles.values():
        if existing.account_id == account.id and existing.name == role:
            return existing.id
    custom = Role(opaque(8), account.id, role)
    state.roles[custom.id] = custom
    return custom.id


def load_app(state: "State", raw: dict[str, Any]) -> App:
    kind = raw.get("type", "user")
    if kind not in APP_TYPES:
        raise SeedError(f"app type must be one of {', '.join(APP_TYPES)}")
    scopes = list(raw.get("scopes", []))
    if kind == "user" and any(s.endswith((":admin", ":master")) for s in scopes):
        raise SeedError("user-managed apps cannot hold :admin or :master scopes")
    if kind == "s2s" and raw.get("account_id") not in state.accounts:
        raise SeedError("a Server-to-Server app needs the account_id of a seeded account")
    webhook = raw.get("webhook") or {}
    app = App(
        client_id=raw.get("client_id") or opaque(16),
        client_secret=raw.get("client_secret") or opaque(24),
        type=kind,
        name=raw.get("name", ""),
        redirect_uris=list(raw.get("redirect_uris", [])),
        scopes=scopes,
        account_id=raw.get("account_id", ""),
        webhook_url=webhook.get("url", ""),
        secret_token=webhook.get("secret_token", ""),
        verification_token=webhook.get("verification_token", ""),
        events=list(webhook.get("events", [])),
    )
    state.apps[app.client_id] = app
    return app
