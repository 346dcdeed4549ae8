"""What the core asks the Zoom provider: whether Zoom is offered, a member's preferred platform,
whether a consultant can host (and connecting on first use when the person saving can fix it), the
card's wording, and Zoom's contributions to ``sessiondesk check`` and ``/metrics``.

A consultant who saves an online Zoom session for themselves without any way to host it is sent to
Zoom; the form they filled in travels in the OAuth attempt (``OAuthState.draft``) and comes back to
the page that sent them (``meetings.first_use``). Saving one for another consultant who cannot host
it is refused at once.
"""

from collections.abc import Iterable
from typing import Any

from prometheus_client.core import Metric

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom import checks, metrics
from sessiondesk.integrations.zoom.connection import actions, oauth, zoom_app
from sessiondesk.integrations.zoom.meetings.notes import inside_zoom_notes
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from sessiondesk.integrations.zoom.pages.settings_card import settings_at
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers import Fix, HostingGap, MeetingProvider, Preference
from sessiondesk.ops.checks import Finding
from sessiondesk.scheduling.models import Session

CONNECT_FIRST = "Connect Zoom first (Settings → Meeting Preferences), then save again."


class ZoomAnswers(MeetingProvider):
    open_label = "Open Zoom"
    host_caption = "Zoom host"
    start_note = "Starts the meeting as its host; only you see this button."

    def offered(self, org: Organization) -> bool:
        # Whenever an app is configured: the organisation's account or a personal connection (which
        # any member may make, on first use) can then host.
        return zoom_app.enabled()

    def default_for(self, member: Member) -> Preference | None:
        preference = actions.platform_of(member)
        return Preference(preference.platform, preference.custom_url)

    def hosting_gap(self, actor: Member, consultant: Member) -> HostingGap | None:
        live = ZoomConnection.objects.filter(org=consultant.org, status=ConnectionStatus.ACTIVE)
        if live.filter(kind=ConnectionKind.ORGANIZATION).exists():
            return None
        if live.filter(kind=ConnectionKind.PERSONAL, member=consultant).exists():
            return None
        if consultant.pk == actor.pk and oauth.may_connect(actor, ConnectionKind.PERSONAL):
            return HostingGap(CONNECT_FIRST, actor_can_connect=True)
        return HostingGap(f"{consultant.name} must connect Zoom first.")

    def connect_url(self, actor: Member, draft: dict[str, Any], return_to: str) -> str:
        return oauth.start(actor, ConnectionKind.PERSONAL, return_to=return_to, draft=draft)

    def fix(self, link: MeetingLink, viewer: Member) -> Fix | None:
        # The consultant connects their own account; else an owner or admin the organisation's,
        # which then hosts every consultant's meetings.
        session = link.session
        if session.consultant_id == viewer.pk and oauth.may_connect(viewer, ConnectionKind.PERSONAL):
            again = actions.active_connection(viewer, ConnectionKind.PERSONAL) is not None
            return Fix("Reconnect Zoom" if again else "Connect Zoom", settings_at("zoom-personal"))
        if oauth.may_connect(viewer, ConnectionKind.ORGANIZATION):
            again = actions.active_connection(viewer, ConnectionKind.ORGANIZATION) is not None
            # The settings card's own words for the organisation's account.
            label = "Reconnect organisation Zoom account" if again else "Connect organisation Zoom account"
            return Fix(label, settings_at("zoom-organization"))
        return None

    def card_notes(self, session: Session, viewer: Member | None) -> list[str]:
        return inside_zoom_notes(session, viewer)

    def checks(self, *, contact: bool) -> list[Finding]:
        return checks.findings(contact=contact)

    def metrics(self) -> Iterable[Metric]:
        return metrics.collect()
