"""Lookups for the API. What a member may see follows ``scheduling.visibility``, as on the pages: their organisation only; consultants only
the sessions they take part in, the calendars they belong to, and the clients of their sessions or
that they added.

Objects a member may not see are reported as not found, never as forbidden.
"""

from collections.abc import Iterable
from functools import cache

from django.db import connection
from django.db.models import Model, QuerySet

from sessiondesk.accounts.models import Member
from sessiondesk.api.errors import NotFound
from sessiondesk.lib.queries import unique_or_none
from sessiondesk.lib.rows import matching, related_instances, select_related
from sessiondesk.scheduling.errors import InvalidBooking
from sessiondesk.scheduling.models import Calendar, Client, SessionType
from sessiondesk.scheduling.visibility import calendars_for


def get_or_404[M: Model](queryset: QuerySet[M], pk: int, what: str) -> M:
    found = unique_or_none(queryset.filter(pk=pk))
    if found is None:
        raise NotFound(what)
    return found


# Ids named in a request body: unknown ones (or another organisation's) are the caller's mistake.


# The session type and the members named in every API booking are read with SQL built once (see
# ``lib.rows``): the ORM spends ten times the query's cost building each.


def org_member(member: Member, pk: int, field: str) -> Member:
    """An active member of the caller's organisation, with their user."""
    with connection.cursor() as cursor:
        cursor.execute(_member_sql(connection.vendor), [member.org_id, pk, True])
        found = related_instances(Member, ["user"], cursor.fetchall())
    if not found:
        raise InvalidBooking(f"No member with id {pk} in this organisation.", field)
    return found[0]


@cache
def _member_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(Member._meta.db_table)
    return (
        f"{select_related(Member, 'user')} WHERE {table}.{quote('org_id')} = %s AND {table}.{quote('id')} = %s "
        f"AND {table}.{quote('is_active')} = %s"
    )


def org_members(member: Member, ids: Iterable[int], field: str) -> list[Member]:
    return [org_member(member, pk, field) for pk in dict.fromkeys(ids)]


def org_clients(member: Member, ids: Iterable[int]) -> list[Client]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {c.pk: c for c in Client.objects.filter(org_id=member.org_id, pk__in=wanted)}
    for pk in wanted:
        if pk not in found:
            raise InvalidBooking(f"No client with id {pk} in this organisation.", "clients")
    return [found[pk] for pk in wanted]


def org_session_type(member: Member, pk: int) -> SessionType:
    found = matching(SessionType, {"org_id": member.org_id, "id": pk})
    if not found:
        raise InvalidBooking(f"No session type with id {pk} in this organisation.", "session_type")
    return found[0]


def org_calendar(member: Member, pk: int) -> Calendar:
    found = unique_or_none(calendars_for(member).filter(pk=pk))
    if found is None:
        raise InvalidBooking(f"No calendar with id {pk} in this organisation.", "calendar")
    return found
