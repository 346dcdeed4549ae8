"""The call log (``CallAttempt``) is kept for support, then deleted: ``CALL_LOG_RETENTION_DAYS``."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from sessiondesk.lib.rows import delete_in_batches
from sessiondesk.meetings.models import CallAttempt

BATCH = 500


def run(limit: int) -> int:
    """Delete up to ``limit`` batches of call-log rows older than the retention; returns rows deleted."""
    cutoff = timezone.now() - dt.timedelta(days=settings.CALL_LOG_RETENTION_DAYS)
    return delete_in_batches(CallAttempt.objects.filter(created_at__lt=cutoff), limit, BATCH)
