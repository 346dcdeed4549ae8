"""The statements the worker makes for emails on every pass or meeting, as SQL built once per
database vendor: the due emails' ids (the sender's look, every pass); after every meeting made, a
session with what its link emails need, the release of its emails waiting for the link, and the
emails its attendees were last told.

Through the ORM these cost more CPU to build and compile than to run; rows become instances as
``select_related`` would make them (``lib.rows``).
"""

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model

from sessiondesk.accounts.models import Member, User
from sessiondesk.lib.rows import columns, instances, value_reader
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.models import Series, Session


def due_email_ids(now: dt.datetime, limit: int) -> list[int]:
    """The first ``limit`` pending emails due at ``now`` and not leased, by (not before, id)."""
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_due_sql(connection.vendor), [at, EmailState.PENDING.value, at, limit])
        return [int(row[0]) for row in cursor.fetchall()]


def session_for_emails(session_id: int) -> Session:
    """The session with ``consultant``, ``consultant.user`` and ``series`` loaded; raises
    ``Session.DoesNotExist`` like ``get()``."""
    with connection.cursor() as cursor:
        cursor.execute(_session_sql(connection.vendor), [session_id])
        row = cursor.fetchone()
    if row is None:
        raise Session.DoesNotExist(f"Session {session_id} does not exist.")
    values = iter(row)
    session, consultant, user = _next(Session, values), _next(Member, values), _next(User, values)
    series = _next(Series, values) if session.series_id is not None else None
    consultant.user = user
    session.consultant, session.series = consultant, series
    return session


def release_waiting(session_id: int, now: dt.datetime) -> int:
    """The session's pending emails waiting past ``now`` may go at ``now``; returns how many."""
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_release_sql(connection.vendor), [at, at, session_id, EmailState.PENDING.value])
        return cursor.rowcount


# What the link emails read of an attendee's last email, in the model's order (``from_db`` wants it).
TOLD = tuple(
    f.attname
    for f in OutboundEmail._meta.concrete_fields
    if f.attname in {"id", "session_id", "kind", "client_id", "member_id", "context", "state"}
)


def emails_told(session_id: int, series_id: int | None, kinds: tuple[str, ...]) -> list[OutboundEmail]:
    """The emails of ``kinds`` about the session, and the series' "booked" ones when ``series_id``,
    that were not skipped, oldest first; only ``TOLD`` loaded, the rest deferred as ``only()``
    leaves them."""
    params: list[Any] = [*kinds, session_id]
    if series_id:
        params += ["booked", series_id]
    with connection.cursor() as cursor:
        cursor.execute(
            _told_sql(connection.vendor, len(kinds), bool(series_id)), [*params, EmailState.SKIPPED.value]
        )
        rows = cursor.fetchall()
    read = [value_reader(OutboundEmail, name) for name in TOLD]
    return [
        OutboundEmail.from_db(connection.alias, TOLD, [r(v) for r, v in zip(read, row, strict=True)])
        for row in rows
    ]


def _next[M: Model](model: type[M], values: Iterator[Any]) -> M:
    """The instance of ``model`` that the row's next columns hold."""
    return instances(model, [[next(values) for _ in model._meta.concrete_fields]])[0]


@cache
def _due_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(OutboundEmail._meta.db_table)
    lease_until, not_before = f"{table}.{quote('lease_until')}", f"{table}.{quote('not_before')}"
    return (
        f"SELECT {table}.{quote('id')} FROM {table} "
        f"WHERE ({lease_until} IS NULL OR {lease_until} < %s) AND {table}.{quote('state')} = %s "
        f"AND {not_before} <= %s ORDER BY {not_before} ASC, {table}.{quote('id')} ASC LIMIT %s"
    )


@cache
def _release_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(OutboundEmail._meta.db_table)
    not_before = f"{table}.{quote('not_before')}"
    return (
        f"UPDATE {table} SET {quote('not_before')} = %s WHERE {not_before} > %s "
        f"AND {table}.{quote('session_id')} = %s AND {table}.{quote('state')} = %s"
    )


@cache
def _told_sql(vendor: str, kinds: int, series: bool) -> str:
    quote = connection.ops.quote_name
    table, session = quote(OutboundEmail._meta.db_table), quote(Session._meta.db_table)
    kind = f"{table}.{quote('kind')}"
    about = f"({kind} IN ({', '.join(['%s'] * kinds)}) AND {table}.{quote('session_id')} = %s)"
    join = ""
    if series:
        join = f" INNER JOIN {session} ON {table}.{quote('session_id')} = {session}.{quote('id')}"
        about = f"({about} OR ({kind} = %s AND {session}.{quote('series_id')} = %s))"
    return (
        f"SELECT {', '.join(f'{table}.{quote(name)}' for name in TOLD)} FROM {table}{join} "
        f"WHERE {about} AND NOT ({table}.{quote('state')} = %s) ORDER BY {table}.{quote('id')} ASC"
    )


@cache
def _session_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    session, member, user, series = (quote(m._meta.db_table) for m in (Session, Member, User, Series))
    pk = quote("id")
    return (
        f"SELECT {columns(Session)}, {columns(Member)}, {columns(User)}, {columns(Series)} FROM {session} "
        f"INNER JOIN {member} ON {session}.{quote('consultant_id')} = {member}.{pk} "
        f"INNER JOIN {user} ON {member}.{quote('user_id')} = {user}.{pk} "
        f"LEFT OUTER JOIN {series} ON {session}.{quote('series_id')} = {series}.{pk} "
        f"WHERE {session}.{pk} = %s"
    )
