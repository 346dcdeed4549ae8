"""The migration that gives each meeting link its session's organisation fills the links already
there, each from its own session."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0007_link_updated_at_index")]
AFTER = [("meetings", "0008_link_org")]


def test_existing_links_get_their_sessions_organisation(org, outsider, consultant):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Session = apps.get_model("scheduling", "Session")
    MeetingLink = apps.get_model("meetings", "MeetingLink")
    SessionType = apps.get_model("scheduling", "SessionType")
    start = dt.datetime(2027, 3, 3, 15, tzinfo=dt.UTC)
    kinds = {
        o: SessionType.objects.create(org_id=o, name="Migration check").pk for o in (org.pk, outsider.org_id)
    }
    ours = Session.objects.create(
        org_id=org.pk,
        session_type_id=kinds[org.pk],
        title="Ours",
        consultant_id=consultant.pk,
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    theirs = Session.objects.create(
        org_id=outsider.org_id,
        session_type_id=kinds[outsider.org_id],
        title="Theirs",
        consultant_id=outsider.pk,
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    for session in (ours, theirs):
        MeetingLink.objects.create(session_id=session.pk, provider="zoom")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    MeetingLink = executor.loader.project_state(AFTER).apps.get_model("meetings", "MeetingLink")
    assert dict(MeetingLink.objects.values_list("session_id", "org_id")) == {
        ours.pk: org.pk,
        theirs.pk: outsider.org_id,
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
