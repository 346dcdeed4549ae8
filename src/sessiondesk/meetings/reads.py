"""The reconciler's read of a claimed link, with its session, the session's consultant (and their
user) and organisation, as SQL built once per database vendor.

Every meeting pass starts with it; through the ORM, building and compiling this join of five
tables (about a hundred columns) cost more CPU than the database spent answering it. Rows become
model instances as the ORM's ``select_related`` would make them (``lib.rows``).
"""

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model

from sessiondesk.accounts.models import Member, Organization, User
from sessiondesk.lib.rows import columns, instances
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session

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
