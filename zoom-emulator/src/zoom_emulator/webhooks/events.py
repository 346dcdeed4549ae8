"""Event bodies as Zoom sends them, and which apps receive them."""

from typing import TYPE_CHECKING, Any

from ..apps import App
from ..clock import iso_ms
from ..ids import opaque
from ..meetings.models import Meeting, webhook_object
from ..openapi import USER_EVENTS, documented_fields
from ..users.models import User, summary

if TYPE_CHECKING:
    from ..state import State


def recipients(state: "State", event: str, account_id: str, subject_user_id: str) -> list[App]:
    """S2S apps hear their own account; admin-managed apps every account that installed them;
    user-managed apps only the users who installed them."""
    found = []
    for app in state.apps.values():
        if not app.webhook_url or event not in app.events:
            continue
        if app.type == "s2s":
            ok = app.account_id == account_id
        elif app.type == "admin":
            ok = any(
                i.client_id == app.client_id and i.account_id == account_id
                for i in state.installations.values()
            )
        else:
            ok = f"{app.client_id}:{subject_user_id}" in state.installations
        if ok:
            found.append(app)
    return found


def emit(state: "State", event: str, account_id: str, subject_user_id: str, payload: dict[str, Any]) -> None:
    """Queue `event` for every subscribed app. Call with the state lock held."""
    apps = recipients(state, event, account_id, subject_user_id)
    if not apps:
        return
    body = {"event": event, "payload": payload, "event_ts": int(state.now() * 1000)}
    for app in apps:
        state.webhooks.enqueue(app, event, body)


def operator_fields(operator: User | None) -> dict[str, str]:
    if operator is None:
        return {}
    return {"operator": operator.email, "operator_id": operator.id}


def meeting_created(state: "State", meeting: Meeting, operator: User | None, base_url: str) -> None:
    payload: dict[str, Any] = {"account_id": meeting.account_id, **operator_fields(operator)}
    payload["object"] = webhook_object(meeting, base_url)
    emit(state, "meeting.created", meeting.account_id, meeting.host_id, payload)


def meeting_updated(
    state: "State", meeting: Meeting, changed: dict[str, Any], old: dict[str, Any], operator: User | None
) -> None:
    # Zoom sends only the id and the changed fields, with their previous values in old_object.
    now_ms = int(state.now() * 1000)
    payload: dict[str, Any] = {"account_id": meeting.account_id, **operator_fields(operator)}
    payload["object"] = {"id": meeting.id, **changed}
    payload["old_object"] = {"id": meeting.id, **old}
    payload["time_stamp"] = now_ms
    emit(state, "meeting.updated", meeting.account_id, meeting.host_id, payload)


def meeting_deleted(state: "State", meeting: Meeting, operator: User | None) -> None:
    obj = webhook_object(meeting, state.settings.base_url)
    for key in ("join_url", "password", "settings"):
        obj.pop(key)
    payload = {"account_id": meeting.account_id, **operator_fields(operator), "object": obj}
    emit(state, "meeting.deleted", meeting.account_id, meeting.host_id, payload)


def user_event(
    state: "State", event: str, user: User, operator: User | None, extra: dict[str, Any] | None = None
) -> None:
    payload: dict[str, Any] = {"account_id": user.account_id, **operator_fields(operator)}
    payload.update(extra or {})
    payload["object"] = summary(user)
    emit(state, event, user.account_id, user.id, payload)


def user_updated(
    state: "State", user: User, changed: dict[str, Any], old: dict[str, Any], operator: User | None
) -> None:
    # Zoom's event document lists the fields user.updated carries (no job title or location).
    sent = documented_fields(USER_EVENTS, "user.updated")
    changed = {k: v for k, v in changed.items() if k in sent}
    if not changed:
        return
    payload: dict[str, Any] = {"account_id": user.account_id, **operator_fields(operator)}
    payload["object"] = {"id": user.id, **changed}
    payload["old_object"] = {"id": user.id, **{k: v for k, v in old.items() if k in sent}}
    payload["time_stamp"] = int(state.now() * 1000)
    emit(state, "user.updated", user.account_id, user.id, payload)


def group_members(
    state: "State", event: str, group_id: str, account_id: str, users: list[User], operator: User | None
) -> None:
    """group.member_added / group.member_deleted: the group's id and the members concerned."""
    if not users:
        return
    payload: dict[str, Any] = {"account_id": account_id, **operator_fields(operator)}
    payload["object"] = {"id": group_id, "members": [{"id": u.id, "email": u.email} for u in users]}
    payload["time_stamp"] = int(state.now() * 1000)
    emit(state, event, account_id, users[0].id, payload)


def group_event(
    state: "State", event: str, group_id: str, account_id: str, name: str, operator: User | None
) -> None:
    """group.created / group.deleted: {"object": {"id", "name"}}."""
    payload: dict[str, Any] = {"account_id": account_id, **operator_fields(operator)}
    payload["object"] = {"id": group_id, "name": name}
    payload["time_stamp"] = int(state.now() * 1000)
    emit(state, event, account_id, operator.id if operator else "", payload)


def app_deauthorized(state: "State", app: App, account_id: str, user_id: str) -> None:
    """Sent to the app's endpoint whatever it subscribed to: the deauthorization notice is mandatory."""
    if not app.webhook_url:
        return
    now = state.now()
    event_ts = int(now * 1000)
    payload = {
        "account_id": account_id,
        "user_id": user_id,
        "client_id": app.client_id,
        "deauthorization_time": iso_ms(now),
        "signature": opaque(32),
        "event_ts": event_ts,
    }
    # Zoom's current example has event_ts inside payload; older deliveries had it at the top.
    state.webhooks.enqueue(
        app, "app_deauthorized", {"event": "app_deauthorized", "payload": payload, "event_ts": event_ts}
    )
