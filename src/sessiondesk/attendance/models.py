"""What happened at each session: its outcome, who came, when and for how long.

Provider-neutral: a meeting provider reports what it saw (``record``), as it saw it (webhooks) and
then as its own report says (which wins); staff corrections are never overwritten by either.
"""

from django.db import models
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.models import Client, Session


class Outcome(models.TextChoices):
    PENDING = "", "Not yet"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CLIENT_NO_SHOW = "client_no_show", "Client no-show"
    CONSULTANT_NO_SHOW = "consultant_no_show", "Consultant no-show"
    DID_NOT_TAKE_PLACE = "did_not_take_place", "Did not take place"


NO_SHOWS = (Outcome.CLIENT_NO_SHOW, Outcome.CONSULTANT_NO_SHOW)


class Source(models.TextChoices):
    WEBHOOK = "webhook", "live events"
    REPORT = "report", "the provider's report"
    STAFF = "staff", "staff"


class ReportState(models.TextChoices):
    NONE = "", "Not needed yet"
    DUE = "due", "To read"
    DONE = "done", "Read"
    UNAVAILABLE = "unavailable", "Unavailable"


class Kind(models.TextChoices):
    CLIENT = "client", "Client"
    HOST = "host", "Consultant"
    GUEST = "guest", "Guest"


class AttendancePolicy(models.Model):
    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="attendance_policy")
    # Minutes after the start before a session nobody opened is marked "did not take place".
    grace_minutes = models.PositiveIntegerField(default=10)
    email_staff_on_no_show = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"attendance policy of {self.org}"


def policy_of(org: Organization) -> AttendancePolicy:
    found = AttendancePolicy.objects.filter(org=org).first()
    return found or AttendancePolicy(org=org)


class SessionAttendance(models.Model):
    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, primary_key=True, related_name="attendance"
    )
    # No index of its own: the index on (org, outcome) starts with it.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # A staff correction: later data from the provider never changes the outcome again.
    outcome_corrected = models.BooleanField(default=False)
    corrected_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_note = models.CharField(max_length=300, blank=True)
    # The provider's name for this run of the meeting (Zoom: the instance UUID).
    instance_id = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    report_state = models.CharField(max_length=20, choices=ReportState.choices, blank=True)
    report_due_at = models.DateTimeField(null=True, blank=True)
    report_attempts = models.PositiveIntegerField(default=0)
    report_note = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    no_show_notified = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["report_state", "report_due_at"], name="attendance_report_due"),
            models.Index(fields=["org", "outcome"], name="attendance_org_outcome"),
        ]

    def __str__(self) -> str:
        return f"attendance of session {self.session_id}: {self.outcome or 'pending'}"


class Segment(models.Model):
    """One stay in the meeting (a join and its leave) as a source saw it. Rejoins are new rows."""

    # No index of its own: segment_by_participant starts with it.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+", db_index=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    # The provider's id of this participant in this meeting (stays the same over rejoins).
    participant = models.CharField(max_length=100)
    person_key = models.CharField(max_length=120)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    registrant_id = models.CharField(max_length=100, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["session", "source", "participant"], name="segment_by_participant")]

    def __str__(self) -> str:
        return f"{self.name} {self.joined_at}–{self.left_at}"


class Attendee(models.Model):
    """A person's attendance at a session: a client, the consultant (or a co-host), or a guest."""

    # session and client have no index of their own: attendee_unique_per_session and
    # attendee_client start with them.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees", db_index=False)
    person_key = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    seconds_present = models.PositiveIntegerField(default=0)
    late_seconds = models.PositiveIntegerField(default=0)
    in_meeting = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.WEBHOOK)
    corrected = models.BooleanField(default=False)
    corrected_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person_key"], name="attendee_unique_per_session")
        ]
        indexes = [models.Index(fields=["client", "session"], name="attendee_client")]

    def __str__(self) -> str:
        return f"{self.name} at session {self.session_id}"

    @property
    def present(self) -> bool:
        return self.in_meeting or self.seconds_present > 0

    @property
    def minutes_present(self) -> int:
        return round(self.seconds_present / 60)
