"""The settings page: the person's profile and password, the organisation (admins), API tokens."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sessiondesk.accounts import actions, audit, settings_cards, tokens
from sessiondesk.accounts.decorators import admin_required, member_required
from sessiondesk.accounts.forms import (
    ApiTokenForm,
    OrganizationForm,
    ProfileForm,
    SettingsPasswordChangeForm,
)
from sessiondesk.accounts.views.helpers import current_member


def render_settings(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    me = current_member(request)
    cards = settings_cards.cards_for(request)
    context = {
        "profile_form": ProfileForm.for_user(me.user),
        "password_form": SettingsPasswordChangeForm(me.user),
        "org_form": OrganizationForm.for_org(me.org) if me.is_admin else None,
        "token_form": ApiTokenForm(),
        "tokens": me.api_tokens.order_by("-created_at"),
        "extra_cards": cards,
        "messages_at": settings_cards.messages_at(request, cards),
        **forms,
    }
    return render(request, "accounts/settings.html", context, status=status)


@member_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return render_settings(request)


@member_required
@require_POST
def settings_profile(request: HttpRequest) -> HttpResponse:
    me = current_member(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return render_settings(request, 400, profile_form=form)
    actions.update_profile(me, name=form.cleaned_data["name"], timezone=form.cleaned_data["timezone"])
    messages.success(request, "Your profile was saved.")
    return redirect("settings")


@member_required
@require_POST
def settings_password(request: HttpRequest) -> HttpResponse:
    me = current_member(request)
    form = SettingsPasswordChangeForm(me.user, request.POST)
    if not form.is_valid():
        return render_settings(request, 400, password_form=form)
    with transaction.atomic():
        form.save()
        audit.record(me.org, me, "member.password_changed", me)
    update_session_auth_hash(request, form.user)
    messages.success(request, "Your password was changed.")
    return redirect("settings")


@admin_required
@require_POST
def settings_organization(request: HttpRequest) -> HttpResponse:
    me = current_member(request)
    form = OrganizationForm(request.POST)
    if not form.is_valid():
        return render_settings(request, 400, org_form=form)
    actions.update_organization(me, name=form.cleaned_data["name"], timezone=form.cleaned_data["timezone"])
    messages.success(request, "The organisation settings were saved.")
    return redirect("settings")


@member_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render_settings(request, 400, token_form=form)
    token, raw = tokens.create_token(current_member(request), form.cleaned_data["name"])
    # Rendered, not redirected: the raw value exists only in this response.
    return render_settings(request, new_token=token, new_token_raw=raw)


@member_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not tokens.revoke_token(current_member(request), pk):
        raise Http404
    messages.success(request, "The API token was revoked; programs using it can no longer sign in.")
    return redirect("settings")
