"""The two reads the worker makes for emails on every pass or meeting, as SQL built once per
database vendor: the due emails' ids (the sender's look, every pass) and a session with what its
link emails need (after every meeting made).

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
from sessiondesk.lib.rows import columns, instances
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
