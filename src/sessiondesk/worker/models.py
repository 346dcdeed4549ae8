from django.db import models


class WorkerHeartbeat(models.Model):
    """Each worker process writes its row every second; /readyz and the metrics read its age."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        # The table predates the worker's own app.
        db_table = "meetings_workerheartbeat"

    def __str__(self) -> str:
        return self.name
