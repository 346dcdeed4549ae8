"""The public Zoom guide at /help/zoom/: how to add, use and remove the Zoom app on this instance, the
scopes it asks for, what it keeps and whom to ask. Zoom's Marketplace review asks every app for such a
page ("Documentation URL"); its facts come from the code and settings, so it cannot drift from them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from sessiondesk.integrations.zoom.connection import oauth, scopes, zoom_app
from sessiondesk.integrations.zoom.meetings.policy import policy_of
from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind, MeetingPolicy

# The columns of the scope table: each connect flow and the Zoom administration mode it asks for.
FLOWS = (
    ("personal", "Personal", ConnectionKind.PERSONAL, AdminMode.READ_WRITE),
    ("org-read-write", "Organisation, Read/Write", ConnectionKind.ORGANIZATION, AdminMode.READ_WRITE),
    ("org-read-only", "Organisation, Read-only", ConnectionKind.ORGANIZATION, AdminMode.READ_ONLY),
)


@dataclass
class ScopeRow:
    scope: str
    classic: tuple[str, ...]
    purpose: str
    flows: list[bool]


def scope_rows(optional: bool = False) -> list[ScopeRow]:
    """One row per scope any flow needs (or, ``optional``, asks for without needing), in the order
    the flows list them, ticked per flow."""
    rows: dict[str, ScopeRow] = {}
    for column, (_key, _label, kind, mode) in enumerate(FLOWS):
        for need in scopes.optional(kind) if optional else scopes.needed(kind, mode):
            row = rows.setdefault(
                need.name, ScopeRow(need.name, need.scopes[1:], need.purpose, [False] * len(FLOWS))
            )
            row.flows[column] = True
    return list(rows.values())


def _policy(request: HttpRequest) -> tuple[MeetingPolicy, bool]:
    """The visitor's organisation's policy when signed in, else the defaults every organisation starts with."""
    org = getattr(request, "org", None)
    if org is not None:
        return policy_of(org), True
    return MeetingPolicy(), False


@require_safe
def zoom_guide(request: HttpRequest) -> HttpResponse:
    policy, own = _policy(request)
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "zoom_on": zoom_app.enabled(),
        "personal_on": bool(settings.ZOOM_CLIENT_ID),
        "organization_on": bool(settings.ZOOM_ORG_CLIENT_ID),
        "read_only_app": zoom_app.read_only_configured(),
        "flows": [{"key": key, "label": label} for key, label, _kind, _mode in FLOWS],
        "scope_rows": scope_rows(),
        "optional_rows": scope_rows(optional=True),
        "policy": policy,
        "policy_is_own": own,
        "guide_url": settings.SITE_URL + reverse("zoom_guide"),
        "support_email": settings.SUPPORT_EMAIL,
        "horizon_days": settings.MEETING_HORIZON_DAYS,
        "call_log_days": settings.CALL_LOG_RETENTION_DAYS,
        "event_days": settings.ZOOM_EVENT_RETENTION_DAYS,
        "data_compliance": settings.ZOOM_DATA_COMPLIANCE,
        "reconnect_minutes": int(oauth.STATE_TTL.total_seconds() // 60),
    }
    return render(request, "zoom/guide.html", context)
