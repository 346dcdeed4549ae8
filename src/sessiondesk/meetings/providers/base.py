"""What every meeting provider implements: what the core may ask it, and applying a session's meeting.

The core asks a provider whether it is offered to an organisation, which provider a member prefers,
whether a consultant can host (and how the person saving can fix it when not), what to show on the
session card, and what it adds to ``sessiondesk check`` and the metrics. Applying: a provider turns
a session into a payload and applies it; the reconciler decides which operation is needed (by
diffing payloads) and records each call, unless the provider records its own, and a provider only
talks to its service and classifies its errors.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib import rows
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session

if TYPE_CHECKING:
    from prometheus_client.core import Metric

    from sessiondesk.ops.checks import Finding


@dataclass
class Meeting:
    """A meeting as the provider reports it. ``status`` and ``excerpt`` go to the call log only."""

    external_id: str = ""
    join_url: str = ""
    start_url: str = ""
    passcode: str = ""
    host_label: str = ""
    host_key: str = ""
    host_member_id: int | None = None
    status: int | None = None
    excerpt: str = ""


class ProviderError(Exception):
    """A failed provider call, classified once.

    ``permanent`` errors stop the link (state blocked) until a person acts on ``remedy``;
    transient ones are retried with backoff, no sooner than ``retry_after`` seconds. ``waiting``
    marks a transient error that is a known limit (e.g. a daily quota): the link shows
    state waiting with the remedy until ``retry_after`` has passed. ``awaits_connection`` marks a
    permanent error that connecting (or reconnecting) the host's account fixes: the link is made
    due again when that happens (``meetings.desired.resume_awaiting_connection``).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        remedy: str = "",
        retry_after: float | None = None,
        waiting: bool = False,
        status: int | None = None,
        code: str = "",
        excerpt: str = "",
        awaits_connection: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.remedy = remedy
        self.retry_after = retry_after
        self.waiting = waiting
        self.status = status
        self.code = code
        self.excerpt = excerpt
        self.awaits_connection = awaits_connection
        self.operation = ""  # the call that failed (create, update, …), set by the reconciler for its log


@dataclass(frozen=True)
class HostingGap:
    """Why nobody can host a session's meeting yet, in words for the person saving it.

    ``actor_can_connect``: the person saving can fix it on the way (connect their own account);
    a page may send them to ``connect_url`` instead of refusing."""

    message: str
    actor_can_connect: bool = False


@dataclass(frozen=True)
class Preference:
    """The meeting a member's new online sessions start with: a provider's name and, for "Custom
    link", the link they keep for it."""

    provider: str
    link: str = ""


@dataclass(frozen=True)
class Fix:
    """Where a person can fix a meeting that waits for an account to be connected: the button's
    words and the page it opens."""

    label: str
    url: str


class MeetingProvider:
    name = ""
    label = ""
    # External providers make network calls: the reconciler logs each one as a CallAttempt and
    # stores a create intent before creating (see find()).
    external = True
    # A provider that records every HTTP request it makes as a CallAttempt with the link (one
    # operation may take several, or none): the reconciler then records nothing more.
    records_calls = False
    # The session card: the main button's words ("" for "Start/Join the meeting"), the caption of
    # the host line, and the note under the host's start button.
    open_label = ""
    host_caption = "Meeting host"
    start_note = "You are the host."

    def offered(self, org: Organization) -> bool:
        """Whether people of ``org`` may choose this provider for a session."""
        return True

    def default_for(self, member: Member) -> Preference | None:
        """The meeting ``member`` prefers for their online sessions, when this provider keeps
        members' preferences; None otherwise."""
        return None

    def hosting_gap(self, actor: Member, consultant: Member) -> HostingGap | None:
        """None when ``consultant``'s meeting can be hosted; otherwise what is missing, told to ``actor``."""
        return None

    def connect_url(self, actor: Member, draft: dict[str, Any], return_to: str) -> str:
        """Where ``actor`` connects their account (``HostingGap.actor_can_connect``); ``draft`` comes
        is handed back to ``return_to`` afterwards (``meetings.first_use``)."""
        raise NotImplementedError

    def fix(self, link: MeetingLink, viewer: Member) -> Fix | None:
        """For ``link`` blocked until an account is connected (``awaits_connection``): where ``viewer``
        can connect it, or None when they cannot (the remedy's words then say who can)."""
        return None

    def card_notes(self, session: Session, viewer: Member | None) -> list[str]:
        """Short notes under the session card's meeting block (e.g. changes made inside the service)."""
        return []

    def checks(self, *, contact: bool) -> "list[Finding]":
        """``sessiondesk check``'s findings about this provider (``contact``: may call the service)."""
        return []

    def metrics(self) -> "Iterable[Metric]":
        """Metric families for ``/metrics`` beyond the provider-neutral ones."""
        return []

    def build_payload(self, session: Session) -> dict[str, Any]:
        """The provider's view of the session; equal payloads mean no call is needed."""
        raise NotImplementedError

    def create(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        raise NotImplementedError

    def update(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        """Bring ``link.external_id`` in line with ``payload`` (``link.applied_payload`` is the old one)."""
        raise NotImplementedError

    def delete(self, link: MeetingLink) -> int | None:
        """Remove the meeting; one already gone counts as deleted. Returns the status for the log."""
        raise NotImplementedError

    def sync_registrations(self, link: MeetingLink, payload: dict[str, Any]) -> None:
        """Give each client of the session their own join link where the provider can
        (``meetings.models.Registration``); called after each pass that leaves a meeting in place,
        with the meeting's fields already saved. A provider without registration does nothing."""

    def find(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting | None:
        """Crash-safe creation hook.

        The reconciler commits ``link.create_intent`` (a unique token) and ``link.intent_payload``
        (what the create is sent with) before calling create(). When a later pass finds an intent
        but no ``external_id``, the earlier create may have succeeded before its result was saved;
        the reconciler then calls find() and adopts what it returns instead of creating a second
        meeting. A provider without idempotency keys should tag what it creates with
        ``link.create_intent`` and look for it where ``link.intent_payload`` says it was sent.
        Only a meeting that can serve ``payload`` is returned; one that cannot (made for another
        host, or ``payload`` is empty because no meeting is wanted any more) is deleted here, so
        nothing the intent made is left behind. delete() likewise removes what an unresolved
        intent may have made, besides ``link.external_id``.
        """
        return None


def commit_intent(link: MeetingLink, token: str, payload: dict[str, Any]) -> None:
    """Write ahead, and commit, that a create tagged ``token`` is about to be sent with ``payload``.

    Only while the caller still holds the link's lease: a worker that lost it must not create.
    """
    lease = {"id": link.pk, "lease_owner": link.lease_owner}
    if not rows.update(MeetingLink, lease, create_intent=token, intent_payload=payload):
        raise ProviderError("The worker lost its lease before creating the meeting.", permanent=False)
    link.create_intent, link.intent_payload = token, payload
