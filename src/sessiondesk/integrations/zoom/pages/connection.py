"""Connect, callback, disconnect, data deletion, link release and meeting preferences."""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from sessiondesk.accounts.decorators import admin_required, member_required
from sessiondesk.accounts.models import Member
from sessiondesk.accounts.views.settings_page import render_settings
from sessiondesk.integrations.zoom.connection import actions, oauth, zoom_app
from sessiondesk.integrations.zoom.models import (
    AdminMode,
    ConnectionKind,
    ConnectionStatus,
    OAuthState,
    ZoomConnection,
)
from sessiondesk.integrations.zoom.pages.forms import PreferenceForm
from sessiondesk.integrations.zoom.pages.settings_card import settings_at
from sessiondesk.meetings import first_use


def _back(kind: str = ConnectionKind.PERSONAL) -> HttpResponse:
    tab = "zoom-organization" if kind == ConnectionKind.ORGANIZATION else "zoom-personal"
    return redirect(settings_at(tab))


def zoom_enabled(view: Any) -> Any:
    """Zoom that is not configured is hidden, and its URLs do not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not zoom_app.enabled():
            raise Http404("Zoom is not configured")
        return view(request, *args, **kwargs)

    return wrapper


def _kind(raw: str) -> str:
    if raw not in ConnectionKind.values:
        raise Http404
    return raw


@zoom_enabled
@member_required
@require_POST
def connect(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    member: Member = request.member  # type: ignore[attr-defined]
    mode = request.POST.get("admin_mode", AdminMode.READ_WRITE)
    if mode not in AdminMode.values:
        mode = AdminMode.READ_WRITE
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    try:
        url = oauth.start(member, kind, admin_mode=mode, return_to=next_url)
    except oauth.ConnectRefused as refused:
        messages.error(request, refused.message)
        return _back(kind)
    return redirect(url)


@zoom_enabled
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # The login expired while the person was at Zoom: log in, then this URL runs again.
        return redirect_to_login(request.get_full_path())
    member: Member | None = getattr(request, "member", None)
    if member is None:
        raise Http404
    attempt: OAuthState | None = None
    try:
        attempt = oauth.take_state(request.GET.get("state", ""), member)
    except oauth.ConnectRefused as refused:
        state_problem = refused.message
    if request.GET.get("error"):
        messages.warning(request, _declined(request.GET["error"]))
        return _back(attempt.kind if attempt else ConnectionKind.PERSONAL)
    if attempt is None:
        messages.error(request, state_problem)
        return _back()
    try:
        connection = oauth.finish(member, attempt, request.GET.get("code", ""))
    except oauth.ConnectRefused as refused:
        messages.error(request, refused.message)
        return _back(attempt.kind)
    what = "The organisation's Zoom account" if connection.kind == ConnectionKind.ORGANIZATION else "Zoom"
    messages.success(request, f"{what} is connected as {connection.zoom_email}.")
    if attempt.draft:
        # Connected on first use: the page that sent the person here saves what they were doing.
        first_use.hand_back(request, attempt.draft)
    if attempt.return_to:
        return redirect(attempt.return_to)
    return _back(connection.kind)


def _declined(error: str) -> str:
    if error == "access_denied":
        return (
            "You chose Decline at Zoom, so Zoom is not connected and nothing was saved. "
            "Online sessions need a Zoom connection to get their meeting links; connect whenever you are ready."
        )
    return f"Zoom did not complete the connection ({error}), so nothing was saved. Please try again."


@zoom_enabled
@member_required
@require_POST
def disconnect(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    member: Member = request.member  # type: ignore[attr-defined]
    if not oauth.may_connect(member, kind):
        messages.error(request, oauth.refusal_for(member, kind))
        return _back(kind)
    connection = actions.active_connection(member, kind)
    if connection is None:
        messages.info(request, "Zoom was not connected.")
        return _back(kind)
    actions.disconnect(connection, member)
    messages.success(
        request,
        "Zoom is disconnected and SessionDesk no longer holds its access. Sessions keep the meeting links "
        "they already have; no new Zoom meetings are created with this account.",
    )
    return _back(kind)


@zoom_enabled
@member_required
@require_POST
def delete_my_data(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    actions.delete_zoom_data(member, member)
    messages.success(
        request, "Your Zoom data was deleted: access tokens, the link to your Zoom user and its details."
    )
    return _back()


@zoom_enabled
@admin_required
@require_POST
def delete_member_data(request: HttpRequest, member_id: int) -> HttpResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    target = get_object_or_404(Member, pk=member_id, org=me.org)
    actions.delete_zoom_data(target, me)
    messages.success(request, f"{target.name}'s Zoom data was deleted.")
    return _back(ConnectionKind.ORGANIZATION)


@zoom_enabled
@admin_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    connection = get_object_or_404(
        ZoomConnection.objects.exclude(status=ConnectionStatus.REVOKED),
        pk=pk,
        org=me.org,
        kind=ConnectionKind.PERSONAL,
    )
    actions.release_link(connection, me)
    messages.success(request, f"The link to the Zoom user {connection.zoom_email} was released.")
    return _back(ConnectionKind.ORGANIZATION)


@zoom_enabled
@admin_required
@require_POST
def admin_mode(request: HttpRequest) -> HttpResponse:
    me: Member = request.member  # type: ignore[attr-defined]
    connection = actions.active_connection(me, ConnectionKind.ORGANIZATION)
    mode = request.POST.get("admin_mode", "")
    if connection is None or mode not in AdminMode.values:
        messages.error(request, "Choose Read/Write or Read-only for a connected organisation account.")
        return _back(ConnectionKind.ORGANIZATION)
    if mode == connection.admin_mode:
        messages.info(request, f"Zoom user administration is already {AdminMode(mode).label}.")
        return _back(ConnectionKind.ORGANIZATION)
    if mode == AdminMode.READ_WRITE or zoom_app.read_only_configured():
        # The other mode needs other scopes, and only Zoom's consent grants them: to Read/Write the
        # organisation app's write scopes; to Read-only the read-only app's, so that the write
        # scopes are given back (the old tokens are revoked once the new ones are saved).
        return redirect(oauth.start(me, ConnectionKind.ORGANIZATION, admin_mode=mode))
    actions.set_admin_mode(connection, mode, me)
    messages.warning(request, f"Zoom user administration is now Read-only. {READ_ONLY_WITHOUT_APP}")
    return _back(ConnectionKind.ORGANIZATION)


READ_ONLY_WITHOUT_APP = (
    "SessionDesk changes nothing in Zoom from now on, but the Zoom authorisation still holds the write "
    "scopes of the organisation app: Zoom grants the scopes configured on an app, and SessionDesk cannot "
    "ask for fewer. To hold read scopes only, the operator registers a read-only Zoom app "
    "(ZOOM_ORG_READONLY_CLIENT_ID, docs/zoom-setup.md) and you choose Read-only again."
)


@member_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    form = PreferenceForm(request.POST, zoom=zoom_app.enabled())
    if not form.is_valid():
        request.zoom_preference_form = form  # type: ignore[attr-defined]
        return render_settings(request, 400)
    actions.set_platform(member, form.cleaned_data["platform"], form.cleaned_data["custom_url"])
    messages.success(request, "Your meeting preferences were saved.")
    return redirect(settings_at())
