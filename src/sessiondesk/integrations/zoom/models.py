"""Zoom connections: who connected which Zoom user, and the encrypted token set (its own table, so
disconnecting deletes the tokens instead of blanking them)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.crypto import EncryptedTextField


class ConnectionKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    ORGANIZATION = "organization", "Organization"


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"
    REVOKED = "revoked", "Revoked"


class AdminMode(models.TextChoices):
    READ_WRITE = "read_write", "Read/Write"
    READ_ONLY = "read_only", "Read-only"


class ZoomConnection(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="zoom_connections")
    # Personal: the member whose Zoom it is. Organization: the admin who connected it.
    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="zoom_connections")
    kind = models.CharField(max_length=20, choices=ConnectionKind.choices)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    admin_mode = models.CharField(max_length=20, choices=AdminMode.choices, default=AdminMode.READ_WRITE)
    zoom_user_id = models.CharField(max_length=64)
    zoom_account_id = models.CharField(max_length=64)
    zoom_email = models.EmailField()
    zoom_role = models.CharField(max_length=64, blank=True)
    # Zoom's user type of the connected user (1 Basic, 2 Licensed, …); None on rows made before it was kept.
    zoom_user_type = models.IntegerField(null=True, blank=True)
    granted_scopes = models.TextField(blank=True)  # space-separated, as Zoom's token response gives them
    # The Zoom app that issued the tokens (refresh and revoke go to that app); empty on older rows.
    client_id = models.CharField(max_length=200, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    remedy = models.TextField(blank=True)
    broken_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One Zoom user is linked to one SessionDesk member at a time.
            models.UniqueConstraint(
                fields=["zoom_user_id"],
                condition=Q(kind="personal") & ~Q(status="revoked"),
                name="zoom_user_linked_once",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind="personal") & ~Q(status="revoked"),
                name="one_personal_zoom_per_member",
            ),
            models.UniqueConstraint(
                fields=["org"],
                condition=Q(kind="organization") & ~Q(status="revoked"),
                name="one_org_zoom_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"Zoom {self.kind} {self.zoom_email} ({self.status})"

    @property
    def scopes(self) -> set[str]:
        return set(self.granted_scopes.split())


class ZoomTokenSet(models.Model):
    """The connection's OAuth tokens, encrypted at rest. Deleted on disconnect or deauthorisation."""

    connection = models.OneToOneField(ZoomConnection, on_delete=models.CASCADE, related_name="tokens")
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    expires_at = models.DateTimeField()
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"tokens of connection {self.connection_id}"


class OAuthState(models.Model):
    """One authorisation attempt: single use, ten minutes, bound to the member who started it."""

    state_hash = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ConnectionKind.choices)
    admin_mode = models.CharField(max_length=20, choices=AdminMode.choices, default=AdminMode.READ_WRITE)
    code_verifier = EncryptedTextField()
    return_to = models.CharField(max_length=500, blank=True)
    draft = models.JSONField(null=True, blank=True)  # a session form kept while the person is at Zoom
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"OAuth state for {self.member_id}"


class WebhookEvent(models.Model):
    """A Zoom webhook received: kept to ignore duplicates and to process slow work in the worker."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    event = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.dedupe_key}"


class MeetingPreference(models.Model):
    """A member's choice of meeting platform for their online sessions (Settings → Meeting Preferences)."""

    PLATFORMS = [("zoom", "Zoom"), ("custom", "Custom link"), ("none", "No online meeting")]

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="meeting_preference")
    platform = models.CharField(max_length=20, choices=PLATFORMS, default="zoom")
    custom_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.platform}"


class WhenDeletedInZoom(models.TextChoices):
    RECREATE = "recreate", "Recreate it and send attendees the new link"
    FLAG = "flag", "Flag the session for someone to decide"


class SweepCursor(models.Model):
    """Where the periodic comparison with Zoom stopped, so each pass checks the next few links."""

    name = models.CharField(max_length=50, unique=True)
    last_link_id = models.BigIntegerField(default=0)
    next_run_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} after link {self.last_link_id}"


class AutoRecording(models.TextChoices):
    NONE = "none", "No recording"
    LOCAL = "local", "On the host's computer"
    CLOUD = "cloud", "In the Zoom cloud"


class MeetingPolicy(models.Model):
    """The organisation's settings for every Zoom meeting SessionDesk creates (defaults: Zoom's safe ones)."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="zoom_meeting_policy")
    waiting_room = models.BooleanField(default=True)
    join_before_host = models.BooleanField(default=False)
    # Zoom registration: each client gets their own join link (needs a licensed host).
    personal_links = models.BooleanField(default=True)
    auto_recording = models.CharField(
        max_length=10, choices=AutoRecording.choices, default=AutoRecording.NONE
    )
    # What to do when someone deletes a live session's meeting inside Zoom (meeting.deleted or the sweep).
    when_deleted_in_zoom = models.CharField(
        max_length=20, choices=WhenDeletedInZoom.choices, default=WhenDeletedInZoom.RECREATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Zoom meeting policy of {self.org_id}"


class HostDailyLedger(models.Model):
    """Meeting create/update calls charged to one Zoom host on one UTC day (Zoom allows 100)."""

    zoom_user_id = models.CharField(max_length=64)
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zoom_user_id", "day"], name="one_ledger_per_host_day")
        ]

    def __str__(self) -> str:
        return f"{self.zoom_user_id} {self.day}: {self.used}"


class AccountPace(models.Model):
    """The next free call slot of one Zoom account, shared by every worker process."""

    zoom_account_id = models.CharField(max_length=64, unique=True)
    next_slot_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.zoom_account_id} next at {self.next_slot_at}"
