"""Zoom's per-host limit of 100 meeting create/update calls per UTC day, kept before Zoom has to say no.

Each create or update first takes one unit from the host's row for today with a conditional
``UPDATE … SET used = used + 1 WHERE used < limit``, so concurrent workers in any number of
processes can never spend more than the limit between them. A refused unit makes the link wait
until 00:00 UTC instead of earning a 429. That UPDATE, made before every create and update, is SQL
built once per database vendor (the ORM spent more CPU building it than the database running it).
"""

import datetime as dt
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from sessiondesk.integrations.zoom.models import HostDailyLedger

STATUS = "Zoom daily limit reached, continues at 00:00 UTC"


def limit() -> int:
    return int(settings.ZOOM_DAILY_MEETING_LIMIT)


def today(now: dt.datetime) -> dt.date:
    return now.astimezone(dt.UTC).date()


def seconds_until_midnight(now: dt.datetime) -> float:
    midnight = dt.datetime.combine(today(now) + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return (midnight - now).total_seconds()


def take(zoom_user_id: str, now: dt.datetime) -> bool:
    """Spend one of today's units for the host; False when today's are all spent."""
    if _spend(zoom_user_id, today(now)):
        return True
    # No unit taken: either today's row is spent, or it did not exist when the update ran. Asking
    # "does it exist?" now would race with a worker creating it this instant (and call the day spent
    # after one call); creating it settles which case it is.
    try:
        with transaction.atomic():
            HostDailyLedger.objects.create(zoom_user_id=zoom_user_id, day=today(now), used=1)
        return True
    except IntegrityError:  # the row exists (maybe made by another worker just now): take from it
        return _spend(zoom_user_id, today(now))


def _spend(zoom_user_id: str, day: dt.date) -> bool:
    """One unit from the host's row for ``day``, if it exists and has one left."""
    with connection.cursor() as cursor:
        cursor.execute(
            _spend_sql(connection.vendor),
            [zoom_user_id, connection.ops.adapt_datefield_value(day), limit()],
        )
        return cursor.rowcount == 1


@cache
def _spend_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table, used = quote(HostDailyLedger._meta.db_table), quote("used")
    return (
        f"UPDATE {table} SET {used} = {used} + 1 "
        f"WHERE {quote('zoom_user_id')} = %s AND {quote('day')} = %s AND {used} < %s"
    )


def give_back(zoom_user_id: str, now: dt.datetime) -> None:
    """Return a unit Zoom did not count (the call was refused before it reached the meeting)."""
    HostDailyLedger.objects.filter(zoom_user_id=zoom_user_id, day=today(now), used__gt=0).update(
        used=F("used") - 1
    )


def exhaust(zoom_user_id: str, now: dt.datetime) -> None:
    """Zoom says the host's day is spent (calls made outside SessionDesk count too): believe it."""
    if not HostDailyLedger.objects.filter(zoom_user_id=zoom_user_id, day=today(now)).update(used=limit()):
        try:
            with transaction.atomic():
                HostDailyLedger.objects.create(zoom_user_id=zoom_user_id, day=today(now), used=limit())
        except IntegrityError:
            HostDailyLedger.objects.filter(zoom_user_id=zoom_user_id, day=today(now)).update(used=limit())
