from django.db import models
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.models import Client, Session


class EmailState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Decided at send time: nothing the person needs (e.g. a booking cancelled before its email went).
    SKIPPED = "skipped", "Skipped"


class OutboundEmail(models.Model):
    """An email to send: a row first, the SMTP call second (by the worker)."""

    org = models.ForeignKey(Organization, null=True, on_delete=models.CASCADE, related_name="+")
    # No index of its own: the index on (session, to) starts with it.
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails", db_index=False
    )
    kind = models.CharField(max_length=40)
    # Session emails name their recipient so the body is rendered at send time in their time zone.
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Event details (previous start) and, once sent, what the email showed (see notifications.content).
    context = models.JSONField(default=dict, blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=EmailState.choices, default=EmailState.PENDING)
    # An email may wait briefly for the meeting link before it goes (see notifications docs). No
    # index of its own: the due emails are read through the index on (state, not_before).
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "not_before"]), models.Index(fields=["session", "to"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"


class MailboxMessage(models.Model):
    """A delivered email kept for the development mailbox page (DEV_MAILBOX, on in `sessiondesk up`)."""

    # Set from the sender's headers: members see only their organisation's emails, and only owners and
    # admins see those that are not about a session they may see (notifications.mailbox_views.visible).
    org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to = models.TextField()
    from_email = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    raw = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
