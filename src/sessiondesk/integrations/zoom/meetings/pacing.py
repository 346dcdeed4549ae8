"""Calls are paced per Zoom account, so that bursts from many workers do not earn 429s.

Zoom's per-second limits are per account, shared by every user and app. Each call reserves the
account's next free slot (slots are ``1 / ZOOM_ACCOUNT_CALLS_PER_SECOND`` apart) in a short
transaction holding the account's row lock (PostgreSQL ``FOR UPDATE``; SQLite's write lock), then
sleeps until its slot. With W workers the wait is at most about W slots.
"""

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessiondesk.integrations.zoom.models import AccountPace


def rate() -> float:
    return float(settings.ZOOM_ACCOUNT_CALLS_PER_SECOND)


def reserve(zoom_account_id: str, clock: Callable[[], dt.datetime] = timezone.now) -> float:
    """Reserve the account's next slot; returns the seconds to wait for it."""
    gap = dt.timedelta(seconds=1 / rate())
    now = clock()
    try:
        with transaction.atomic():
            AccountPace.objects.get_or_create(zoom_account_id=zoom_account_id, defaults={"next_slot_at": now})
    except IntegrityError:
        pass  # made by another worker at the same moment
    with transaction.atomic():
        pace = AccountPace.objects.select_for_update().get(zoom_account_id=zoom_account_id)
        now = clock()
        slot = max(pace.next_slot_at, now)
        pace.next_slot_at = slot + gap
        pace.save(update_fields=["next_slot_at"])
    return (slot - now).total_seconds()


def wait_turn(zoom_account_id: str) -> None:
    if not zoom_account_id or rate() <= 0:
        return
    wait = reserve(zoom_account_id)
    if wait > 0:
        time.sleep(wait)
