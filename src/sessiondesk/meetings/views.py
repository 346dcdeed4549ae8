from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from sessiondesk.accounts import audit
from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.models import Member
from sessiondesk.meetings import desired
from sessiondesk.scheduling.models import Session

BLOCK = "meetings/_block.html"


def _session_for(request: HttpRequest, pk: int) -> Session:
    """404 outside the organisation; 403 for a consultant looking at a colleague's session."""
    member: Member = request.member  # type: ignore[attr-defined]
    session = get_object_or_404(
        Session.objects.select_related("org", "consultant__user").prefetch_related("meeting_links"),
        pk=pk,
        org=member.org,
    )
    takes_part = session.consultant_id == member.pk or session.co_hosts.filter(pk=member.pk).exists()
    if not member.manages_org and not takes_part:
        raise PermissionDenied
    return session


@require_GET
@member_required
def meeting_block(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, BLOCK, {"session": _session_for(request, pk)})


@require_POST
@member_required
def meeting_retry(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    with transaction.atomic():
        if desired.retry(session):
            audit.record(session.org, request.member, "meeting.retry", session)  # type: ignore[attr-defined]
    if request.headers.get("HX-Request"):
        return render(request, BLOCK, {"session": _session_for(request, pk)})
    return redirect("session_detail", pk=pk)
