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


def email(org, kind="booked", **fields) -> OutboundEmail:  # type: ignore[no-untyped-def]
    return OutboundEmail.objects.create(
        org=org, kind=kind, to="sam@example.com", subject="Hi", body_text="Hi", **fields
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


def test_it_reads_the_emails_told_about_a_session_as_the_orm_does(consultant, lesson, org, student) -> None:  # type: ignore[no-untyped-def]
    series = Series.objects.create(org=org, every_weeks=1, count=2)
    first, second = make_session(consultant, lesson), make_session(consultant, lesson, title="Second")
    Session.objects.filter(pk__in=[first.pk, second.pk]).update(series=series)
    other = make_session(consultant, lesson, title="Other")
    booked = email(org, session=second, client=student, state=EmailState.SENT, context={"shown": {"a": 1}})
    email(org, session=first, client=student, state=EmailState.SENT)
    email(org, session=first, member=consultant, kind="updated")
    email(org, session=first, member=consultant, kind="cancelled", state=EmailState.SKIPPED)
    email(org, session=first, client=student, kind="reminder")
    email(org, session=second, member=consultant, kind="updated")  # another occurrence's news
    email(org, session=other, client=student)
    kinds = ("booked", "rescheduled", "updated", "cancelled")
    loaded = ("session_id", "client_id", "member_id", "kind", "state", "context")
    for series_id in (series.pk, None):
        about = Q(session_id=first.pk, kind__in=kinds)
        if series_id:
            about |= Q(session__series_id=series_id, kind="booked")
        told = OutboundEmail.objects.filter(about).exclude(state=EmailState.SKIPPED).order_by("pk")
        orm = list(told.only(*loaded))
        read = reads.emails_told(first.pk, series_id, kinds)
        assert [e.pk for e in read] == [e.pk for e in orm]
        assert [[getattr(e, f) for f in loaded] for e in read] == [
            [getattr(e, f) for f in loaded] for e in orm
        ]
        assert [e.get_deferred_fields() for e in read] == [e.get_deferred_fields() for e in orm]
    oldest = reads.emails_told(first.pk, series.pk, kinds)[0]
    assert (oldest.pk, oldest.context) == (booked.pk, {"shown": {"a": 1}})
    assert len(reads.emails_told(first.pk, None, kinds)) == 2


def test_it_releases_the_emails_waiting_for_the_link_as_the_orm_does(consultant, lesson, org) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    minute = dt.timedelta(minutes=1)
    sessions = make_session(consultant, lesson), make_session(consultant, lesson, title="Other")
    for session in sessions:
        email(org, session=session, not_before=now + minute)
        email(org, session=session, not_before=now + 2 * minute)
        email(org, session=session, not_before=now - minute)  # already due
        email(org, session=session, not_before=now + minute, state=EmailState.SENT)
    email(org, session=sessions[0], not_before=now + minute, kind="reminder")
    waiting = OutboundEmail.objects.filter(session=sessions[1], state=EmailState.PENDING, not_before__gt=now)
    assert waiting.update(not_before=now) == 2
    assert reads.release_waiting(sessions[0].pk, now) == 3
    assert reads.release_waiting(sessions[0].pk, now) == 0

    def times(session: Session) -> list[tuple[str, str, dt.datetime]]:
        emails = OutboundEmail.objects.filter(session=session).order_by("pk")
        return [(e.kind, e.state, e.not_before) for e in emails if e.kind == "booked"]

    assert times(sessions[0]) == times(sessions[1])
    assert [t[2] for t in times(sessions[0])] == [now, now, now - minute, now + minute]
