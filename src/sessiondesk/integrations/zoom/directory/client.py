"""Typed calls to Zoom's users, roles and groups endpoints, made through a call context
(``calls.ZoomCall``: token, pacing, one record per request) over the integration's one HTTP seam."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sessiondesk.integrations.zoom.client import Caller
from sessiondesk.integrations.zoom.connection import zoom_app

PAGE_SIZE = 300  # Zoom's maximum page size for GET /users in the 2021 spec ("up to 300")
STATUSES = ("active", "inactive", "pending")


@dataclass(frozen=True)
class ZoomUserRow:
    id: str  # "" for pending users: Zoom lists them without an id
    email: str
    first_name: str
    last_name: str
    type: int
    role_id: str
    status: str
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    users: list[ZoomUserRow]
    total_records: int
    next_page_token: str


def user_row(body: dict[str, Any], status: str = "") -> ZoomUserRow:
    kind = body.get("type")
    return ZoomUserRow(
        id=str(body.get("id") or ""),
        email=str(body.get("email", "")).lower(),
        first_name=str(body.get("first_name") or ""),
        last_name=str(body.get("last_name") or ""),
        type=kind if isinstance(kind, int) and not isinstance(kind, bool) else 1,
        role_id=str(body.get("role_id") or ""),
        status=str(body.get("status") or status),
        group_ids=tuple(str(g) for g in body.get("group_ids") or ()),
    )


def list_users_page(call: Caller, status: str, page_token: str = "") -> Page:
    # Reference: https://developers.zoom.us/docs/api/users/#tag/users/GET/users
    params: dict[str, str | int] = {"status": status, "page_size": PAGE_SIZE}
    if page_token:
        params["next_page_token"] = page_token
    response = call.send("users.list", "GET", zoom_app.api_url("/users"), params=params)
    # {"next_page_token": "…" or "", "page_count": 34, "page_number": 1, "page_size": 300,
    #  "total_records": 10000, "users": [{"id": "…" (absent when pending), "email": "…", "type": 2,
    #  "status": "active", "role_id": "2", "group_ids": ["…"], …}]}
    body = response.json()
    return Page(
        users=[user_row(u, status) for u in body.get("users", [])],
        total_records=int(body.get("total_records") or 0),
        next_page_token=str(body.get("next_page_token") or ""),
    )


def list_users(
    call: Caller, status: str, on_page: Callable[[Page], None] = lambda page: None
) -> Iterator[ZoomUserRow]:
    token = ""
    while True:
        page = list_users_page(call, status, token)
        on_page(page)
        yield from page.users
        token = page.next_page_token
        if not token:
            return


def get_user(call: Caller, user_id: str) -> ZoomUserRow:
    # Reference: https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
    response = call.send("users.get", "GET", zoom_app.api_url(f"/users/{user_id}"))
    return user_row(response.json())


def list_roles(call: Caller) -> list[dict[str, str]]:
    # Reference: https://developers.zoom.us/docs/api/accounts/#tag/roles/GET/roles
    response = call.send("roles.list", "GET", zoom_app.api_url("/roles"))
    # {"total_records": 3, "roles": [{"id": "0", "name": "Owner", "description": "…", "type": "common",
    #  "total_members": 1}, …]}
    return [
        {"id": str(r["id"]), "name": str(r.get("name", "")), "description": str(r.get("description", ""))}
        for r in response.json().get("roles", [])
    ]


def list_groups(call: Caller) -> list[dict[str, str]]:
    """Every group (Zoom pages this list only in newer versions; the token is followed when given)."""
    # Reference: https://developers.zoom.us/docs/api/users/#tag/groups/GET/groups
    groups: list[dict[str, str]] = []
    token = ""
    while True:
        params: dict[str, str | int] = {"page_size": PAGE_SIZE}
        if token:
            params["next_page_token"] = token
        response = call.send("groups.list", "GET", zoom_app.api_url("/groups"), params=params)
        # {"total_records": 2, "groups": [{"id": "…", "name": "Tutors", "total_members": 12}],
        #  "next_page_token": ""}
        body = response.json()
        groups += [{"id": str(g["id"]), "name": str(g.get("name", ""))} for g in body.get("groups", [])]
        token = str(body.get("next_page_token") or "")
        if not token:
            return groups


def create_user(call: Caller, email: str, first_name: str, last_name: str, user_type: int) -> str:
    """Zoom emails an invitation; the user is pending until they accept. Returns the new id."""
    # Reference: https://developers.zoom.us/docs/api/users/#tag/users/POST/users
    body = {
        "action": "create",
        "user_info": {"email": email, "type": user_type, "first_name": first_name, "last_name": last_name},
    }
    response = call.send("users.create", "POST", zoom_app.api_url("/users"), json=body)
    # 201 {"id": "KDcuGIm1QgePTO8WbOqwIQ", "first_name": "Nia", "last_name": "New",
    #      "email": "nia@acme.test", "type": 1}
    # 409 {"code": 1005, "message": "Email \"nia@acme.test\" has already been used."}
    return str(response.json()["id"])


def delete_user(call: Caller, user_id: str, action: str, transfer_email: str = "") -> None:
    # Reference: https://developers.zoom.us/docs/api/users/#tag/users/DELETE/users/{userId}
    params = {"action": action}
    if transfer_email:
        params.update(
            transfer_email=transfer_email,
            transfer_meeting="true",
            transfer_webinar="true",
            transfer_recording="true",
        )
    # 204; 400 {"code": 1117, "message": "You can not disassociate an Admin user"}
    call.send("users.delete", "DELETE", zoom_app.api_url(f"/users/{user_id}"), params=params)


def assign_role(call: Caller, role_id: str, user_id: str) -> None:
    # Reference: https://developers.zoom.us/docs/api/accounts/#tag/roles/POST/roles/{roleId}/members
    # 201 {"ids": "…", "add_at": "…"}; 400 {"code": 300, "message": "Can't delete or add members for Normal/Owner roles."}
    call.send(
        "roles.assign",
        "POST",
        zoom_app.api_url(f"/roles/{role_id}/members"),
        json={"members": [{"id": user_id}]},
    )


def unassign_role(call: Caller, role_id: str, user_id: str) -> None:
    """Back to Member: Zoom has no call to assign the Member role, only to withdraw the current one."""
    # Reference: https://developers.zoom.us/docs/api/accounts/#tag/roles/DELETE/roles/{roleId}/members/{memberId}
    call.send("roles.unassign", "DELETE", zoom_app.api_url(f"/roles/{role_id}/members/{user_id}"))


def add_to_group(call: Caller, group_id: str, user_id: str) -> list[str]:
    """The ids Zoom says it added (a pending user is left out without an error)."""
    # Reference: https://developers.zoom.us/docs/api/users/#tag/groups/POST/groups/{groupId}/members
    response = call.send(
        "groups.add_member",
        "POST",
        zoom_app.api_url(f"/groups/{group_id}/members"),
        json={"members": [{"id": user_id}]},
    )
    # 201 {"ids": "qB1V0HKFQrGODVhJmqUEQw", "added_at": "2026-11-24T15:00:00Z"}
    return [i for i in str(response.json().get("ids", "")).split(",") if i]


def remove_from_group(call: Caller, group_id: str, user_id: str) -> None:
    # Reference: https://developers.zoom.us/docs/api/users/#tag/groups/DELETE/groups/{groupId}/members/{memberId}
    call.send("groups.remove_member", "DELETE", zoom_app.api_url(f"/groups/{group_id}/members/{user_id}"))
