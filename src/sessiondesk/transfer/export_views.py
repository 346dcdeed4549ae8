"""Downloads: each list as CSV with the filters the list page takes (the same query string), and the
whole organisation as JSON for owners and admins.

A link on a list page is the page's own URL with the export path: ``/sessions/export.csv?<the
list's query>``, and so on."""

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from sessiondesk.accounts import decorators
from sessiondesk.accounts.models import Member
from sessiondesk.accounts.views.audit_log import chosen_entries
from sessiondesk.accounts.views.helpers import current_member
from sessiondesk.scheduling.forms.sessions import SessionFilterForm
from sessiondesk.scheduling.pickers import search_clients as search
from sessiondesk.scheduling.views.sessions import _filtered as filtered_sessions
from sessiondesk.scheduling.views.sessions import visible_sessions
from sessiondesk.scheduling.visibility import clients_for
from sessiondesk.transfer import backup, exports

Download = Callable[..., StreamingHttpResponse]


def member_required(view: Download) -> Download:
    # The gates are typed for pages (HttpResponse); a download streams, and passes the same gate.
    return cast(Download, decorators.member_required(cast(decorators.View, view)))


def admin_required(view: Download) -> Download:
    return cast(Download, decorators.admin_required(cast(decorators.View, view)))


def _stamp(name: str) -> str:
    return f"{name}-{timezone.now():%Y-%m-%d}.csv"


@member_required
def sessions_csv(request: HttpRequest) -> StreamingHttpResponse:
    member = current_member(request)
    form = SessionFilterForm(request.GET or None, member=member)
    sessions = filtered_sessions(visible_sessions(member), form, member)
    header, rows = exports.session_rows(sessions, member.timezone)
    return exports.stream_csv(_stamp("sessions"), header, rows)


@member_required
def clients_csv(request: HttpRequest) -> StreamingHttpResponse:
    member = current_member(request)
    clients = search(clients_for(member), request.GET.get("q", "").strip()[:100]).order_by("name", "pk")
    header, rows = exports.client_rows(clients, member.timezone)
    return exports.stream_csv(_stamp("clients"), header, rows)


@admin_required
def members_csv(request: HttpRequest) -> StreamingHttpResponse:
    member = current_member(request)
    members = Member.objects.filter(org=member.org).order_by("-is_active", "user__name", "pk")
    header, rows = exports.member_rows(members, member.timezone)
    return exports.stream_csv(_stamp("members"), header, rows)


@admin_required
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    member = current_member(request)
    header, rows = exports.audit_rows(chosen_entries(member.org, request), member.timezone)
    return exports.stream_csv(_stamp("audit-log"), header, rows)


def org_json_response(member: Member) -> StreamingHttpResponse:
    response = StreamingHttpResponse(backup.chunks(member.org), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{backup.filename(member.org)}"'
    return response


@admin_required
def organization_json(request: HttpRequest) -> StreamingHttpResponse:
    return org_json_response(current_member(request))
