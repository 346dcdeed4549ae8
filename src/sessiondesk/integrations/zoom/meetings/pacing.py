"""Calls are paced per Zoom account, so that bursts from many workers do not earn 429s.

Zoom's per-second limits are per account, shared by every user and app. Each call reserves the
account's next free slot (slots are ``1 / ZOOM_ACCOUNT_CALLS_PER_SECOND`` apart) in a short
transaction holding the account's row lock (PostgreSQL ``FOR UPDATE``; SQLite's write lock), then
sleeps until its slot. With W workers the wait is at most about W slots. The row is read and moved
with SQL built once: one locked read and one write a call, where the ORM's get-or-create (in a
transaction of its own), locked read and save took three statements and cost more CPU to build than
to run.
"""

import datetime as dt
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sessiondesk.integrations.zoom.models import AccountPace
from sessiondesk.lib.rows import value_reader


def rate() -> float:
    return float(settings.ZOOM_ACCOUNT_CALLS_PER_SECOND)


def reserve(zoom_account_id: str, clock: Callable[[], dt.datetime] = timezone.now) -> float:
    """Reserve the account's next slot; returns the seconds to wait for it."""
    gap = dt.timedelta(seconds=1 / rate())
    with transaction.atomic():
        booked = _locked_next_slot(zoom_account_id)
        now = clock()
        if booked is None:
            booked = _first_slot(zoom_account_id, now)
        slot = max(booked, now)
        _move_next_slot(zoom_account_id, slot + gap)
    return (slot - now).total_seconds()


def wait_turn(zoom_account_id: str) -> None:
    if not zoom_account_id or rate() <= 0:
        return
    wait = reserve(zoom_account_id)
    if wait > 0:
        time.sleep(wait)


# Every call reads and moves the account's slot: two statements, built once per database vendor.


def _locked_next_slot(zoom_account_id: str) -> dt.datetime | None:
    """The account's next free slot, its row locked until the transaction ends (None: no row yet)."""
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(connection.vendor), [zoom_account_id])
        row = cursor.fetchone()
    return None if row is None else value_reader(AccountPace, "next_slot_at")(row[0])


def _first_slot(zoom_account_id: str, now: dt.datetime) -> dt.datetime:
    """The account's first call: its row, free from ``now``."""
    try:
        with transaction.atomic():
            AccountPace.objects.create(zoom_account_id=zoom_account_id, next_slot_at=now)
            return now
    except IntegrityError:  # made by another worker at the same moment: wait for it and take its slot
        booked = _locked_next_slot(zoom_account_id)
        assert booked is not None
        return booked


def _move_next_slot(zoom_account_id: str, next_slot: dt.datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql(connection.vendor),
            [connection.ops.adapt_datetimefield_value(next_slot), zoom_account_id],
        )


@cache
def _select_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(AccountPace._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {quote('next_slot_at')} FROM {table} WHERE {quote('zoom_account_id')} = %s{lock}"


@cache
def _update_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(AccountPace._meta.db_table)
    return f"UPDATE {table} SET {quote('next_slot_at')} = %s WHERE {quote('zoom_account_id')} = %s"
