"""A booking of one session words its emails before its transaction, and makes its rows ready to
write (each value converted for the database), so the transaction (and on SQLite the one write lock
every booking waits for) only writes them. What is queued is what the
session, once saved, says: the same recipients, subjects and contexts. A series, a round-robin page
and a returning client's booking word them inside, as before."""

import dataclasses

import pytest
from django.db import connection

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.notifications import content
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Calendar, CalendarKind, Client, Session
from sessiondesk.scheduling.recurrence import Repeat
from tests.scheduling.public_support import first_slot, make_calendar


def queued(session: Session) -> list[tuple]:
    emails = OutboundEmail.objects.filter(session=session).order_by("id")
    return [(e.kind, e.to, e.client_id, e.member_id, e.subject, e.context) for e in emails]


def as_saved(session: Session) -> list[tuple]:
    """The booking emails of ``session`` worded from the saved session (clients and hosts read)."""
    session = Session.objects.get(pk=session.pk)
    people = [*session.clients.order_by("pk"), *session.hosts()]
    return [
        (
            "booked",
            person.email,
            person.pk if isinstance(person, Client) else None,
            None if isinstance(person, Client) else person.pk,
            content.subject(session, "booked", person),
            {"event": "booked"},
        )
        for person in people
    ]


@pytest.fixture
def spoken(monkeypatch) -> list[bool]:  # type: ignore[no-untyped-def]
    """Whether each subject was worded inside a transaction."""
    inside: list[bool] = []
    real = content.subject

    def subject(*args, **kwargs):  # type: ignore[no-untyped-def]
        inside.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "subject", subject)
    return inside


@pytest.mark.django_db(transaction=True)
def test_a_staff_booking_words_its_emails_before_its_transaction(org, staff, draft, consultant2, spoken):
    with_co_host = dataclasses.replace(draft, co_hosts=[consultant2])
    session = actions.schedule_session(org, with_co_host, actor=staff)
    assert spoken == [False, False, False]
    assert queued(session) == as_saved(session)
    assert [to for _, to, *_ in queued(session)] == ["stu@example.test", "carla@acme.test", "dev@acme.test"]
    assert (
        queued(session)[1][4] == f"Confirmed: Algebra with Stu Student on {_when(session, draft.consultant)}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_session_without_clients_names_the_other_hosts(org, staff, draft, consultant2, spoken):
    alone = dataclasses.replace(draft, clients=[], co_hosts=[consultant2])
    session = actions.schedule_session(org, alone, actor=staff)
    assert spoken == [False, False]
    assert queued(session) == as_saved(session)
    assert queued(session)[0][4].startswith("Confirmed: Algebra with Dev Consultant on ")


@pytest.mark.django_db(transaction=True)
def test_a_series_words_its_email_once_saved(org, staff, draft, spoken):
    session = actions.schedule_session(org, draft, actor=staff, repeat=Repeat(every_weeks=1, count=3))
    assert spoken == [True, True]
    assert queued(session)[0][4].startswith("Confirmed: Algebra with Carla Consultant, weekly from ")


@pytest.mark.django_db(transaction=True)
def test_a_new_client_booking_a_page_has_its_emails_worded_before_the_locks(org, lesson, consultant, spoken):
    calendar = make_calendar(org, lesson, [consultant])
    session = actions.book_public(
        calendar,
        start=first_slot(calendar),
        name=" Nia New ",
        email="Nia@Example.test ",
        timezone_name="Asia/Tokyo",
    )
    assert spoken == [False, False]
    assert queued(session) == as_saved(session)
    client = Client.objects.get(email="nia@example.test")
    assert (client.name, client.timezone) == ("Nia New", "Asia/Tokyo")
    assert queued(session)[0][:3] == ("booked", "nia@example.test", client.pk)


@pytest.mark.django_db(transaction=True)
def test_a_returning_client_is_written_to_as_stored(org, lesson, consultant, student, spoken):
    """The page books the client on record (their name and time zone, not what was typed), so the
    emails prepared for a new client are not the ones queued."""
    calendar = make_calendar(org, lesson, [consultant])
    session = actions.book_public(
        calendar, start=first_slot(calendar), name="Stuart", email="stu@example.test", timezone_name="UTC"
    )
    assert spoken == [False, False, True, True]
    assert queued(session) == as_saved(session)
    assert queued(session)[0][2] == student.pk
    assert f"({_zone(session, student)})" in queued(session)[0][4]
    assert Client.objects.get(pk=student.pk).name == "Stu Student"


@pytest.mark.django_db(transaction=True)
def test_a_round_robin_page_words_them_for_the_host_it_picks(org, lesson, consultant, consultant2, spoken):
    session = book_as_nia(
        make_calendar(org, lesson, [consultant, consultant2], slug="team", kind=CalendarKind.ROUND_ROBIN)
    )
    assert spoken == [True, True]
    assert queued(session) == as_saved(session)


@pytest.mark.django_db(transaction=True)
def test_a_collective_page_words_them_for_every_host(org, lesson, consultant, consultant2, spoken):
    session = book_as_nia(
        make_calendar(org, lesson, [consultant, consultant2], slug="both", kind=CalendarKind.COLLECTIVE)
    )
    assert spoken == [False, False, False]
    assert queued(session) == as_saved(session)
    assert [to for _, to, *_ in queued(session)] == ["nia@example.test", "carla@acme.test", "dev@acme.test"]


def book_as_nia(calendar: Calendar) -> Session:
    """A new client books the calendar's first free slot."""
    return actions.book_public(
        calendar, start=first_slot(calendar), name="Nia", email="nia@example.test", timezone_name="UTC"
    )


def _when(session: Session, person) -> str:  # type: ignore[no-untyped-def]
    return content.format_when(session.start, person.timezone)


def _zone(session: Session, person) -> str:  # type: ignore[no-untyped-def]
    return _when(session, person).rsplit("(", 1)[1].rstrip(")")


@pytest.fixture
def converted(monkeypatch) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Each value of a booking's rows converted for the database ("Model.field"), and whether inside
    a transaction."""
    seen: list[tuple[str, bool]] = []
    through = [Session._meta.get_field(name).remote_field.through for name in ("clients", "co_hosts")]  # type: ignore[union-attr]
    for model in (Session, OutboundEmail, AuditEntry, *through):
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue  # never inserted; a foreign key converts its value through it
            real = field.get_db_prep_save

            def watched(*args, real=real, name=f"{model.__name__}.{field.name}", **kwargs):  # type: ignore[no-untyped-def]
                seen.append((name, connection.in_atomic_block))
                return real(*args, **kwargs)

            monkeypatch.setattr(field, "get_db_prep_save", watched)
    return seen


def inside(seen: list[tuple[str, bool]]) -> set[str]:
    return {name for name, in_transaction in seen if in_transaction}


@pytest.mark.django_db(transaction=True)
def test_a_booking_converts_only_the_new_ids_inside_its_transaction(
    org, staff, draft, consultant2, lesson, consultant, converted
):
    with_co_host = dataclasses.replace(draft, co_hosts=[consultant2])
    session = actions.schedule_session(org, with_co_host, actor=staff)
    assert len(converted) > 40  # every value of the session, its attendees, emails and audit entry
    # The session's own id, waited for by every other row; nothing else.
    assert inside(converted) == {
        "SessionClient.session",
        "SessionCoHost.session",
        "OutboundEmail.session",
        "AuditEntry.object_id",
    }
    assert AuditEntry.objects.get(action="session.scheduled").object_id == str(session.pk)
    assert sorted(OutboundEmail.objects.values_list("session_id", flat=True)) == [session.pk] * 3

    converted.clear()
    calendar = make_calendar(org, lesson, [consultant])
    booked = book_as_nia(calendar)
    # A new client is saved in the transaction too: the rows naming them wait for their id.
    assert inside(converted) == {
        "SessionClient.session",
        "SessionClient.client",
        "OutboundEmail.session",
        "OutboundEmail.client",
        "AuditEntry.object_id",
    }
    nia = Client.objects.get(email="nia@example.test")
    assert list(booked.clients.all()) == [nia]
    assert OutboundEmail.objects.get(session=booked, client__isnull=False).client_id == nia.pk


@pytest.mark.django_db(transaction=True)
def test_a_series_converts_its_rows_inside_its_transaction(org, staff, draft, converted):
    actions.schedule_session(org, draft, actor=staff, repeat=Repeat(every_weeks=1, count=2))
    assert {name for name, _ in converted if name.startswith("Session.")} <= inside(converted)
