"""The Zoom Users page (admins), a user's page, and the sync's progress as JSON."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory import permissions, query
from sessiondesk.integrations.zoom.directory.forms import (
    AdoptForm,
    FilterForm,
    LinkForm,
    OffboardForm,
    OnboardForm,
)
from sessiondesk.integrations.zoom.directory.models import (
    DirectoryGroup,
    DirectoryRole,
    DirectorySync,
    DirectoryUser,
)
from sessiondesk.integrations.zoom.pages.connection import zoom_enabled
from sessiondesk.lib import keyset


def _common(me: Member) -> dict[str, Any]:
    connection = permissions.connection_of(me.org)
    roles = {r.zoom_role_id: r.name for r in DirectoryRole.objects.filter(org=me.org)}
    return {
        "connection": connection,
        "refusal": permissions.write_refusal(connection),
        "sync": DirectorySync.objects.filter(org=me.org).first(),
        "roles": roles,
        "groups": list(DirectoryGroup.objects.filter(org=me.org)),
        "offboard_form": OffboardForm(),
    }


def users_page(
    request: HttpRequest,
    *,
    status: int = 200,
    onboard_form: OnboardForm | None = None,
    adopt_form: AdoptForm | None = None,
) -> HttpResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    filters = FilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page, cursor_status = keyset.page_for(
        request, query.users(me.org, cleaned), query.ORDER, size=query.PAGE_SIZE
    )
    context = {
        **_common(me),
        "filters": filters,
        "filtered": bool(request.GET.keys() - set(keyset.CURSOR_PARAMS)),
        "users": page.items,
        "page": page,
        "query": keyset.query_without_cursor(request),
        "everyone": DirectoryUser.objects.filter(org=me.org).count(),
        "onboard_form": onboard_form or OnboardForm(viewer=me),
        "adopt_form": adopt_form,
    }
    return render(request, "zoom_directory/users.html", context, status=max(status, cursor_status))


@zoom_enabled
@admin_required
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    return users_page(request)


def user_page(
    request: HttpRequest, user: DirectoryUser, status: int = 200, link_form: LinkForm | None = None
) -> HttpResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    common = _common(me)
    member_of = {m.group_id for m in user.memberships.all()}
    queued = list(user.queued_changes.all())
    waiting = {c.target_id for c in queued if c.kind == "add_group"}
    context = {
        **common,
        "user": user,
        "role_name": common["roles"].get(user.role_id, user.role_id or "Member"),
        "user_groups": [g for g in common["groups"] if g.pk in member_of],
        "other_groups": [
            g for g in common["groups"] if g.pk not in member_of and g.zoom_group_id not in waiting
        ],
        "role_choices": [(rid, name) for rid, name in common["roles"].items() if rid != "0"],
        "queued": queued,
        "link_form": link_form or LinkForm(viewer=me, initial={"member": user.member_id}),
    }
    return render(request, "zoom_directory/user.html", context, status=status)


def get_user(request: HttpRequest, pk: int) -> DirectoryUser:
    me: Member = request.member  # type: ignore[attr-defined]
    return get_object_or_404(
        DirectoryUser.objects.select_related("member__user").prefetch_related("memberships__group"),
        pk=pk,
        org=me.org,
    )


@zoom_enabled
@admin_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return user_page(request, get_user(request, pk))


@zoom_enabled
@admin_required
@require_GET
def sync_status(request: HttpRequest) -> JsonResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    return JsonResponse(status_of(DirectorySync.objects.filter(org=me.org).first()))


def status_of(sync: DirectorySync | None) -> dict[str, Any]:
    if sync is None:
        return {"state": "never", "phase": "", "users_done": 0, "users_total": 0, "last_error": ""}
    return {
        "state": "requested" if sync.requested_at and sync.state != "running" else sync.state,
        "phase": sync.phase,
        "users_done": sync.users_done,
        "users_total": sync.users_total,
        "list_calls": sync.list_calls,
        "rows_written": sync.rows_written,
        "finished_at": sync.finished_at.isoformat() if sync.finished_at else None,
        "last_error": sync.last_error,
    }
