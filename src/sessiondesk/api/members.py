"""Who and what a caller can refer to by id: the members and session types of their organisation."""

from django.http import HttpRequest
from ninja import Router

from sessiondesk.accounts.models import Member
from sessiondesk.api.auth import member_of
from sessiondesk.api.schemas import Error, Me, MemberOut, SessionTypeOut
from sessiondesk.scheduling.models import SessionType

router = Router(tags=["organisation"])


def member_out(member: Member) -> dict:
    return {
        "id": member.pk,
        "name": member.name,
        "email": member.email,
        "role": member.role,
        "timezone": member.timezone,
    }


@router.get("/me", response={200: Me, 401: Error}, summary="The member the token belongs to")
def me(request: HttpRequest) -> dict:
    member = member_of(request)
    return {"member": member_out(member), "organization": {"id": member.org_id, "name": member.org.name}}


@router.get("/members", response={200: list[MemberOut], 401: Error}, summary="Members of your organisation")
def list_members(request: HttpRequest) -> list[dict]:
    members = Member.objects.filter(org_id=member_of(request).org_id, is_active=True).select_related("user")
    return [member_out(m) for m in members.order_by("user__name", "id")]


@router.get("/session-types", response={200: list[SessionTypeOut], 401: Error}, summary="Session types")
def list_session_types(request: HttpRequest) -> list[dict]:
    types = SessionType.objects.filter(org_id=member_of(request).org_id).order_by("name", "id")
    return [
        {
            "id": t.pk,
            "name": t.name,
            "duration_minutes": t.duration_minutes,
            "is_online": t.is_online,
            "default_provider": t.default_provider,
        }
        for t in types
    ]
