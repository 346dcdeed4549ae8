"""What people see of a session's meeting: the block on the session card, and the join details for
emails, invites, the client portal and the API (which never carry the host's start URL)."""

import zoneinfo
from dataclasses import dataclass

from sessiondesk.accounts.models import Member
from sessiondesk.lib.zones import zone_name
from sessiondesk.meetings import providers, registrations
from sessiondesk.meetings.desired import wanted_provider
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Client, Provider, Session

POLL_SECONDS = {"creating": 1, "updating": 1, "waiting": 30}


@dataclass
class MeetingBlock:
    # none, in_person, cancelled, creating, updating, ready, failed, waiting
    kind: str
    provider_label: str = ""
    join_url: str = ""
    start_url: str = ""  # only ever filled for the meeting's host
    passcode: str = ""
    host_label: str = ""
    starts_at: str = ""  # in the viewer's time zone, zone named
    location: str = ""
    error: str = ""
    remedy: str = ""
    retrying: bool = False  # the last try failed transiently; another follows automatically
    provider: str = ""  # the provider's key
    # The provider's own words (``MeetingProvider.open_label``, ``host_caption``, ``start_note``).
    provider_open_label: str = ""
    host_caption: str = "Meeting host"
    start_note: str = "You are the host."

    @property
    def has_details(self) -> bool:
        return bool(self.join_url)

    @property
    def poll_seconds(self) -> int | None:
        return 5 if self.retrying else POLL_SECONDS.get(self.kind)

    @property
    def open_label(self) -> str:
        """The main button: the provider's own wording, or else whether it starts or joins."""
        if self.provider_open_label:
            return self.provider_open_label
        return "Start the meeting" if self.start_url else "Join the meeting"

    @property
    def open_url(self) -> str:
        # The host's button starts the meeting (start URL); everyone else's joins it.
        return self.start_url or self.join_url

    @property
    def can_retry(self) -> bool:
        return self.retrying or self.kind in ("failed", "waiting")


@dataclass
class JoinDetails:
    join_url: str
    passcode: str = ""
    host_label: str = ""


def current_link(session: Session) -> MeetingLink | None:
    """The link of the session's current provider (uses a prefetched ``meeting_links`` if present)."""
    return next((link for link in session.meeting_links.all() if link.provider == session.provider), None)


def link_comes_later(session: Session) -> bool:
    """Whether the session's meeting is not being made now: its link waits for a person to act
    (blocked), for a limit or for its creation date (waiting). Attendees get it by email once made."""
    link = current_link(session)
    return link is not None and link.state in (LinkState.BLOCKED, LinkState.WAITING)


def join_details(session: Session, client: Client | None = None) -> JoinDetails | None:
    """The join link for attendees once it exists, or None (no meeting, or not created yet). For a
    ``client`` with their own link, that link; None while it is being made."""
    if wanted_provider(session) is None:
        return None
    link = current_link(session)
    if client is not None:
        personal = registrations.personal_links([session], client).get(session.pk)
        if personal is not None:
            if not personal.url:
                return None
            return JoinDetails(personal.url, link.passcode if link else "", link.host_label if link else "")
    if link is not None and link.join_url:
        return JoinDetails(link.join_url, link.passcode, link.host_label)
    if session.provider == Provider.CUSTOM and session.custom_meeting_url:
        return JoinDetails(session.custom_meeting_url)  # known as soon as it is typed
    return None


def block_for(session: Session, viewer: Member | None) -> MeetingBlock:
    if session.is_cancelled:
        return MeetingBlock("cancelled")
    if not session.is_online:
        return MeetingBlock("in_person", location=session.location)
    if wanted_provider(session) is None:
        return MeetingBlock("none")
    provider = providers.get(session.provider)
    block = MeetingBlock(
        "creating",
        provider_label=provider.label if provider else session.get_provider_display(),
        provider=session.provider,
    )
    if provider is not None:
        block.provider_open_label = provider.open_label
        block.host_caption, block.start_note = provider.host_caption, provider.start_note
    block.starts_at = _local(session, viewer)
    link = current_link(session)
    _fill(block, session, link, viewer)
    if link is None or link.state == LinkState.PENDING:
        block.kind = "updating" if block.has_details else "creating"
        if link is not None and link.attempts:
            block.retrying, block.error, block.remedy = True, link.last_error, link.remedy
    elif link.state == LinkState.BLOCKED:
        block.kind, block.error, block.remedy = "failed", link.last_error, link.remedy
    elif link.state == LinkState.WAITING:
        block.kind, block.error, block.remedy = "waiting", link.last_error, link.remedy
    else:
        block.kind = "ready" if block.has_details else "creating"
    return block


def _fill(block: MeetingBlock, session: Session, link: MeetingLink | None, viewer: Member | None) -> None:
    details = join_details(session)
    if details is None:
        return
    block.join_url, block.passcode, block.host_label = details.join_url, details.passcode, details.host_label
    if link is not None and link.start_url and viewer is not None and is_host(link, viewer):
        block.start_url = link.start_url


def is_host(link: MeetingLink, viewer: Member) -> bool:
    host_id = link.host_member_id if link.host_member_id is not None else link.session.consultant_id
    return host_id == viewer.pk


def _local(session: Session, viewer: Member | None) -> str:
    tz_name = viewer.timezone if viewer is not None else session.org.timezone
    local = session.start.astimezone(zoneinfo.ZoneInfo(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone_name(tz_name)})"


def card_fix(session: Session, block: MeetingBlock, viewer: Member | None) -> providers.Fix | None:
    """Where the viewer can fix a meeting that waits for an account to be connected, if they can."""
    if block.kind != "failed" or viewer is None:
        return None
    link = current_link(session)
    provider = providers.get(session.provider)
    if link is None or not link.awaits_connection or provider is None:
        return None
    return provider.fix(link, viewer)


def card_notes(session: Session, viewer: Member | None) -> list[str]:
    """The provider's notes under the meeting block (none for a cancelled session)."""
    provider = providers.get(session.provider)
    if provider is None or session.is_cancelled:
        return []
    return provider.card_notes(session, viewer)
