"""The worker's email reads, written as SQL, against the ORM queries they stand for."""

import datetime as dt

from django.db.models import Model, Q
from django.utils import timezone

from sessiondesk.notifications import reads
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.models import Series, Session
from tests.support.sessions import make_session


def values(instance: Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def email(org, **fields) -> OutboundEmail:  # type: ignore[no-untyped-def]
    return OutboundEmail.objects.create(
        org=org, kind="booked", to="sam@example.com", subject="Hi", body_text="Hi", **fields
    )


def test_it_picks_the_due_emails_the_orm_would(org) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    minute = dt.timedelta(minutes=1)
    late = email(org, not_before=now - minute)
    early = email(org, not_before=now - 2 * minute)
    email(org, not_before=now + minute)  # not yet
    email(org, not_before=now - minute, state=EmailState.SENT)
    email(org, not_before=now - minute, lease_until=now + minute)  # leased
    expired = email(org, not_before=now - minute, lease_until=now - minute)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = OutboundEmail.objects.filter(free, state=EmailState.PENDING, not_before__lte=now)
    orm = list(due.order_by("not_before", "id").values_list("id", flat=True))
    assert reads.due_email_ids(now, 20) == orm == [early.pk, late.pk, expired.pk]
    assert reads.due_email_ids(now, 2) == orm[:2]


def test_it_reads_a_session_for_its_emails_as_the_orm_does(consultant, lesson, org) -> None:  # type: ignore[no-untyped-def]
    alone = make_session(consultant, lesson)
    series = Series.objects.create(org=org, every_weeks=2, count=3)
    weekly = make_session(consultant, lesson, title="Weekly")
    Session.objects.filter(pk=weekly.pk).update(series=series, series_index=1)
    for session in (alone, weekly):
        orm = Session.objects.select_related("consultant__user", "series").get(pk=session.pk)
        read = reads.session_for_emails(session.pk)
        assert values(read) == values(orm)
        assert values(read.consultant) == values(orm.consultant)
        assert values(read.consultant.user) == values(orm.consultant.user)
        assert (values(read.series) if read.series else None) == (values(orm.series) if orm.series else None)
    assert reads.session_for_emails(alone.pk).series is None
    assert reads.session_for_emails(weekly.pk).series.every_weeks == 2  # type: ignore[union-attr]
