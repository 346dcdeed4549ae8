"""The call log (``CallAttempt``) is kept for support, then deleted: ``CALL_LOG_RETENTION_DAYS``."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from sessiondesk.meetings.models import CallAttempt

BATCH = 500


def run(limit: int) -> int:
    """Delete up to ``limit`` batches of call-log rows older than the retention; returns rows deleted."""
    cutoff = timezone.now() - dt.timedelta(days=settings.CALL_LOG_RETENTION_DAYS)
    deleted = 0
    for _ in range(limit):
        ids = list(CallAttempt.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        deleted += CallAttempt.objects.filter(pk__in=ids).delete()[0]
    return deleted
