"""The reads every booking makes to lock its members and check a time, written as SQL.

The row locks (PostgreSQL), the clash check (every booking, move and host change), and the slot
check's busy times, weekly hours and date overrides (every public booking and list of slots) each
cost 0.3 to 1 ms of CPU to build and compile through the ORM, against well under 0.1 ms to run.
Their text depends only on how many members and excluded sessions there are, so it is built once
per shape and database vendor; the values are bound as parameters.
"""

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection

from sessiondesk.accounts.models import Member
from sessiondesk.lib.rows import columns, instances, matching, related_instances, select_related, value_reader
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    Client,
    DateOverride,
    Session,
    SessionCoHost,
    SessionStatus,
)
from sessiondesk.scheduling.validation import MAX_SESSION


def first_clash(
    member_ids: Sequence[int], start: dt.datetime, end: dt.datetime, exclude: Sequence[int]
) -> int | None:
    """The id of the earliest scheduled session (by start, then id) that overlaps ``start``..``end``
    and that one of ``member_ids`` hosts or co-hosts, leaving out ``exclude``; None when they are free."""
    if not member_ids:
        return None
    hosted, co_hosted = _window(start, end, hosted=True), _window(start, end, hosted=False)
    params = [*hosted, *exclude, *member_ids, *co_hosted, *exclude, *member_ids]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, len(member_ids), len(exclude)), params)
        row = cursor.fetchone()
    return None if row is None else int(row[1])


def _window(start: dt.datetime, end: dt.datetime, hosted: bool) -> list[Any]:
    """The values of ``_overlapping(..., hosted)``'s placeholders."""
    adapt = connection.ops.adapt_datetimefield_value
    window = [SessionStatus.SCHEDULED.value, adapt(end), adapt(start)]
    return [*window, adapt(start - MAX_SESSION)] if hosted else window


def _overlapping(table: str, hosted: bool) -> str:
    """Scheduled sessions of ``table`` overlapping a window (``_window``).

    A session lasts at most ``MAX_SESSION``, so one overlapping the window starts less than that
    before it. For the hosted half, the start is bounded on both sides, and the index on (consultant,
    start) reads only the sessions starting near the window, whatever the consultant's sessions
    before and after it (a year of them). Bounded on one side only, each database picked one of the
    indexes on (consultant, start) and (consultant, end) and read every session of the consultant on
    that side of the window (SQLite all the past ones; PostgreSQL's plan for the prepared statement,
    made once for any values, all the later ones). The co-hosted half starts from the member's few
    co-hosted sessions instead, so it leaves the bound out: bounded, the start alone would look
    selective enough to read every session near the window, of every member."""
    quote = connection.ops.quote_name
    start, end, status = (quote(c) for c in ("start", "end", "status"))
    where = f"{table}.{status} = %s AND {table}.{start} < %s AND {table}.{end} > %s"
    return f"{where} AND {table}.{start} > %s" if hosted else where


@cache
def _sql(vendor: str, members: int, excluded: int) -> str:
    """Hosted and co-hosted as two halves of one query, each on its own index: an OR across the join
    would read every session before ``end`` (a year of them at a large organisation)."""
    quote = connection.ops.quote_name
    session, co_hosts = quote(Session._meta.db_table), quote(SessionCoHost._meta.db_table)
    start, pk = quote("start"), quote("id")

    def overlapping(table: str, hosted: bool) -> str:
        where = _overlapping(table, hosted)
        if excluded:
            where += f" AND {table}.{pk} NOT IN ({', '.join(['%s'] * excluded)})"
        return where

    members_in = ", ".join(["%s"] * members)
    hosted = (
        f"SELECT {session}.{start}, {session}.{pk} FROM {session} "
        f"WHERE {overlapping(session, True)} AND {session}.{quote('consultant_id')} IN ({members_in})"
    )
    co_hosted = (
        f"SELECT {session}.{start}, {session}.{pk} FROM {session} "
        f"INNER JOIN {co_hosts} ON {co_hosts}.{quote('session_id')} = {session}.{pk} "
        f"WHERE {overlapping(session, False)} AND {co_hosts}.{quote('member_id')} IN ({members_in})"
    )
    return f"{hosted} UNION {co_hosted} ORDER BY 1, 2 LIMIT 1"


def busy_rows(
    member_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> list[tuple[int, int, dt.datetime, dt.datetime]]:
    """``(session id, member id, start, end)`` of each scheduled session overlapping ``start``..``end``
    that one of ``member_ids`` hosts or co-hosts; a session both hosted and co-hosted by a member
    comes twice. Unordered."""
    if not member_ids:
        return []
    hosted, co_hosted = _window(start, end, hosted=True), _window(start, end, hosted=False)
    with connection.cursor() as cursor:
        cursor.execute(
            _busy_sql(connection.vendor, len(member_ids)), [*hosted, *member_ids, *co_hosted, *member_ids]
        )
        rows = cursor.fetchall()
    when = value_reader(Session, "start")  # aware, UTC, as the ORM returns a session's times
    return [(int(pk), int(member), when(opens), when(closes)) for pk, member, opens, closes in rows]


@cache
def _busy_sql(vendor: str, members: int) -> str:
    """Two parts, each on an index that starts at the member, so the cost follows the sessions near
    the window (``_overlapping``), never the years of sessions before it or the term booked after it.
    Unordered: the session's default order (by start) would make SQLite walk the index on start."""
    quote = connection.ops.quote_name
    session, co_hosts = quote(Session._meta.db_table), quote(SessionCoHost._meta.db_table)
    start, end, pk = (quote(c) for c in ("start", "end", "id"))
    members_in = ", ".join(["%s"] * members)
    hosted = (
        f"SELECT {session}.{pk}, {session}.{quote('consultant_id')}, {session}.{start}, {session}.{end} "
        f"FROM {session} WHERE {_overlapping(session, True)} AND {session}.{quote('consultant_id')} IN ({members_in})"
    )
    co_hosted = (
        f"SELECT {co_hosts}.{quote('session_id')}, {co_hosts}.{quote('member_id')}, {session}.{start}, "
        f"{session}.{end} FROM {co_hosts} "
        f"INNER JOIN {session} ON {co_hosts}.{quote('session_id')} = {session}.{pk} "
        f"WHERE {_overlapping(session, False)} AND {co_hosts}.{quote('member_id')} IN ({members_in})"
    )
    return f"{hosted} UNION ALL {co_hosted}"


def calendar_members(calendar_id: int) -> list[Member]:
    """The calendar's active members with their users, by id."""
    with connection.cursor() as cursor:
        cursor.execute(_calendar_members_sql(connection.vendor), [calendar_id, True])
        return related_instances(Member, ["user"], cursor.fetchall())


@cache
def _calendar_members_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    member, pk = quote(Member._meta.db_table), quote("id")
    through = quote(Calendar.members.through._meta.db_table)
    return (
        f"{select_related(Member, 'user')} "
        f"INNER JOIN {through} ON {through}.{quote('member_id')} = {member}.{pk} "
        f"WHERE {through}.{quote('calendar_id')} = %s AND {member}.{quote('is_active')} = %s ORDER BY {member}.{pk}"
    )


def weekly_rules(member_ids: Sequence[int]) -> list[AvailabilityRule]:
    """The weekly rules of ``member_ids``, in the rules' order (weekday, then start)."""
    if not member_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_rules_sql(connection.vendor, len(member_ids)), list(member_ids))
        return instances(AvailabilityRule, cursor.fetchall())


def date_overrides(member_ids: Sequence[int], first: dt.date, last: dt.date) -> list[DateOverride]:
    """The date overrides of ``member_ids`` on ``first``..``last``, in the overrides' order (date,
    then start)."""
    if not member_ids:
        return []
    ops = connection.ops
    params = [*member_ids, ops.adapt_datefield_value(first), ops.adapt_datefield_value(last)]
    with connection.cursor() as cursor:
        cursor.execute(_overrides_sql(connection.vendor, len(member_ids)), params)
        return instances(DateOverride, cursor.fetchall())


@cache
def _rules_sql(vendor: str, members: int) -> str:
    quote = connection.ops.quote_name
    table = quote(AvailabilityRule._meta.db_table)
    return (
        f"SELECT {columns(AvailabilityRule)} FROM {table} "
        f"WHERE {table}.{quote('member_id')} IN ({', '.join(['%s'] * members)}) "
        f"ORDER BY {table}.{quote('weekday')}, {table}.{quote('start_time')}"
    )


@cache
def _overrides_sql(vendor: str, members: int) -> str:
    quote = connection.ops.quote_name
    table = quote(DateOverride._meta.db_table)
    date = f"{table}.{quote('date')}"
    return (
        f"SELECT {columns(DateOverride)} FROM {table} "
        f"WHERE {table}.{quote('member_id')} IN ({', '.join(['%s'] * members)}) AND {date} >= %s AND {date} <= %s "
        f"ORDER BY {date}, {table}.{quote('start_time')}"
    )


def lock_members(member_ids: Sequence[int]) -> None:
    """Lock the rows of ``member_ids`` until the transaction ends, in id order (so two bookings never
    each hold a member the other waits for). Only where rows can be locked (PostgreSQL)."""
    ids = sorted(set(member_ids))
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.vendor, len(ids)), ids)


def lock_calendar_members(calendar_id: int) -> None:
    """``lock_members`` for every member of a calendar, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_calendar_sql(connection.vendor), [calendar_id])


@cache
def _lock_sql(vendor: str, members: int) -> str:
    quote = connection.ops.quote_name
    member, pk = quote(Member._meta.db_table), quote("id")
    return (
        f"SELECT {member}.{pk} FROM {member} WHERE {member}.{pk} IN ({', '.join(['%s'] * members)}) "
        f"ORDER BY {member}.{pk} FOR UPDATE"
    )


@cache
def _lock_calendar_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    member, pk = quote(Member._meta.db_table), quote("id")
    through = quote(Calendar.members.through._meta.db_table)
    return (
        f"SELECT {member}.{pk} FROM {member} "
        f"INNER JOIN {through} ON {through}.{quote('member_id')} = {member}.{pk} "
        f"WHERE {through}.{quote('calendar_id')} = %s ORDER BY {member}.{pk} FOR UPDATE OF {member}"
    )


def client_by_email(org_id: int, email: str) -> Client | None:
    """The organisation's client with this email (stored lower-case), or None."""
    return next(iter(matching(Client, {"org_id": org_id, "email": email})), None)
