"""The page an invitee opens from their email: join as a new person, or as someone with an account."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sessiondesk.accounts import invitations
from sessiondesk.accounts.errors import AccountError
from sessiondesk.accounts.forms import AcceptInvitationForm
from sessiondesk.accounts.models import Invitation, Member, User

TEMPLATE = "accounts/invitation_accept.html"


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", {"message": message}, status=status)


def _welcome(request: HttpRequest, member: Member) -> HttpResponse:
    messages.success(request, f"Welcome to {member.org.name}, {member.name}.")
    return redirect("home")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("org", "invited_by__user").filter(token=token).first()
    if invitation is None:
        return _refuse(request, "This invitation link is not valid. Check that you copied all of it.", 404)
    if invitation.state != "pending":
        return _refuse(request, invitations.REFUSALS[invitation.state], 410)
    account = User.objects.filter(email=invitation.email.lower()).first()
    signed_in = request.user if request.user.is_authenticated else None
    context = {"invitation": invitation, "account": account, "signed_in": signed_in}
    if signed_in is not None and signed_in != account:
        return render(request, TEMPLATE, {**context, "mode": "wrong_person"})
    if account is not None:
        if signed_in is None:
            return render(request, TEMPLATE, {**context, "mode": "log_in"})
        return _accept_existing(request, invitation, account, context)
    return _accept_new(request, invitation, context)


def _accept_existing(
    request: HttpRequest, invitation: Invitation, account: User, context: dict
) -> HttpResponse:
    if request.method != "POST":
        return render(request, TEMPLATE, {**context, "mode": "join"})
    try:
        member = invitations.accept(invitation, account)
    except AccountError as error:
        return _refuse(request, error.message, 400)
    return _welcome(request, member)


def _accept_new(request: HttpRequest, invitation: Invitation, context: dict) -> HttpResponse:
    initial = {"name": invitation.name, "timezone": invitation.org.timezone}
    if request.method != "POST":
        form = AcceptInvitationForm(email=invitation.email, initial=initial)
        return render(request, TEMPLATE, {**context, "mode": "sign_up", "form": form})
    form = AcceptInvitationForm(request.POST, email=invitation.email, initial=initial)
    if not form.is_valid():
        return render(request, TEMPLATE, {**context, "mode": "sign_up", "form": form}, status=400)
    try:
        member = invitations.accept_as_new_user(
            invitation,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["new_password1"],
            timezone_name=form.cleaned_data["timezone"],
        )
    except AccountError as error:
        return _refuse(request, error.message, 400)
    login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
    return _welcome(request, member)
