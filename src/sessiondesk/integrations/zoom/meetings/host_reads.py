"""The host decision's two reads, as SQL built once per shape and database vendor: a session's
co-hosts, and the live Zoom connections that could host it (with their members and users).

Every meeting pass decides its host first; through the ORM these two queries cost more CPU to
build and compile than to run. Rows become instances as ``select_related`` would make them.
"""

from functools import cache
from typing import Any

from django.db import connection

from sessiondesk.accounts.models import Member, User
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from sessiondesk.lib.rows import columns, instances
from sessiondesk.scheduling.models import SessionCoHost


def co_host_ids(session_id: int) -> tuple[int, ...]:
    """The members who co-host the session, by id."""
    with connection.cursor() as cursor:
        cursor.execute(_co_hosts_sql(connection.vendor), [session_id])
        return tuple(sorted(int(row[0]) for row in cursor.fetchall()))


def live_connections(org_id: int, member_ids: tuple[int, ...]) -> list[ZoomConnection]:
    """The organisation's connections that are not revoked: its organisation account's, and the
    personal ones of ``member_ids``; each with ``member`` and ``member.user`` loaded."""
    params: list[Any] = [org_id, ConnectionStatus.REVOKED.value, ConnectionKind.ORGANIZATION.value]
    params += [ConnectionKind.PERSONAL.value, *member_ids]
    with connection.cursor() as cursor:
        cursor.execute(_connections_sql(connection.vendor, len(member_ids)), params)
        rows = cursor.fetchall()
    found = []
    width, member_width = len(ZoomConnection._meta.concrete_fields), len(Member._meta.concrete_fields)
    for row in rows:
        [zoom] = instances(ZoomConnection, [row[:width]])
        if zoom.member_id is not None:
            [member] = instances(Member, [row[width : width + member_width]])
            [member.user] = instances(User, [row[width + member_width :]])
            zoom.member = member
        found.append(zoom)
    return found


@cache
def _co_hosts_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    through = quote(SessionCoHost._meta.db_table)
    return f"SELECT {through}.{quote('member_id')} FROM {through} WHERE {through}.{quote('session_id')} = %s"


@cache
def _connections_sql(vendor: str, members: int) -> str:
    quote = connection.ops.quote_name
    zoom, member, user = (quote(m._meta.db_table) for m in (ZoomConnection, Member, User))
    kind, pk = f"{zoom}.{quote('kind')}", quote("id")
    personal = f"{kind} = %s AND {zoom}.{quote('member_id')} IN ({', '.join(['%s'] * members)})"
    return (
        f"SELECT {columns(ZoomConnection)}, {columns(Member)}, {columns(User)} FROM {zoom} "
        f"LEFT OUTER JOIN {member} ON {zoom}.{quote('member_id')} = {member}.{pk} "
        f"LEFT OUTER JOIN {user} ON {member}.{quote('user_id')} = {user}.{pk} "
        f"WHERE {zoom}.{quote('org_id')} = %s AND NOT ({zoom}.{quote('status')} = %s) "
        f"AND ({kind} = %s OR ({personal}))"
    )
