"""Leases on meeting links: a compare-and-swap UPDATE decides who works on a link, on any database.

The worker claims a link before every provider call, so the two statements of a claim (the due
candidates, then the compare-and-swap) are SQL built once per database vendor, with the values
bound (building them through the ORM cost more CPU than running them).
"""

import datetime as dt
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sessiondesk.lib import rows
from sessiondesk.lib.rows import value_reader
from sessiondesk.meetings import logbook
from sessiondesk.meetings.models import LinkState, MeetingLink

CLAIMABLE = [LinkState.PENDING, LinkState.WAITING]


# A candidate as read before the claim: (id, session id, lease owner, lease end).
Candidate = tuple[int, int, str, dt.datetime | None]


def _cas(candidate: Candidate, owner: str, now: dt.datetime) -> bool:
    link_id, session_id, previous, expired = candidate
    lease = dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    # Only from the owner it was read with, so a takeover is reported against the right worker.
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _cas_sql(connection.vendor), [adapt(now + lease), owner, *_due_params(now), link_id, previous]
        )
        won = cursor.rowcount
    if won and previous and previous != owner and expired is not None:
        logbook.taken_over(link_id, session_id, previous, expired)
    return won == 1


def claim(owner: str, limit: int = 1, now: dt.datetime | None = None) -> list[int]:
    """Lease up to ``limit`` due links for ``owner`` and return their ids.

    A crashed owner's lease simply expires and the link becomes due again (the log names the
    takeover). On PostgreSQL the candidates are picked with SKIP LOCKED so concurrent workers
    spread over different rows instead of racing for the same one; the CAS UPDATE is what makes
    the claim safe everywhere.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            candidates = _candidates(now, limit, lock=True)
            return [c[0] for c in candidates if _cas(c, owner, now)]
    claimed: list[int] = []
    for candidate in _candidates(now, limit * 4, lock=False):
        if _cas(candidate, owner, now):
            claimed.append(candidate[0])
            if len(claimed) == limit:
                break
    return claimed


def _candidates(now: dt.datetime, limit: int, lock: bool) -> list[Candidate]:
    """The first ``limit`` due links by (next attempt, id); ``lock``: their rows locked, skipping
    rows another worker holds (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(_candidates_sql(connection.vendor, lock), [*_due_params(now), limit])
        rows = cursor.fetchall()
    when = value_reader(MeetingLink, "lease_until")
    return [(int(pk), int(session), str(previous), when(until)) for pk, session, previous, until in rows]


def _due_params(now: dt.datetime) -> list[Any]:
    at = connection.ops.adapt_datetimefield_value(now)
    return [at, *(state.value for state in CLAIMABLE), at]


@cache
def _due_sql(vendor: str) -> str:
    """Due: not leased (or the lease expired), pending or waiting, and its next attempt has come.
    Its parameters are ``_due_params``."""
    quote = connection.ops.quote_name
    table = quote(MeetingLink._meta.db_table)
    lease_until = f"{table}.{quote('lease_until')}"
    states = ", ".join(["%s"] * len(CLAIMABLE))
    return (
        f"({lease_until} IS NULL OR {lease_until} < %s) AND {table}.{quote('state')} IN ({states}) "
        f"AND {table}.{quote('next_attempt_at')} <= %s"
    )


@cache
def _candidates_sql(vendor: str, lock: bool) -> str:
    quote = connection.ops.quote_name
    table = quote(MeetingLink._meta.db_table)
    picked = ", ".join(f"{table}.{quote(c)}" for c in ("id", "session_id", "lease_owner", "lease_until"))
    sql = (
        f"SELECT {picked} FROM {table} WHERE {_due_sql(vendor)} "
        f"ORDER BY {table}.{quote('next_attempt_at')} ASC, {table}.{quote('id')} ASC LIMIT %s"
    )
    return sql + " FOR UPDATE SKIP LOCKED" if lock else sql


@cache
def _cas_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(MeetingLink._meta.db_table)
    return (
        f"UPDATE {table} SET {quote('lease_until')} = %s, {quote('lease_owner')} = %s "
        f"WHERE {_due_sql(vendor)} AND {table}.{quote('id')} = %s AND {table}.{quote('lease_owner')} = %s"
    )


def release(link_id: int, owner: str, **fields: object) -> int:
    """Write ``fields`` and drop the lease, only if ``owner`` still holds it."""
    return rows.update(
        MeetingLink, {"id": link_id, "lease_owner": owner}, lease_until=None, lease_owner="", **fields
    )
