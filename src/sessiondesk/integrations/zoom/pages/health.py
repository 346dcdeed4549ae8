"""The admin's Integration health page: every Zoom connection of the organisation, the meeting sync's
backlog and recent failures, the meetings of series scheduled for creation later, Zoom's daily limit
per host, two small charts (``health_figures``), and the URLs to register in the Zoom Marketplace."""

import zoneinfo

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.meetings import ledger
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection
from sessiondesk.integrations.zoom.pages import health_figures as figures

BADGES = {
    ConnectionStatus.ACTIVE: "badge-ok",
    ConnectionStatus.NEEDS_RECONNECT: "badge-warn",
    ConnectionStatus.REVOKED: "badge-bad",
}


def connections(org: Organization) -> QuerySet[ZoomConnection]:
    return (
        ZoomConnection.objects.filter(org=org)
        .select_related("member__user")
        .order_by("kind", "status", "zoom_email", "pk")
    )


def marketplace_urls() -> dict[str, str]:
    """The addresses Zoom's app must be given: public ones, from ``SITE_URL`` as the redirect URL is,
    whatever address the admin reads the page at."""
    return {
        "redirect_url": settings.ZOOM_REDIRECT_URL,
        "webhook_url": settings.SITE_URL + reverse("zoom_webhook"),
        "guide_url": settings.SITE_URL + reverse("zoom_guide"),
    }


@admin_required
def health_page(request: HttpRequest) -> HttpResponse:
    org: Organization = request.org  # type: ignore[attr-defined]
    viewer_tz = zoneinfo.ZoneInfo(request.member.timezone)  # type: ignore[attr-defined]
    now = timezone.now()
    rows = [(c, BADGES[ConnectionStatus(c.status)], sorted(c.scopes)) for c in connections(org)]
    for connection, _, _ in rows:
        # Connected before SessionDesk asked for them: its sessions keep the shared link until reconnected.
        connection.lacking_registration = scopes.registration_missing(  # type: ignore[attr-defined]
            connection.kind, connection.scopes
        )
        connection.lacking_reports = scopes.attendance_missing(  # type: ignore[attr-defined]
            connection.kind, connection.scopes
        )
    backlog = figures.backlog(org, now)
    context = {
        "rows": rows,
        "backlog": backlog,
        "failures": figures.recent_failures(org),
        "creations": figures.scheduled_creations(org, viewer_tz),
        "horizon_days": settings.MEETING_HORIZON_DAYS,
        "usage": figures.daily_usage(org, now),
        "daily_limit": ledger.limit(),
        "sessions_chart": figures.sessions_per_week(org, now),
        "calls_chart": figures.zoom_calls_per_day(org, now),
        "call_days": figures.CALL_DAYS,
        **marketplace_urls(),
    }
    return render(request, "zoom/health.html", context)
