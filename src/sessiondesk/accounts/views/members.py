from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sessiondesk.accounts import invitations, members
from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.errors import AccountError
from sessiondesk.accounts.forms import InvitationForm, RoleForm
from sessiondesk.accounts.models import Invitation, Member, Role
from sessiondesk.accounts.views.helpers import current_member, get_in_org


def _page(
    request: HttpRequest, *, invite_form: InvitationForm | None = None, status: int = 200
) -> HttpResponse:
    me = current_member(request)
    people = Member.objects.filter(org=me.org).select_related("user").order_by("-is_active", "user__name")
    pending = (
        Invitation.objects.filter(
            org=me.org, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        )
        .select_related("invited_by__user")
        .order_by("-created_at")
    )
    roles = Role.choices if me.role == Role.OWNER else [c for c in Role.choices if c[0] != Role.OWNER]
    context = {
        "people": people,
        "pending": pending,
        "invite_form": invite_form or InvitationForm(),
        "roles": roles,
        "me": me,
    }
    return render(request, "accounts/member_list.html", context, status=status)


@admin_required
def member_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@admin_required
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _page(request, invite_form=form, status=400)
    try:
        invitation = invitations.invite(current_member(request), **form.cleaned_data)
    except AccountError as error:
        form.add_error(error.field, error.message)
        return _page(request, invite_form=form, status=400)
    messages.success(request, f"Invitation sent to {invitation.email}. The link works for 7 days.")
    return redirect("member_list")


@admin_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_in_org(request, Invitation.objects.all(), pk)
    try:
        invitations.revoke(current_member(request), invitation)
    except AccountError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    messages.success(request, f"The invitation to {invitation.email} was revoked.")
    return redirect("member_list")


@admin_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_in_org(request, Member.objects.select_related("user"), pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the listed roles.")
        return _page(request, status=400)
    try:
        member = members.change_role(current_member(request), member, form.cleaned_data["role"])
    except AccountError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    messages.success(request, f"{member.name} is now {member.get_role_display().lower()}.")
    return redirect("member_list")


@admin_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_in_org(request, Member.objects.select_related("user"), pk)
    try:
        flagged = members.deactivate_member(current_member(request), member)
    except AccountError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    note = f" {flagged} upcoming session(s) now need a new consultant." if flagged else ""
    messages.success(request, f"{member.name} was deactivated.{note}")
    return redirect("member_list")


@admin_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_in_org(request, Member.objects.select_related("user"), pk)
    try:
        members.reactivate_member(current_member(request), member)
    except AccountError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    messages.success(request, f"{member.name} was reactivated.")
    return redirect("member_list")
