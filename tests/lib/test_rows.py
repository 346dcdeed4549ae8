"""Rows read with SQL built once, against the ORM's instances."""

import datetime as dt

from django.db.models import Model
from django.utils import timezone

from sessiondesk.integrations.zoom.models import ConnectionKind, MeetingPolicy, ZoomConnection, ZoomTokenSet
from sessiondesk.lib.rows import unique_row


def values(instance: Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_it_reads_a_row_by_its_unique_key_as_the_orm_does(consultant, org) -> None:  # type: ignore[no-untyped-def]
    zoom = ZoomConnection.objects.create(
        org=org, member=consultant, kind=ConnectionKind.PERSONAL, zoom_user_id="zu-1",
        zoom_account_id="acct", zoom_email="carla@zoom.test",
    )  # fmt: skip
    ZoomTokenSet.objects.create(
        connection=zoom, access_token="at-secret", refresh_token="rt-secret",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )  # fmt: skip
    MeetingPolicy.objects.create(org=org, waiting_room=False, auto_recording="cloud")
    tokens = unique_row(ZoomTokenSet, "connection_id", zoom.pk)
    assert tokens is not None
    assert values(tokens) == values(ZoomTokenSet.objects.get(connection=zoom))
    assert (tokens.access_token, tokens.refresh_token) == ("at-secret", "rt-secret")  # decrypted
    policy = unique_row(MeetingPolicy, "org_id", org.pk)
    assert policy is not None
    assert values(policy) == values(MeetingPolicy.objects.get(org=org))
    assert unique_row(ZoomTokenSet, "connection_id", zoom.pk + 1) is None
