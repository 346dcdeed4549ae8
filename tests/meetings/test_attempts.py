from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessiondesk.meetings import attempts
from sessiondesk.meetings.models import CallAttempt, MeetingLink
from sessiondesk.scheduling.models import Session

NOT_ALIKE = {"id", "created_at"}


def values(attempt: CallAttempt) -> dict[str, object]:
    return {
        f.attname: getattr(attempt, f.attname)
        for f in CallAttempt._meta.concrete_fields
        if f.attname not in NOT_ALIKE
    }


def test_it_records_a_call_as_create_does(session: Session) -> None:
    link = MeetingLink.objects.get(session=session)
    orm = CallAttempt.objects.create(
        link=link, provider="zoom", operation="meeting.create", status=429, provider_code="429",
        outcome="transient", duration_ms=312, excerpt='{"code": 429, "message": "Too many requests."}',
    )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        made = attempts.record(
            link, provider="zoom", operation="meeting.create", status=429, code=429, outcome="transient",
            duration_ms=312, excerpt='{"code": 429, "message": "Too many requests."}',
        )  # fmt: skip
    assert len(captured.captured_queries) == 1
    assert made.pk == orm.pk + 1 and not made._state.adding
    assert values(CallAttempt.objects.get(pk=made.pk)) == values(CallAttempt.objects.get(pk=orm.pk))
    assert CallAttempt.objects.get(pk=made.pk).created_at == made.created_at


def test_it_records_a_call_without_a_link_and_cuts_the_excerpt(db) -> None:  # type: ignore[no-untyped-def]
    made = attempts.record(
        None,
        provider="zoom",
        operation="oauth.token.refresh",
        outcome="ok",
        excerpt="x" * 2500,
        duration_ms=-3,
    )
    [row] = CallAttempt.objects.all()
    assert (row.pk, row.link_id, row.status, row.duration_ms, len(row.excerpt)) == (
        made.pk,
        None,
        None,
        0,
        2000,
    )
