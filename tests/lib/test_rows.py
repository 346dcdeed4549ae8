"""Rows read and written with SQL built once come out and go in as the ORM reads and writes them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import ApiToken, AuditEntry
from sessiondesk.accounts.tokens import create_token
from sessiondesk.integrations.zoom.models import ConnectionKind, MeetingPolicy, ZoomConnection, ZoomTokenSet
from sessiondesk.lib import rows
from sessiondesk.lib.related import add_to_new, prepare_add_to_new
from sessiondesk.lib.rows import insert, related_instances, select_related, unique_row
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import Calendar, Client, Session, SessionClient, SessionType

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


def test_it_inserts_a_row_as_create_does(org, consultant, staff, lesson):
    values = dict(
        org=org,
        title="Algebra",
        session_type=lesson,
        consultant=consultant,
        start=START,
        end=END,
        booked_by=staff,
    )
    made = Session.objects.create(**values)
    inserted = Session(**values)
    before = dt.datetime.now(dt.UTC)
    with CaptureQueriesContext(connection) as captured:
        assert insert([inserted]) == 1
    assert len(captured.captured_queries) == 1
    assert inserted.pk == made.pk + 1
    assert (inserted._state.adding, inserted._state.db) == (False, "default")
    assert inserted.created_at >= before and inserted.updated_at >= before  # auto_now_add, auto_now
    again = Session.objects.get(pk=inserted.pk)
    assert fields(again) == fields(inserted)
    assert fields(again, NOT_SAVED_ALIKE) == fields(Session.objects.get(pk=made.pk), NOT_SAVED_ALIKE)


def test_it_inserts_many_rows_in_one_statement_with_their_ids_and_json(org, consultant, student):
    emails = [
        OutboundEmail(
            org=org,
            kind="booked",
            to=f"{n}@example.test",
            subject=f"Email {n}",
            body_text="Hi",
            member=consultant if n else None,
            client=student if not n else None,
            context={"event": "booked", "n": n},
        )
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as captured:
        assert insert(emails) == 3
    assert len(captured.captured_queries) == 1
    assert [fields(OutboundEmail.objects.get(pk=e.pk)) for e in emails] == [fields(e) for e in emails]
    assert OutboundEmail.objects.get(subject="Email 2").context == {"event": "booked", "n": 2}
    assert insert([]) == 0


def test_it_leaves_out_a_row_whose_unique_values_are_taken(org, student):
    again = Client(org=org, name="Someone Else", email=student.email)
    with CaptureQueriesContext(connection) as captured:
        assert insert([again], unless=["org_id", "email"]) == 0
    assert len(captured.captured_queries) == 1
    assert again.pk is None and again._state.adding
    assert list(Client.objects.values_list("name", flat=True)) == ["Stu Student"]
    new = Client(org=org, name="Nina New", email="nina@example.test")
    assert insert([new], unless=["org_id", "email"]) == 1
    assert Client.objects.get(pk=new.pk).name == "Nina New"
    with pytest.raises(ValueError, match="one object at a time"):
        insert(
            [Client(org=org, email="a@example.test"), Client(org=org, email="b@example.test")],
            unless=["email"],
        )


def test_it_refuses_a_model_whose_saving_does_more(org, consultant, lesson, student):
    session = Session.objects.create(
        org=org, title="T", session_type=lesson, consultant=consultant, start=START, end=END
    )
    with pytest.raises(ValueError, match="MeetingLink does more when saved"):
        insert([MeetingLink(session=session, provider="custom")])

    def receiver(**kwargs):  # type: ignore[no-untyped-def]
        pass

    post_save.connect(receiver, sender=AuditEntry)
    try:
        with pytest.raises(ValueError, match="AuditEntry does more when saved"):
            insert([AuditEntry(org=org, action="x")])
    finally:
        post_save.disconnect(receiver, sender=AuditEntry)
    assert AuditEntry.objects.filter(action="x").count() == 0

    m2m_changed.connect(receiver, sender=SessionClient)
    try:
        with pytest.raises(ValueError, match="m2m_changed receivers"):
            add_to_new(session, "clients", [student])
    finally:
        m2m_changed.disconnect(receiver, sender=SessionClient)
    assert list(session.clients.all()) == []


def test_it_adds_to_a_new_row_as_add_does(org, consultant, consultant2, lesson, student):
    session = Session.objects.create(
        org=org, title="T", session_type=lesson, consultant=consultant, start=START, end=END
    )
    other = Client.objects.create(org=org, name="Amy Adams", email="amy@example.test")
    with CaptureQueriesContext(connection) as captured:
        add_to_new(session, "clients", [student, other, student])
        add_to_new(session, "co_hosts", [consultant2])
        add_to_new(session, "co_hosts", [])
    assert len(captured.captured_queries) == 2
    assert sorted(session.clients.values_list("pk", flat=True)) == sorted([student.pk, other.pk])
    assert list(session.co_hosts.all()) == [consultant2]


def test_rows_prepared_before_their_session_is_saved_are_written_as_insert_writes_them(
    org, consultant, consultant2, lesson, staff
):
    session = Session(
        org=org, title="Algebra", session_type=lesson, consultant=consultant, start=START, end=END
    )
    visitor = Client(
        org=org, name="Nina New", email="nina@example.test"
    )  # saved later, as a public booking's
    with CaptureQueriesContext(connection) as captured:
        own = rows.prepare([session])
        attendees = prepare_add_to_new(session, "clients", [visitor, visitor])
        co_hosts = prepare_add_to_new(session, "co_hosts", [consultant2, consultant2])
        email = OutboundEmail(
            org=org, session=session, kind="booked", to=visitor.email, client=visitor, context={"n": 1}
        )
        mails = rows.prepare([email])
        entry = audit.prepare(org, staff, "session.scheduled", session, occurrences=1)
    assert captured.captured_queries == []  # made ahead: nothing read or written
    assert prepare_add_to_new(session, "co_hosts", []) is None
    with pytest.raises(ValueError, match=r"OutboundEmail\.session is still not saved"):
        rows.write(mails)  # the email waits for its session's id
    assert OutboundEmail.objects.count() == 0

    visitor.save()
    with CaptureQueriesContext(connection) as captured:
        for prepared in (own, attendees, co_hosts, mails, entry):
            assert prepared is not None and rows.write(prepared) == 1
    assert len(captured.captured_queries) == 5
    saved = Session.objects.get(pk=session.pk)
    assert fields(saved) == fields(session)
    assert list(saved.clients.all()) == [visitor] and list(saved.co_hosts.all()) == [consultant2]
    assert fields(OutboundEmail.objects.get(pk=email.pk)) == fields(email)
    assert (email.session_id, email.client_id) == (session.pk, visitor.pk)
    logged = AuditEntry.objects.get(action="session.scheduled")
    assert (logged.object_type, logged.object_id, logged.object_repr) == (
        "session",
        str(session.pk),
        str(session),
    )
    assert (logged.actor_id, logged.detail) == (staff.pk, {"occurrences": 1})


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


def test_it_updates_a_row_as_update_does(org, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    sessions = [
        Session.objects.create(
            org=org, title=title, session_type=lesson, consultant=consultant, start=START, end=END
        )
        for title in ("By the ORM", "Built once")
    ]
    links = [MeetingLink.objects.create(session=s, provider="zoom", lease_owner="w-1") for s in sessions]
    values = dict(
        state=LinkState.ACTIVE,
        join_url="https://zoom.test/j/1",
        host_member_id=consultant.pk,
        applied_payload={"meeting": {"topic": "Algebra", "duration": 60}, "host": None},
        intent_payload=None,
        lease_until=None,
        next_attempt_at=END,
        awaits_connection=False,
    )
    assert MeetingLink.objects.filter(id=links[0].pk, lease_owner="w-1").update(**values) == 1
    with CaptureQueriesContext(connection) as captured:
        assert rows.update(MeetingLink, {"id": links[1].pk, "lease_owner": "w-1"}, **values) == 1
        assert rows.update(MeetingLink, {"id": links[1].pk, "lease_owner": "w-2"}, **values) == 0
    assert len(captured.captured_queries) == 2
    orm, built = (MeetingLink.objects.get(pk=link.pk) for link in links)
    assert fields(built, NOT_SAVED_ALIKE | {"session_id"}) == fields(orm, NOT_SAVED_ALIKE | {"session_id"})
    assert built.applied_payload == {"meeting": {"topic": "Algebra", "duration": 60}, "host": None}
    assert (built.state, built.host_member_id, built.next_attempt_at) == ("active", consultant.pk, END)
    assert built.updated_at == links[1].updated_at  # like update(): auto_now is left as it was


def test_it_updates_only_rows_equal_to_values(org, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    session = Session.objects.create(
        org=org, title="T", session_type=lesson, consultant=consultant, start=START, end=END
    )
    link = MeetingLink.objects.create(session=session, provider="zoom", lease_owner="w-1")
    with pytest.raises(ValueError, match="None would need IS NULL"):
        rows.update(MeetingLink, {"id": link.pk, "host_member_id": None}, passcode="1")
    with pytest.raises(ValueError, match="must each name columns of MeetingLink"):
        rows.update(MeetingLink, {}, passcode="1")
    assert rows.update(MeetingLink, {"id": link.pk, "desired_version": 2}, passcode="2") == 0
    assert rows.update(MeetingLink, {"id": link.pk, "desired_version": 1}, passcode="3") == 1
    assert MeetingLink.objects.get(pk=link.pk).passcode == "3"


def test_it_reads_the_rows_equal_to_values_as_filter_does(org, student, lesson) -> None:  # type: ignore[no-untyped-def]
    other = Client.objects.create(org=org, name="Other", email="other@example.test")
    assert rows.matching(Client, {"org_id": org.pk, "email": student.email}) == [student]
    found = rows.matching(Client, {"org": org.pk, "email": other.email})  # by name or attname
    assert [values(c) for c in found] == [values(Client.objects.get(pk=other.pk))]
    assert rows.matching(SessionType, {"org_id": org.pk, "id": lesson.pk}) == [lesson]
    assert rows.matching(SessionType, {"org_id": org.pk + 1, "id": lesson.pk}) == []
    with pytest.raises(ValueError, match="None would need IS NULL"):
        rows.matching(Client, {"org_id": org.pk, "email": None})
    with pytest.raises(ValueError, match="must each name columns of Client"):
        rows.matching(Client, {})
