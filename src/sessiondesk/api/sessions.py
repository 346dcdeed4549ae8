from django.http import HttpRequest
from ninja import Field, Query, Router, Status
from ninja.errors import HttpError

from sessiondesk.accounts.models import Member
from sessiondesk.api import access, paging
from sessiondesk.api.auth import member_of
from sessiondesk.api.present import attendance_out, session_out, with_session_details
from sessiondesk.api.schemas import (
    AttendanceOut,
    CancelIn,
    Error,
    Id,
    Moment,
    RescheduleIn,
    SessionIn,
    SessionOut,
    SessionPage,
    SessionPatch,
)
from sessiondesk.scheduling import actions, visibility
from sessiondesk.scheduling.actions import SessionChanges, SessionDraft
from sessiondesk.scheduling.models import BookedVia, Session, SessionStatus
from sessiondesk.scheduling.recurrence import Repeat

router = Router(tags=["sessions"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class SessionFilters(paging.PageParams):
    start_from: Moment | None = Field(None, alias="from", description="Sessions ending after this instant.")
    to: Moment | None = Field(None, description="Sessions starting before this instant.")
    consultant: Id | None = None
    client: Id | None = None
    calendar: Id | None = None
    status: SessionStatus | None = None


def _detailed(member: Member, session_id: int) -> Session:
    return access.get_or_404(with_session_details(visibility.sessions_for(member)), session_id, "Session")


def _editable(request: HttpRequest, session_id: int) -> tuple[Member, Session]:
    member = member_of(request)
    session = access.get_or_404(visibility.sessions_for(member), session_id, "Session")
    if not member.manages_org and session.consultant_id != member.pk:
        raise HttpError(403, "Only the session's consultant, staff and admins can change it.")
    return member, session


def _check_self_hosted(member: Member, consultant_id: int | None) -> None:
    if consultant_id is not None and not member.manages_org and consultant_id != member.pk:
        raise HttpError(403, "Consultants can only schedule sessions they host themselves.")


@router.get("/", response={200: SessionPage, **ERRORS}, summary="List sessions, by start time")
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> dict:
    sessions = visibility.sessions_for(member_of(request))
    if filters.start_from is not None:
        sessions = sessions.filter(end__gt=filters.start_from)
    if filters.to is not None:
        sessions = sessions.filter(start__lt=filters.to)
    if filters.consultant is not None:
        sessions = sessions.filter(consultant_id=filters.consultant)
    if filters.client is not None:
        sessions = sessions.filter(clients=filters.client)
    if filters.calendar is not None:
        sessions = sessions.filter(calendar_id=filters.calendar)
    if filters.status is not None:
        sessions = sessions.filter(status=filters.status)
    found = paging.page(with_session_details(sessions), paging.BY_START, filters)
    return found | {"items": [session_out(s) for s in found["items"]]}


@router.get("/{session_id}", response={200: SessionOut, **ERRORS}, summary="Get a session")
def get_session(request: HttpRequest, session_id: int) -> dict:
    return session_out(_detailed(member_of(request), session_id))


@router.get(
    "/{session_id}/attendance",
    response={200: AttendanceOut, **ERRORS},
    summary="Who attended a session, when and for how long, and its outcome",
)
def get_attendance(request: HttpRequest, session_id: int) -> dict:
    session = access.get_or_404(visibility.sessions_for(member_of(request)), session_id, "Session")
    return attendance_out(session)


@router.post("/", response={201: SessionOut, **ERRORS}, summary="Schedule a session or a weekly series")
def create_session(request: HttpRequest, payload: SessionIn) -> Status[dict]:
    member = member_of(request)
    _check_self_hosted(member, payload.consultant)
    draft = SessionDraft(
        title=payload.title,
        start=payload.start,
        end=payload.end,
        session_type=access.org_session_type(member, payload.session_type),
        consultant=access.org_member(member, payload.consultant, "consultant"),
        clients=access.org_clients(member, payload.clients),
        co_hosts=access.org_members(member, payload.co_hosts, "co_hosts"),
        is_online=payload.is_online,
        provider=payload.provider.value if payload.provider else None,
        custom_meeting_url=payload.custom_meeting_url,
        location=payload.location,
        agenda=payload.agenda,
        calendar=access.org_calendar(member, payload.calendar) if payload.calendar else None,
    )
    repeat = Repeat(**payload.repeat.model_dump()) if payload.repeat else None
    session = actions.schedule_session(member.org, draft, actor=member, via=BookedVia.API, repeat=repeat)
    return Status(201, session_out(session))  # it carries its attendees: no second read


@router.patch("/{session_id}", response={200: SessionOut, **ERRORS}, summary="Change a session")
def update_session(request: HttpRequest, session_id: int, payload: SessionPatch) -> dict:
    member, session = _editable(request, session_id)
    _check_self_hosted(member, payload.consultant)
    given = payload.model_dump(exclude_unset=True, exclude={"scope"})
    changes = SessionChanges(
        title=given.get("title"),
        agenda=given.get("agenda"),
        session_type=access.org_session_type(member, payload.session_type) if payload.session_type else None,
        consultant=access.org_member(member, payload.consultant, "consultant")
        if payload.consultant
        else None,
        clients=access.org_clients(member, payload.clients) if payload.clients is not None else None,
        co_hosts=access.org_members(member, payload.co_hosts, "co_hosts")
        if payload.co_hosts is not None
        else None,
        is_online=given.get("is_online"),
        provider=payload.provider.value if payload.provider else None,
        custom_meeting_url=given.get("custom_meeting_url"),
        location=given.get("location"),
    )
    actions.update_session(session, changes, actor=member, scope=payload.scope)
    return session_out(_detailed(member, session.pk))


@router.post("/{session_id}/reschedule", response={200: SessionOut, **ERRORS}, summary="Move a session")
def reschedule_session(request: HttpRequest, session_id: int, payload: RescheduleIn) -> dict:
    member, session = _editable(request, session_id)
    actions.reschedule_session(
        session, start=payload.start, end=payload.end, actor=member, scope=payload.scope
    )
    return session_out(_detailed(member, session.pk))


@router.post("/{session_id}/cancel", response={200: SessionOut, **ERRORS}, summary="Cancel a session")
def cancel_session(request: HttpRequest, session_id: int, payload: CancelIn | None = None) -> dict:
    member, session = _editable(request, session_id)
    payload = payload or CancelIn()
    actions.cancel_session(session, actor=member, reason=payload.reason, scope=payload.scope)
    return session_out(_detailed(member, session.pk))
