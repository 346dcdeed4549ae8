"""The Zoom Users page's actions. A refusal re-renders the page with the reason and a 4xx status."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.directory import links, memberships, offboard, onboard, removal, sync
from sessiondesk.integrations.zoom.directory.forms import AdoptForm, LinkForm, OffboardForm, OnboardForm
from sessiondesk.integrations.zoom.directory.models import DirectoryGroup, DirectoryRole
from sessiondesk.integrations.zoom.directory.permissions import DirectoryRefused, ZoomRefused
from sessiondesk.integrations.zoom.directory.views import get_user, user_page, users_page
from sessiondesk.integrations.zoom.pages.connection import zoom_enabled
from sessiondesk.lib import picker
from sessiondesk.lib.digits import is_id


def admin_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admins only, POST only; refusals become a message on the page they came from."""

    @zoom_enabled
    @admin_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except links.LinkHeld as held:
            return _refused(request, held.message, 409, kwargs.get("pk"))
        except onboard.TypeNotOffered as not_offered:
            return _refused(request, not_offered.message, 400, kwargs.get("pk"))
        except DirectoryRefused as refused:
            return _refused(request, refused.message, 403, kwargs.get("pk"))
        except ZoomRefused as refused:
            return _refused(request, refused.text, 400 if refused.error.permanent else 503, kwargs.get("pk"))

    return wrapper


def _refused(request: HttpRequest, text: str, status: int, pk: int | None) -> HttpResponse:
    messages.error(request, text)
    if pk is not None:
        return user_page(request, get_user(request, pk), status=status)
    return users_page(request, status=status)


def _me(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


@admin_post
def sync_now(request: HttpRequest) -> HttpResponse:
    sync.request(_me(request))
    messages.info(request, "The Zoom directory is being synced; this page shows the progress.")
    return redirect("zoom_directory_users")


@admin_post
def onboard_user(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if picker.SEARCH_BUTTON in request.POST:  # the member picker's Find, without script
        return users_page(
            request, onboard_form=OnboardForm(initial=picker.initial_from(request.POST), viewer=me)
        )
    form = OnboardForm(request.POST, viewer=me)
    if not form.is_valid():
        return users_page(request, status=400, onboard_form=form)
    data = form.cleaned_data
    try:
        user = onboard.onboard(
            me, data["email"], data["first_name"], data["last_name"], data["user_type"], data["member"]
        )
    except onboard.AlreadyInAccount as already:
        messages.info(request, already.message)
        return users_page(request, status=409, onboard_form=form)
    except onboard.AlreadyExists as exists:
        messages.warning(request, exists.text)
        adopt = AdoptForm(viewer=me, initial={"email": data["email"], "member": data["member"]})
        return users_page(request, status=409, onboard_form=form, adopt_form=adopt)
    messages.success(
        request,
        f"Zoom created {user.email} and emailed them an invitation; they show as pending until they accept.",
    )
    return redirect("zoom_directory_users")


@admin_post
def adopt_user(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if picker.SEARCH_BUTTON in request.POST:
        return users_page(request, adopt_form=AdoptForm(initial=picker.initial_from(request.POST), viewer=me))
    form = AdoptForm(request.POST, viewer=me)
    if not form.is_valid():
        return users_page(request, status=400, adopt_form=form)
    try:
        user = onboard.adopt(me, form.cleaned_data["email"], form.cleaned_data["member"])
    except onboard.AlreadyInAccount as already:
        messages.info(request, already.message)
        return users_page(request, status=409)
    linked = f" and linked to {user.member.name}" if user.member else ""
    messages.success(request, f"The existing Zoom user {user.email} was adopted{linked}.")
    return redirect("zoom_directory_users")


@admin_post
def offboard_user(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user(request, pk)
    form = OffboardForm(request.POST)
    if not form.is_valid():
        raise DirectoryRefused("Choose Disassociate or Delete.")
    email = user.email
    flagged = offboard.offboard(
        _me(request), user, form.cleaned_data["action"], form.cleaned_data["transfer_to"]
    )
    done = "disassociated from" if form.cleaned_data["action"] == "disassociate" else "deleted from"
    note = f" {flagged} upcoming session(s) are flagged for reassignment." if flagged else ""
    messages.success(request, f"{email} was {done} the Zoom account and no longer has access.{note}")
    return redirect("zoom_directory_users")


@admin_post
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    user = get_user(request, pk)
    role = DirectoryRole.objects.filter(org=me.org, zoom_role_id=request.POST.get("role", "")).first()
    if role is None:
        raise DirectoryRefused("Choose one of the account's roles.")
    now = memberships.change_role(me, user, role)
    messages.success(
        request,
        f"{user.email} is now {role.name}." if now else f"{role.name} is queued until {user.email} accepts.",
    )
    return redirect("zoom_directory_user", pk=pk)


def _group(request: HttpRequest) -> DirectoryGroup:
    group = DirectoryGroup.objects.filter(org=_me(request).org, pk=_int(request.POST.get("group"))).first()
    if group is None:
        raise DirectoryRefused("Choose one of the account's groups.")
    return group


def _int(raw: str | None) -> int:
    return int(raw) if raw and is_id(raw) else 0


@admin_post
def add_group(request: HttpRequest, pk: int) -> HttpResponse:
    user, group = get_user(request, pk), _group(request)
    if memberships.add_to_group(_me(request), user, group):
        messages.success(request, f"{user.email} was added to {group.name}.")
    else:
        messages.info(
            request, f"Adding {user.email} to {group.name} is queued until they accept Zoom's invitation."
        )
    return redirect("zoom_directory_user", pk=pk)


@admin_post
def remove_group(request: HttpRequest, pk: int) -> HttpResponse:
    user, group = get_user(request, pk), _group(request)
    if memberships.remove_from_group(_me(request), user, group):
        messages.success(request, f"{user.email} is no longer in {group.name}.")
    else:
        messages.info(request, f"Removing {user.email} from {group.name} is queued until they accept.")
    return redirect("zoom_directory_user", pk=pk)


@admin_post
def link_member(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    user = get_user(request, pk)
    if picker.SEARCH_BUTTON in request.POST:
        return user_page(
            request, user, link_form=LinkForm(initial=picker.initial_from(request.POST), viewer=me)
        )
    form = LinkForm(request.POST, viewer=me)
    if not form.is_valid():
        raise DirectoryRefused("Choose an active consultant, admin or owner of the organisation.")
    member = form.cleaned_data["member"]
    links.link(me, user, member)
    messages.success(
        request,
        f"{user.email} is linked to {member.name}." if member else f"{user.email} is no longer linked.",
    )
    return redirect("zoom_directory_user", pk=pk)


@admin_post
def remove_integration(request: HttpRequest) -> HttpResponse:
    if request.POST.get("confirm") != "remove":
        raise DirectoryRefused("Type “remove” to confirm removing the Zoom integration.")
    counts = removal.remove_integration(_me(request))
    messages.success(
        request,
        f"The Zoom integration was removed: access revoked, {counts['users']} Zoom users and "
        f"{counts['links']} links deleted. Connecting again later syncs everything afresh.",
    )
    return redirect("zoom_directory_users")
