"""User lifecycle shared by the REST API, the pages and the control plane. Call with the lock held."""

import re
from typing import TYPE_CHECKING, Any

from ..http import ZoomError, validation_failed
from ..ids import meeting_id, user_id
from ..webhooks import events
from .models import ADMIN_ROLE, OWNER_ROLE, User

if TYPE_CHECKING:
    from ..accounts import Account
    from ..state import State

ACTIONS = ("create", "autoCreate", "custCreate", "ssoCreate")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


LICENSED, ON_PREM = 2, 3


def check_type(state: "State", account: "Account", kind: int, becoming: bool = True) -> None:
    """Whether the account's plan takes a user of this type (create, or a type change)."""
    if kind == ON_PREM:
        # 2026 spec, POST /users 400: {"code": 300, "message": "Your account can't set user type as On-prem."}
        raise ZoomError(400, 300, "Your account can't set user type as On-prem.")
    limit = account.licence_limit
    if kind != LICENSED or limit is None or not becoming:
        return
    held = sum(1 for u in state.account_users(account.id) if u.type == LICENSED and u.status != "inactive")
    if held >= limit:
        # 2026 spec, POST /users 400, code 3412 (paying users). The free plan has no licence at all.
        raise ZoomError(
            400,
            3412,
            f'Your request to add a new "Licensed" user couldn\'t be approved at this time because your '
            f'account has reached the permitted maximum number of "{limit}" paying users. Please purchase '
            "additional licenses or contact the Zoom support team to provision additional users in your account.",
        )


def create(state: "State", account_id: str, body: dict[str, Any], operator: User | None) -> User:
    account = state.accounts[account_id]
    action = body.get("action")
    if action not in ACTIONS:
        raise validation_failed("action")
    info = body.get("user_info")
    if not isinstance(info, dict):
        raise validation_failed("user_info")
    email = info.get("email")
    if not isinstance(email, str) or len(email) > 128 or not EMAIL.match(email):
        raise validation_failed("user_info.email")
    kind = info.get("type")
    allowed = (1, 2, 3, 4, 99) if action == "ssoCreate" else (1, 2, 3, 4)
    if not isinstance(kind, int) or isinstance(kind, bool) or kind not in allowed:
        raise validation_failed("user_info.type")
    for name in ("first_name", "last_name"):
        value = info.get(name, "")
        if not isinstance(value, str) or len(value) > 64:
            raise validation_failed(f"user_info.{name}")
    existing = state.user_by_email(email)
    if existing is not None:
        # {"code": 1005, "message": "Email \"a@b.c\" has already been used."}
        raise ZoomError(409, 1005, f'Email "{email}" has already been used.')
    check_type(state, account, kind)
    if action == "autoCreate":
        password = info.get("password", "")
        if not isinstance(password, str) or not 8 <= len(password) <= 32:
            raise validation_failed("user_info.password")
    user = User(
        id=user_id(),
        account_id=account_id,
        email=email,
        first_name=info.get("first_name", ""),
        last_name=info.get("last_name", ""),
        display_name=info.get("display_name", ""),
        type=int(kind or 1),
        # New users stay pending until they accept Zoom's invitation email.
        status="pending" if action == "create" else "active",
        pmi=meeting_id(),
        created_at=state.now(),
        creation_type=action,
        verified=0 if action == "create" else 1,
    )
    state.users[user.id] = user
    events.user_event(state, "user.created", user, operator, {"creation_type": action})
    return user


def accept(state: "State", user: User) -> None:
    if user.status == "pending":
        user.status = "active"
        user.verified = 1
        events.user_event(state, "user.invitation_accepted", user, None)


def set_status(state: "State", user: User, action: str, operator: User | None) -> None:
    if user.role_id in (OWNER_ROLE, ADMIN_ROLE):
        raise ZoomError(400, 200, "Zoom Room and Admin users' status cannot be activated or deactivated.")
    if action == "deactivate" and user.status == "active":
        user.status = "inactive"
        events.user_event(state, "user.deactivated", user, operator)
    elif action == "activate" and user.status == "inactive":
        user.status = "active"
        events.user_event(state, "user.activated", user, operator)


def remove(
    state: "State",
    user: User,
    action: str,
    transfer_email: str,
    transfer_meeting: bool,
    operator: User | None,
) -> None:
    if user.role_id == OWNER_ROLE:
        raise ZoomError(400, 200, "Can not delete the account owner.")
    if action == "disassociate" and user.role_id == ADMIN_ROLE:
        raise ZoomError(400, 1117, "You can not disassociate an Admin user")
    target = None
    if transfer_email:
        target = state.user_by_email(transfer_email)
        if target is None or target.account_id != user.account_id or target.id == user.id:
            raise ZoomError(400, 300, "Invalid parameter: transfer_email.")
    for meeting in list(state.meetings.values()):
        if meeting.host_id != user.id or meeting.deleted_at is not None:
            continue
        if target is not None and transfer_meeting:
            meeting.host_id = target.id
        else:
            meeting.deleted_at = state.now()
    for key, install in list(state.installations.items()):
        if install.user_id == user.id:
            del state.installations[key]
    for token in state.access_tokens.values():
        if token.user_id == user.id:
            token.revoked = True
    for refresh in state.refresh_tokens.values():
        if refresh.user_id == user.id:
            refresh.revoked = True
    for members in state.group_members.values():
        if user.id in members:
            members.remove(user.id)
    event = "user.deleted" if action == "delete" else "user.disassociated"
    events.user_event(state, event, user, operator)
    del state.users[user.id]
