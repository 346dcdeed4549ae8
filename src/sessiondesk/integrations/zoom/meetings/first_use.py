"""Zoom in the session forms: whether to offer it, the member's default, and connecting on first use.

A consultant who saves an online Zoom session for themselves without any way to host it is sent to
Zoom; the form they filled in travels in the OAuth attempt (``OAuthState.draft``) and is saved
when they come back. Saving one for another consultant who cannot host it is refused at once.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom.connection import actions, oauth, zoom_app
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection

SELF = "self"  # the person saving must connect their own Zoom first
OTHER = "other"  # the consultant chosen must connect; nothing can be saved now


def zoom_available(org: Organization) -> bool:
    """Zoom is offered whenever an app is configured: the organisation's account or a personal
    connection (which any member may make, on first use) can then host."""
    return zoom_app.enabled()


def default_provider(member: Member) -> str:
    platform = actions.platform_of(member).platform
    if platform == "zoom" and not zoom_available(member.org):
        return "none"
    return platform


def missing_connection(actor: Member, consultant: Member) -> str | None:
    """None when the consultant's Zoom meeting has a host; else who must connect (SELF or OTHER)."""
    live = ZoomConnection.objects.filter(org=consultant.org, status=ConnectionStatus.ACTIVE)
    if live.filter(kind=ConnectionKind.ORGANIZATION).exists():
        return None
    if live.filter(kind=ConnectionKind.PERSONAL, member=consultant).exists():
        return None
    if consultant.pk == actor.pk and oauth.may_connect(actor, ConnectionKind.PERSONAL):
        return SELF
    return OTHER


def send_to_zoom(member: Member, form_data: QueryDict) -> str:
    """Start the personal connection, keeping the filled-in form; returns Zoom's authorisation URL."""
    draft = {k: form_data.getlist(k) for k in form_data if k != "csrfmiddlewaretoken"}
    return oauth.start(
        member, ConnectionKind.PERSONAL, return_to=reverse("session_create"), draft={"session_form": draft}
    )


def resume(request: HttpRequest, member: Member, draft: dict[str, Any]) -> HttpResponse | None:
    """Back from Zoom with a kept session form: save it now (None when the draft is not a session form)."""
    fields = draft.get("session_form")
    if not isinstance(fields, dict):
        return None
    from sessiondesk.scheduling.views.sessions import save_new_session

    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(key, [str(v) for v in values])
    return save_new_session(request, member, data)
