from django.db import models

from sessiondesk.accounts.models import Member, Organization


class ImportedRecord(models.Model):
    """What an outside id of an imported row became here, so importing the same file again finds it."""

    # No index of its own: imported_record_unique starts with it (an import writes a row a line).
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20)
    external_id = models.CharField(max_length=300)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "external_id"], name="imported_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} -> {self.object_id}"


class RunState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"  # the person maps the columns and looks at the preview
    QUEUED = "queued", "Queued"  # waits for a worker
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One import through the page: the file as uploaded, its column mapping, then its progress and
    result as the worker applies it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=200)
    content = models.TextField()  # the file as text (decoded once on upload)
    mapping = models.JSONField(default=dict)
    invite = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=RunState.choices, default=RunState.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"import of {self.kind} from {self.filename}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
