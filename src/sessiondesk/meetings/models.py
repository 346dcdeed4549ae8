from typing import Any

from django.db import models
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.models import Client, Session


class LinkState(models.TextChoices):
    PENDING = "pending", "Pending"  # desired_version > applied_version: the worker has work to do
    ACTIVE = "active", "Active"  # a meeting exists and matches the session
    DELETED = "deleted", "Deleted"  # the session needs no meeting and none exists
    BLOCKED = "blocked", "Blocked"  # a permanent failure; waits for a person (see remedy)
    WAITING = "waiting", "Waiting"  # not yet: see MeetingLink.waiting_for


class WaitReason(models.TextChoices):
    """Why a waiting link waits: a limit (e.g. Zoom's daily limit) or the planned creation date of a
    later occurrence of a series (``meetings.horizon``), which is no failure."""

    LIMIT = "limit", "A limit"
    HORIZON = "horizon", "Its creation date"


# States the Integration health page counts: the links that still need work or a person.
UNSETTLED = [LinkState.PENDING, LinkState.WAITING, LinkState.BLOCKED]


class MeetingLink(models.Model):
    """The desired and applied state of one session's online meeting with one provider.

    Every change to a session bumps ``desired_version`` in the transaction that made it; the
    reconciler claims due links with a lease and brings the provider in line.
    """

    # No index of its own: the unique (session, provider) starts with it.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="meeting_links", db_index=False
    )
    # The session's organisation, kept on the link so an organisation's figures (Integration health)
    # read its links without joining a year of sessions; filled from the session when saved. No
    # index of its own: the index on (org, state) starts with it.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    provider = models.CharField(max_length=20)
    desired_version = models.PositiveIntegerField(default=1)
    applied_version = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=LinkState.choices, default=LinkState.PENDING)
    external_id = models.CharField(max_length=100, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    start_url = models.URLField(max_length=2000, blank=True)
    passcode = models.CharField(max_length=40, blank=True)
    host_label = models.CharField(max_length=200, blank=True)
    host_key = models.CharField(max_length=200, blank=True)
    # The member who may start the meeting (sees the start URL); None means the session's consultant.
    host_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written and committed before a create call; a later pass that finds it set without an
    # external_id asks the provider to look the meeting up (Provider.find) before creating again.
    create_intent = models.CharField(max_length=64, blank=True)
    # The payload the create behind ``create_intent`` was sent with: where (which host) to look for
    # the meeting it may have made, even after the session moved to another host or was cancelled.
    intent_payload = models.JSONField(null=True, blank=True)
    applied_payload = models.JSONField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    remedy = models.TextField(blank=True)
    # Blocked only until the host's account is connected (see ProviderError.awaits_connection).
    awaits_connection = models.BooleanField(default=False)
    # Why the link waits; read only while the state is WAITING.
    waiting_for = models.CharField(max_length=20, choices=WaitReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "provider"], name="one_link_per_session_provider")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["updated_at"]),  # the meetings changed today (Zoom's daily limit)
            models.Index(fields=["org", "state"]),  # an organisation's unsettled links
        ]

    def __str__(self) -> str:
        return f"{self.provider} meeting for session {self.session_id} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.org_id is None:
            self.org_id = self.session.org_id
        super().save(*args, **kwargs)

    @property
    def is_dirty(self) -> bool:
        return self.desired_version > self.applied_version


class CallAttempt(models.Model):
    """One call to a meeting provider, kept so support can answer "what did we send and what came back"."""

    link = models.ForeignKey(MeetingLink, null=True, on_delete=models.SET_NULL, related_name="attempts_log")
    provider = models.CharField(max_length=20)
    operation = models.CharField(max_length=40)
    status = models.IntegerField(null=True)
    provider_code = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20)  # ok, transient, permanent
    duration_ms = models.PositiveIntegerField(default=0)
    excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.operation} → {self.status}"


class RegistrationState(models.TextChoices):
    PENDING = "pending", "Registering"  # the worker registers (or re-registers) the client
    REGISTERED = "registered", "Own link"  # registrant_id and join_url belong to meeting_id
    CANCELLED = "cancelled", "Cancelled"  # the client left the session; the registration was cancelled
    SHARED = "shared", "Shared link"  # the client uses the session's shared link (see reason)


class Registration(models.Model):
    """One client's registration for one session's meeting: their own join link.

    The worker keeps these in line with the session's clients after each meeting pass
    (``MeetingProvider.sync_registrations``). ``intent`` is the meeting id a registration call is
    about to be sent for, committed before the call: a later pass that finds it set without a
    registrant looks the registrant up at the provider instead of registering again.
    """

    # No index of its own: the unique (session, client) starts with it.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="registrations")
    state = models.CharField(
        max_length=20, choices=RegistrationState.choices, default=RegistrationState.PENDING
    )
    registrant_id = models.CharField(max_length=100, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    # The provider's meeting the registrant belongs to: a new meeting (another host) needs a new one.
    meeting_id = models.CharField(max_length=100, blank=True)
    intent = models.CharField(max_length=100, blank=True)
    # Why the client has the shared link (state shared), or the last failure.
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="one_registration_per_session_client")
        ]
        indexes = [models.Index(fields=["session", "registrant_id"])]

    def __str__(self) -> str:
        return f"registration of client {self.client_id} for session {self.session_id} ({self.state})"
