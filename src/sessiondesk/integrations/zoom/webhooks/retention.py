"""Zoom's webhook deliveries are kept for troubleshooting once handled, then deleted:
``ZOOM_EVENT_RETENTION_DAYS`` after they arrived. Unhandled ones stay until they are handled."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.lib.rows import delete_in_batches

BATCH = 500


def run(limit: int) -> int:
    cutoff = timezone.now() - dt.timedelta(days=settings.ZOOM_EVENT_RETENTION_DAYS)
    old = WebhookEvent.objects.filter(received_at__lt=cutoff, processed_at__isnull=False)
    return delete_in_batches(old, limit, BATCH)
