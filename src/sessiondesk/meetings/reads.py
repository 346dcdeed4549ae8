"""Reads made on every meeting pass, as SQL built once per shape and database vendor: the claimed
link with its session, the session's consultant (and their user) and organisation; the session's
clients and registrations; the active join links of sessions (the link emails).

Through the ORM, building and compiling these cost more CPU than the database spent answering
them (the link's join of five tables selects about a hundred columns). Rows become model
instances as the ORM would make them (``lib.rows``).
"""

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model

from sessiondesk.accounts.models import Member, Organization, User
from sessiondesk.lib.rows import columns, instances
from sessiondesk.meetings.models import LinkState, MeetingLink, Registration
from sessiondesk.scheduling.models import Client, Session, SessionClient

# The tables read, in the order of their columns in a row.
MODELS: tuple[type[Model], ...] = (MeetingLink, Session, Member, User, Organization)


def link_for_pass(link_id: int) -> MeetingLink:
    """The link with ``session``, ``session.consultant``, ``session.consultant.user`` and
    ``session.org`` loaded; raises ``MeetingLink.DoesNotExist`` like ``get()``."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [link_id])
        row = cursor.fetchone()
    if row is None:
        raise MeetingLink.DoesNotExist(f"MeetingLink {link_id} does not exist.")
    values = iter(row)
    link, session = _next(MeetingLink, values), _next(Session, values)
    consultant, user, org = _next(Member, values), _next(User, values), _next(Organization, values)
    consultant.user = user
    session.consultant, session.org = consultant, org
    link.session = session
    return link


def _next[M: Model](model: type[M], values: Iterator[Any]) -> M:
    """The instance of ``model`` that the row's next columns hold."""
    return instances(model, [[next(values) for _ in model._meta.concrete_fields]])[0]


@cache
def _sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    link, session, member, user, org = (quote(model._meta.db_table) for model in MODELS)
    pk = quote("id")
    return (
        f"SELECT {', '.join(columns(model) for model in MODELS)} FROM {link} "
        f"INNER JOIN {session} ON {link}.{quote('session_id')} = {session}.{pk} "
        f"INNER JOIN {member} ON {session}.{quote('consultant_id')} = {member}.{pk} "
        f"INNER JOIN {user} ON {member}.{quote('user_id')} = {user}.{pk} "
        f"INNER JOIN {org} ON {session}.{quote('org_id')} = {org}.{pk} "
        f"WHERE {link}.{pk} = %s"
    )


def clients_of(session_id: int) -> list[Client]:
    """The session's clients, by id."""
    with connection.cursor() as cursor:
        cursor.execute(_clients_sql(connection.vendor), [session_id])
        return instances(Client, cursor.fetchall())


def registrations_of(session_id: int) -> list[Registration]:
    """The session's registrations, in no particular order."""
    with connection.cursor() as cursor:
        cursor.execute(_registrations_sql(connection.vendor), [session_id])
        return instances(Registration, cursor.fetchall())


def active_join_urls(session_ids: list[int]) -> list[tuple[int, str, str]]:
    """``(session id, provider, join URL)`` of each active link with a join URL of these sessions."""
    if not session_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _join_urls_sql(connection.vendor, len(session_ids)), [*session_ids, LinkState.ACTIVE.value]
        )
        return [(int(session), str(provider), str(url)) for session, provider, url in cursor.fetchall()]


@cache
def _clients_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    client, through = quote(Client._meta.db_table), quote(SessionClient._meta.db_table)
    return (
        f"SELECT {columns(Client)} FROM {client} "
        f"INNER JOIN {through} ON {client}.{quote('id')} = {through}.{quote('client_id')} "
        f"WHERE {through}.{quote('session_id')} = %s ORDER BY {client}.{quote('id')} ASC"
    )


@cache
def _registrations_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(Registration._meta.db_table)
    return f"SELECT {columns(Registration)} FROM {table} WHERE {table}.{quote('session_id')} = %s"


@cache
def _join_urls_sql(vendor: str, sessions: int) -> str:
    quote = connection.ops.quote_name
    table = quote(MeetingLink._meta.db_table)
    picked = ", ".join(f"{table}.{quote(c)}" for c in ("session_id", "provider", "join_url"))
    return (
        f"SELECT {picked} FROM {table} WHERE {table}.{quote('session_id')} IN ({', '.join(['%s'] * sessions)}) "
        f"AND {table}.{quote('state')} = %s AND NOT ({table}.{quote('join_url')} = '')"
    )
