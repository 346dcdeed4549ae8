"""Rows read with SQL built once come out as the ORM reads them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from sessiondesk.accounts.models import ApiToken
from sessiondesk.accounts.tokens import create_token
from sessiondesk.lib.rows import related_instances, select_related
from sessiondesk.scheduling.models import Calendar, Session

NOT_SAVED_ALIKE = {"id", "created_at", "updated_at"}
START = dt.datetime(2030, 1, 7, 10, tzinfo=dt.UTC)
END = START + dt.timedelta(hours=1)


def fields(obj: Model, leave_out: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    return {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in leave_out
    }


def test_it_reads_rows_with_their_related_rows_as_select_related_does(consultant, consultant2):
    create_token(consultant, "CLI")
    create_token(consultant2, "Script")
    paths = ("member__org", "member__user")
    with connection.cursor() as cursor:
        cursor.execute(f"{select_related(ApiToken, *paths)} ORDER BY 1")
        read = related_instances(ApiToken, paths, cursor.fetchall())
    orm = list(ApiToken.objects.select_related(*paths).order_by("pk"))

    assert [fields(t) for t in read] == [fields(t) for t in orm]
    with CaptureQueriesContext(connection) as captured:
        related = [(fields(t.member), fields(t.member.org), fields(t.member.user)) for t in read]
    assert captured.captured_queries == []
    assert related == [(fields(t.member), fields(t.member.org), fields(t.member.user)) for t in orm]
    assert [t.member.user.email for t in read] == [consultant.user.email, consultant2.user.email]
    assert all(t._state.db == "default" and not t._state.adding for t in read)


def test_it_joins_only_keys_that_cannot_be_null_each_to_a_table_of_its_own(db):
    with pytest.raises(ValueError, match=r"Session\.series is not a foreign key that cannot be null"):
        select_related(Session, "series")
    with pytest.raises(ValueError, match="join a table twice"):
        select_related(Calendar, "org", "session_type__org")
