import datetime as dt
import zoneinfo

from django.db import models
from django.db.models import Q

from sessiondesk.accounts.models import DEFAULT_TIMEZONE, Member, Organization, validate_timezone


class Provider(models.TextChoices):
    """Meeting providers; the meetings app keeps the registry of their implementations."""

    NONE = "none", "No online meeting"
    CUSTOM = "custom", "Custom link"
    ZOOM = "zoom", "Zoom"


class Client(models.Model):
    """A student, candidate or customer. Clients have no password; signed links open their portal."""

    # No index of its own: the indexes below start with it (each one more is written by every new client).
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="clients", db_index=False)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone])
    notes = models.TextField(blank=True)
    # Consultants see the clients of their own sessions and the clients they added themselves.
    created_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "email"], name="client_email_unique_per_org")]
        indexes = [models.Index(fields=["org", "name", "id"])]  # lists and API pages by name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SessionType(models.Model):
    # No index of its own: session_type_unique_name starts with it.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="session_types", db_index=False
    )
    name = models.CharField(max_length=100)
    duration_minutes = models.PositiveIntegerField(default=60)
    is_online = models.BooleanField(default=True)
    default_provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.NONE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="session_type_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CalendarKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    ROUND_ROBIN = "round_robin", "Round robin"
    COLLECTIVE = "collective", "Collective"


class Calendar(models.Model):
    """A bookable calendar: who hosts, what kind of session, and the booking rules."""

    # No index of its own: calendar_slug_unique_per_org starts with it.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="calendars", db_index=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=CalendarKind.choices, default=CalendarKind.PERSONAL)
    members = models.ManyToManyField(Member, related_name="calendars")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="calendars")
    description = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    # Used when the session type's provider is "custom link" (a personal meeting room, for example).
    custom_meeting_url = models.URLField(blank=True)
    buffer_before_minutes = models.PositiveIntegerField(default=0)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    min_notice_minutes = models.PositiveIntegerField(default=240)
    max_days_ahead = models.PositiveIntegerField(default=60)
    slot_interval_minutes = models.PositiveIntegerField(default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "slug"], name="calendar_slug_unique_per_org")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AvailabilityRule(models.Model):
    """A weekly window in the member's own time zone (wall-clock times, so DST is handled on use)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="availability")
    weekday = models.IntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="rule_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DateOverride(models.Model):
    """Replaces the weekly rules on one date; no times means unavailable all day."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]

    def __str__(self) -> str:
        if self.start_time is None:
            return f"{self.date}: unavailable"
        return f"{self.date}: {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Series(models.Model):
    """A recurring session: every N weeks, with a count or an end date."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="series")
    every_weeks = models.PositiveIntegerField(default=1)
    count = models.PositiveIntegerField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"every {self.every_weeks} week(s)"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class BookedVia(models.TextChoices):
    STAFF = "staff", "Staff"
    PUBLIC = "public", "Public booking page"
    API = "api", "API"
    PORTAL = "portal", "Client portal"


class Session(models.Model):
    # org and consultant have no index of their own: the indexes below start with them, and every
    # booking writes each index of the table.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sessions", db_index=False)
    title = models.CharField(max_length=200)
    agenda = models.TextField(blank=True)
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="sessions")
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    consultant = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="hosted_sessions", db_index=False
    )
    # Collective calendars: the other members attend; they are as busy as the host.
    co_hosts = models.ManyToManyField(
        Member, blank=True, related_name="co_hosted_sessions", through="SessionCoHost"
    )
    clients = models.ManyToManyField(Client, related_name="sessions", through="SessionClient")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    is_online = models.BooleanField(default=True)
    location = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.NONE)
    custom_meeting_url = models.URLField(blank=True)
    booked_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    booked_via = models.CharField(max_length=20, choices=BookedVia.choices, default=BookedVia.STAFF)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    series_index = models.PositiveIntegerField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    needs_reassignment = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["consultant", "start"]),
            models.Index(fields=["org", "start"]),
            # Scheduled sessions per week (Integration health) are counted from the index alone.
            models.Index(fields=["org", "status", "start"], name="session_org_status_start"),
            # Busy times: a member's sessions that end after a moment (free slots, clash checks).
            models.Index(fields=["consultant", "end"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_end_after_start")
        ]

    def __str__(self) -> str:
        # Not strftime: on an aware time it costs twice this, and the audit entry of every booking
        # stores this text.
        return f"{self.title} ({self.start.astimezone(dt.UTC).isoformat(' ', 'minutes')[:16]} UTC)"

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def local_start(self, tz_name: str) -> dt.datetime:
        return self.start.astimezone(zoneinfo.ZoneInfo(tz_name))

    def hosts(self) -> list[Member]:
        """The consultant, then the co-hosts (the other members of a collective calendar) in the order
        the booking page names them."""
        co_hosts = sorted((m for m in self.co_hosts.all() if m.pk != self.consultant_id), key=lambda m: m.pk)
        return [self.consultant, *co_hosts]

    @property
    def hosts_phrase(self) -> str:
        """Every host of the session: "Carla", "Carla and Dev", "Carla, Olivia and Dev"."""
        names = [m.name for m in self.hosts()]
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


# The tables Django made for ``Session.clients`` and ``Session.co_hosts``, named here only so that
# their ``session_id`` has no index of its own: the unique pair starts with it, and every booking
# with a client writes each index of the table. Rows are written as for any many-to-many field.
# ``unique_together``, as Django declares it for the tables it makes, keeps the constraints' names.
class SessionClient(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, db_index=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta:
        db_table = "scheduling_session_clients"
        unique_together = [("session", "client")]

    def __str__(self) -> str:
        return f"client {self.client_id} on session {self.session_id}"


class SessionCoHost(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, db_index=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE)

    class Meta:
        db_table = "scheduling_session_co_hosts"
        unique_together = [("session", "member")]

    def __str__(self) -> str:
        return f"co-host {self.member_id} on session {self.session_id}"
