"""The "Meeting Preferences" card on Settings: platform choice and the Zoom panel (Personal / Organization)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import actions, oauth, scopes, zoom_app
from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind, ConnectionStatus, ZoomConnection
from sessiondesk.integrations.zoom.pages.forms import PreferenceForm

TABS = ("zoom-personal", "zoom-organization")
ANCHOR = "meeting-preferences"  # the card's id; the Zoom pages come back to it with their messages


def settings_at(tab: str = "") -> str:
    """The settings page opened at this card, which then shows the page's messages inside it."""
    query = f"?tab={tab}&at={ANCHOR}" if tab else f"?at={ANCHOR}"
    return reverse("settings") + query + f"#{ANCHOR}"


def card_context(request: HttpRequest) -> dict[str, Any] | None:
    member: Member | None = getattr(request, "member", None)
    if member is None:
        return None
    zoom = zoom_app.enabled()
    preference = actions.platform_of(member)
    form = getattr(request, "zoom_preference_form", None) or PreferenceForm(
        initial={"platform": preference.platform, "custom_url": preference.custom_url}, zoom=zoom
    )
    context: dict[str, Any] = {"form": form, "zoom": zoom}
    if zoom:
        context.update(_zoom_panel(request, member))
    return context


def _zoom_panel(request: HttpRequest, member: Member) -> dict[str, Any]:
    personal = actions.active_connection(member, ConnectionKind.PERSONAL)
    organization = actions.active_connection(member, ConnectionKind.ORGANIZATION)
    tab = request.GET.get("tab", "")
    links = []
    if member.is_admin:
        links = list(
            ZoomConnection.objects.filter(org=member.org, kind=ConnectionKind.PERSONAL)
            .exclude(status=ConnectionStatus.REVOKED)
            .select_related("member__user")
            .order_by("zoom_email")
        )
    return {
        "personal": personal,
        "organization": organization,
        "org_active": organization is not None and organization.status == ConnectionStatus.ACTIVE,
        "may_connect_personal": oauth.may_connect(member, ConnectionKind.PERSONAL),
        "personal_refusal": oauth.refusal_for(member, ConnectionKind.PERSONAL),
        "may_connect_org": oauth.may_connect(member, ConnectionKind.ORGANIZATION),
        "read_only_app": zoom_app.read_only_configured(),
        "org_writes_held": (
            scopes.granted_writes(organization.scopes)
            if organization is not None and organization.admin_mode == AdminMode.READ_ONLY
            else []
        ),
        "write_scopes": [need.name for need in scopes.ORGANIZATION_WRITE],
        "links": links,
        "tab": tab if tab in TABS else TABS[0],
        "open": bool(tab),
    }
