"""A copy of the organisation's Zoom account directory: users (every status), roles, groups and
memberships, plus what SessionDesk adds to it (links to members, changes queued for pending users)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization

# Zoom's user `type` over the years: 1 Basic, 2 Licensed (formerly Pro), 3 On-prem (formerly
# Corporate), 4 Unassigned without Meetings Basic, 99 None (SSO pre-provisioned).
ACCOUNT_TYPES = {
    1: "Basic",
    2: "Licensed (Pro)",
    3: "On-prem (Corporate)",
    4: "Unassigned",
    99: "None",
}
# Zoom's built-in role ids.
OWNER_ROLE, ADMIN_ROLE, MEMBER_ROLE = "0", "1", "2"


class UserStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PENDING = "pending", "Pending"
    INACTIVE = "inactive", "Inactive"


class DirectoryUser(models.Model):
    # No index of its own: zoom_directory_user_once starts with it (a sync writes a row a Zoom user).
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="zoom_directory_users", db_index=False
    )
    zoom_account_id = models.CharField(max_length=64)
    # Zoom lists pending users without their id; the id is known when SessionDesk created them.
    zoom_user_id = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254)  # lower-cased: the key while the id may be unknown
    first_name = models.CharField(max_length=64, blank=True)
    last_name = models.CharField(max_length=64, blank=True)
    user_type = models.IntegerField(default=1)
    role_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=UserStatus.choices, default=UserStatus.ACTIVE)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="zoom_directory_users"
    )
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["org", "email"], name="zoom_directory_user_once"),
            models.UniqueConstraint(
                fields=["member"], condition=Q(member__isnull=False), name="zoom_directory_member_linked_once"
            ),
        ]
        indexes = [models.Index(fields=["org", "zoom_user_id"])]

    def __str__(self) -> str:
        return f"Zoom user {self.email} ({self.status})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def account_type(self) -> str:
        return ACCOUNT_TYPES.get(self.user_type, f"Type {self.user_type}")

    @property
    def path_id(self) -> str:
        """The {userId} of Zoom's user endpoints: the id, or the email for a pending user listed without one."""
        return self.zoom_user_id or self.email


class DirectoryRole(models.Model):
    # No index of its own: zoom_directory_role_once starts with it.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="zoom_directory_roles", db_index=False
    )
    zoom_role_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["zoom_role_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "zoom_role_id"], name="zoom_directory_role_once")
        ]

    def __str__(self) -> str:
        return self.name


class DirectoryGroup(models.Model):
    # No index of its own: zoom_directory_group_once starts with it.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="zoom_directory_groups", db_index=False
    )
    zoom_group_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "zoom_group_id"], name="zoom_directory_group_once")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    # No index of its own: zoom_group_membership_once starts with it.
    user = models.ForeignKey(
        DirectoryUser, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    group = models.ForeignKey(DirectoryGroup, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="zoom_group_membership_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class ChangeKind(models.TextChoices):
    ADD_GROUP = "add_group", "Add to group"
    REMOVE_GROUP = "remove_group", "Remove from group"
    SET_ROLE = "set_role", "Change role"


class QueuedChange(models.Model):
    """A change for a pending user, applied when they accept Zoom's invitation. Never dropped: a
    failure is kept with Zoom's answer and tried again."""

    user = models.ForeignKey(DirectoryUser, on_delete=models.CASCADE, related_name="queued_changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    target_id = models.CharField(max_length=64)  # Zoom group or role id
    target_name = models.CharField(max_length=200)
    queued_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_name} for {self.user_id}"


class SyncState(models.TextChoices):
    IDLE = "idle", "Idle"
    RUNNING = "running", "Running"
    FAILED = "failed", "Failed"


class DirectorySync(models.Model):
    """The organisation's directory sync: when it runs next, and its progress while it runs."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="zoom_directory_sync")
    state = models.CharField(max_length=20, choices=SyncState.choices, default=SyncState.IDLE)
    requested_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=100, blank=True)
    users_done = models.PositiveIntegerField(default=0)
    users_total = models.PositiveIntegerField(default=0)
    list_calls = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"directory sync of {self.org_id}: {self.state}"
