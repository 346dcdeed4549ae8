"""The JSON API of the Zoom Users page (owners and admins): the same named actions, the same
refusals (Read-only included) as JSON errors ``{"detail", "field"}``."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from sessiondesk.accounts.models import Member
from sessiondesk.api import paging
from sessiondesk.api.auth import member_of
from sessiondesk.api.schemas import MAX_ID, Error
from sessiondesk.integrations.zoom.directory import links, memberships, offboard, onboard, query, sync
from sessiondesk.integrations.zoom.directory.models import DirectoryGroup, DirectoryRole, DirectoryUser
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused, ZoomRefused
from sessiondesk.integrations.zoom.directory.views import status_of

router = Router(tags=["zoom users"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 503: Error}


class ZoomUserOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    account_type: str
    user_type: int
    role_id: str
    status: str
    groups: list[str]
    queued_changes: list[str]
    member_id: int | None


class ZoomUserPage(Schema):
    results: list[ZoomUserOut]
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; null on the last.")
    count: int | None = Field(description="Every matching user, when asked with ``count=true``; else null.")


class Filters(Schema):
    q: str = Field("", max_length=200)
    status: Literal["", "active", "pending", "inactive"] = ""
    limit: int = Field(100, ge=1, le=500, description="Users per page, at most 500.")
    cursor: str = Field("", max_length=500, description="The previous page's next_cursor.")
    count: bool = Field(False, description="Also count every matching user.")
    offset: int = Field(0, ge=0, le=MAX_ID, description="Deprecated: users to skip; use cursor.")


BY_EMAIL = paging.by_text("email")


class OnboardIn(Schema):
    email: str = Field(..., max_length=128, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    first_name: str = Field(..., min_length=1, max_length=64)
    last_name: str = Field(..., min_length=1, max_length=64)
    user_type: int = Field(
        2, ge=1, le=99, description="1 Basic, 2 Licensed (Pro); the types Zoom creates on the account's plan"
    )
    member_id: int | None = Field(None, ge=1, le=MAX_ID)


class AdoptIn(Schema):
    email: str = Field(..., max_length=128, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    member_id: int | None = Field(None, ge=1, le=MAX_ID)


class OffboardIn(Schema):
    action: Literal["disassociate", "delete"] = "disassociate"
    transfer_to: str = Field("", max_length=254)


class RoleIn(Schema):
    role_id: str = Field(
        "", max_length=64, description="The Zoom role id (GET the user for the current one)."
    )


class GroupIn(Schema):
    group_id: str = Field("", max_length=64, description="The Zoom group id.")


class LinkIn(Schema):
    member_id: int | None = Field(None, ge=1, le=MAX_ID)


class Done(Schema):
    applied: bool = Field(..., description="False when queued until the pending user accepts.")
    user: ZoomUserOut


def _admin(request: HttpRequest) -> Member:
    member = member_of(request)
    if not member.is_admin:
        raise HttpError(403, "Only owners and admins can manage the organisation's Zoom users.")
    return member


def _out(user: DirectoryUser) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "account_type": user.account_type,
        "user_type": user.user_type,
        "role_id": user.role_id,
        "status": user.status,
        "groups": sorted(m.group.name for m in user.memberships.all()),
        "queued_changes": [f"{c.get_kind_display()}: {c.target_name}" for c in user.queued_changes.all()],
        "member_id": user.member_id,
    }


def _user(member: Member, pk: int) -> DirectoryUser:
    found = DirectoryUser.objects.filter(org=member.org, pk=pk).first()
    if found is None:
        raise HttpError(404, "No Zoom user with this id in your organisation.")
    return found


def _member(me: Member, pk: int | None) -> Member | None:
    if pk is None:
        return None
    found = Member.objects.filter(org=me.org, pk=pk, is_active=True).first()
    if found is None:
        raise HttpError(404, "No active member with this id in your organisation.")
    return found


def _run(action: Any) -> Any:
    try:
        return action()
    except onboard.AlreadyInAccount as already:
        raise HttpError(409, already.message) from None
    except onboard.AlreadyExists as exists:
        raise HttpError(409, f"{exists.text} Use POST /api/v1/zoom/users/adopt.") from None
    except links.LinkHeld as held:
        raise HttpError(409, held.message) from None
    except onboard.TypeNotOffered as not_offered:
        raise HttpError(400, not_offered.message) from None
    except DirectoryRefused as refused:
        raise HttpError(403, refused.message) from None
    except ZoomRefused as refused:
        raise HttpError(400 if refused.error.permanent else 503, refused.text) from None


def _fresh(user: DirectoryUser) -> dict[str, Any]:
    return _out(
        DirectoryUser.objects.prefetch_related("memberships__group", "queued_changes").get(pk=user.pk)
    )


@router.get("/", response={200: ZoomUserPage, **ERRORS}, summary="List the organisation's Zoom users")
def list_users(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    me = _admin(request)
    found = query.users(me.org, {"q": filters.q.replace("\x00", ""), "status": filters.status})
    page = paging.page(found, BY_EMAIL, filters)  # type: ignore[arg-type]  # the same four fields
    return {
        "results": [_out(u) for u in page["items"]],
        "next_cursor": page["next_cursor"],
        "count": page["count"],
    }


@router.post("/", response={201: ZoomUserOut, **ERRORS}, summary="Onboard: Zoom creates the user, pending")
def create_user(request: HttpRequest, body: OnboardIn) -> Status[dict[str, Any]]:
    me = _admin(request)
    member = _member(me, body.member_id)
    user = _run(
        lambda: onboard.onboard(me, body.email, body.first_name, body.last_name, body.user_type, member)
    )
    return Status(201, _fresh(user))


@router.post("/adopt", response={200: ZoomUserOut, **ERRORS}, summary="Adopt an existing Zoom user")
def adopt_user(request: HttpRequest, body: AdoptIn) -> dict[str, Any]:
    me = _admin(request)
    member = _member(me, body.member_id)
    return _fresh(_run(lambda: onboard.adopt(me, body.email, member)))


@router.post("/sync", response={202: dict, **ERRORS}, summary="Sync the directory now")
def sync_now(request: HttpRequest) -> Status[dict[str, Any]]:
    state = sync.request(_admin(request))
    return Status(202, status_of(state))


@router.get("/{pk}", response={200: ZoomUserOut, **ERRORS}, summary="One Zoom user")
def get_user(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _fresh(_user(_admin(request), pk))


@router.post("/{pk}/offboard", response={200: dict, **ERRORS}, summary="Offboard: remove from Zoom")
def offboard_user(request: HttpRequest, pk: int, body: OffboardIn) -> dict[str, Any]:
    me = _admin(request)
    user = _user(me, pk)
    flagged = _run(lambda: offboard.offboard(me, user, body.action, body.transfer_to))
    return {"removed": user.email, "action": body.action, "sessions_flagged": flagged}


@router.post("/{pk}/role", response={200: Done, **ERRORS}, summary="Change the Zoom role")
def change_role(request: HttpRequest, pk: int, body: RoleIn) -> dict[str, Any]:
    me = _admin(request)
    user = _user(me, pk)
    role = DirectoryRole.objects.filter(org=me.org, zoom_role_id=body.role_id).first()
    if role is None:
        raise HttpError(404, "No such role in the organisation's Zoom account.")
    applied = _run(lambda: memberships.change_role(me, user, role))
    return {"applied": applied, "user": _fresh(user)}


def _group(me: Member, zoom_id: str) -> DirectoryGroup:
    group = DirectoryGroup.objects.filter(org=me.org, zoom_group_id=zoom_id).first()
    if group is None:
        raise HttpError(404, "No such group in the organisation's Zoom account.")
    return group


@router.post("/{pk}/groups/add", response={200: Done, **ERRORS}, summary="Add to a Zoom group")
def add_group(request: HttpRequest, pk: int, body: GroupIn) -> dict[str, Any]:
    me = _admin(request)
    user, group = _user(me, pk), _group(me, body.group_id)
    applied = _run(lambda: memberships.add_to_group(me, user, group))
    return {"applied": applied, "user": _fresh(user)}


@router.post("/{pk}/groups/remove", response={200: Done, **ERRORS}, summary="Remove from a Zoom group")
def remove_group(request: HttpRequest, pk: int, body: GroupIn) -> dict[str, Any]:
    me = _admin(request)
    user, group = _user(me, pk), _group(me, body.group_id)
    applied = _run(lambda: memberships.remove_from_group(me, user, group))
    return {"applied": applied, "user": _fresh(user)}


@router.post("/{pk}/link", response={200: ZoomUserOut, **ERRORS}, summary="Link to a member (or unlink)")
def link_member(request: HttpRequest, pk: int, body: LinkIn) -> dict[str, Any]:
    me = _admin(request)
    user, member = _user(me, pk), _member(me, body.member_id)
    return _fresh(_run(lambda: links.link(me, user, member)))
