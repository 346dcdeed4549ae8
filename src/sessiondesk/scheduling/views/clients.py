"""Client pages. Managers (owner, admin, staff) see and edit every client; consultants see the
clients of their own sessions and the ones they added, and edit the ones they added."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.middleware import MemberRequest
from sessiondesk.accounts.models import Member
from sessiondesk.attendance import display as attendance
from sessiondesk.lib import keyset
from sessiondesk.scheduling import links, pickers
from sessiondesk.scheduling.forms.clients import ClientForm
from sessiondesk.scheduling.models import Client, SessionStatus
from sessiondesk.scheduling.visibility import clients_for

PAGE_SIZE = 50
CLIENT_ORDER = ("name", "pk")
SESSIONS_SHOWN = 25


visible_clients = clients_for


def can_edit(member: Member, client: Client) -> bool:
    return member.manages_org or client.created_by_id == member.pk


def _client_or_denied(request: MemberRequest, pk: int) -> Client:
    client = get_object_or_404(Client, org=request.org, pk=pk)
    if not visible_clients(request.member).filter(pk=client.pk).exists():
        raise PermissionDenied
    return client


@member_required
def client_list(request: MemberRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    clients = pickers.search_clients(visible_clients(request.member), query)
    page, status = keyset.page_for(request, clients, CLIENT_ORDER, size=PAGE_SIZE)
    context = {
        "clients": page.items,
        "page": page,
        "query": query,
        "address_query": keyset.query_without_cursor(request),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "client-results":
        return render(request, "scheduling/clients/_results.html", context, status=status)
    return render(request, "scheduling/clients/list.html", context, status=status)


@member_required
def client_create(request: MemberRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, org=request.org)
    if request.method == "POST":
        client = form.save_for(request.member) if form.is_valid() else None
        if client is not None:
            messages.success(request, f"{client.name} was added to your clients.")
            return redirect("client_detail", pk=client.pk)
    status = 400 if form.errors else 200
    return render(request, "scheduling/clients/form.html", {"form": form, "client": None}, status=status)


@member_required
def client_edit(request: MemberRequest, pk: int) -> HttpResponse:
    client = _client_or_denied(request, pk)
    if not can_edit(request.member, client):
        raise PermissionDenied
    form = ClientForm(request.POST or None, instance=client, org=request.org)
    if request.method == "POST":
        saved = form.save_for(request.member) if form.is_valid() else None
        if saved is not None:
            messages.success(request, f"Changes to {saved.name} were saved.")
            return redirect("client_detail", pk=saved.pk)
        client.refresh_from_db()
    status = 400 if form.errors else 200
    return render(request, "scheduling/clients/form.html", {"form": form, "client": client}, status=status)


@member_required
def client_detail(request: MemberRequest, pk: int) -> HttpResponse:
    client = _client_or_denied(request, pk)
    member = request.member
    sessions = client.sessions.select_related("consultant__user", "session_type").order_by("start")
    if not member.manages_org:
        sessions = sessions.filter(Q(consultant=member) | Q(co_hosts=member)).distinct()
    ahead = Q(end__gte=timezone.now(), status=SessionStatus.SCHEDULED)
    # A client of many years keeps a short page: the next and the latest few, the rest on the list.
    upcoming = list(sessions.filter(ahead).order_by("start", "pk")[: SESSIONS_SHOWN + 1])
    past = list(sessions.exclude(ahead).order_by("-start", "-pk")[: SESSIONS_SHOWN + 1])
    attended = attendance.for_client(client.pk, [s.pk for s in past])
    for session in past:
        session.attendance_info = attended.get(session.pk)  # type: ignore[attr-defined]
    context = {
        "client": client,
        "upcoming": upcoming[:SESSIONS_SHOWN],
        "past": past[:SESSIONS_SHOWN],
        "more_upcoming": len(upcoming) > SESSIONS_SHOWN,
        "more_past": len(past) > SESSIONS_SHOWN,
        "shown": SESSIONS_SHOWN,
        "portal_url": links.portal_url(client),
        "can_edit": can_edit(member, client),
        "viewer_tz": member.timezone,
    }
    return render(request, "scheduling/clients/detail.html", context)
