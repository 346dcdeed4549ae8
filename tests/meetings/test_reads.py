import pytest
from django.db.models import Model

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.reads import link_for_pass
from sessiondesk.scheduling.models import Session


def values(instance: Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_it_reads_a_link_with_its_session_consultant_and_organisation_as_the_orm_does(
    session: Session,
) -> None:
    MeetingLink.objects.filter(session=session).update(
        applied_payload={"host": {"label": "Carla"}}, lease_owner="w-1", external_id="85746065432"
    )
    orm = MeetingLink.objects.select_related("session__consultant__user", "session__org").get(session=session)
    link = link_for_pass(orm.pk)
    assert values(link) == values(orm)
    assert values(link.session) == values(orm.session)
    assert values(link.session.consultant) == values(orm.session.consultant)
    assert values(link.session.consultant.user) == values(orm.session.consultant.user)
    assert values(link.session.org) == values(orm.session.org)
    assert link.applied_payload == {"host": {"label": "Carla"}}
    assert (link.session.start, link.session.consultant.user.email) == (session.start, "carla@acme.test")


def test_it_reads_the_related_rows_without_another_query(session: Session, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    link_id = MeetingLink.objects.get(session=session).pk
    with django_assert_num_queries(1):
        link = link_for_pass(link_id)
        assert (link.session.consultant.user.email, link.session.org.slug) == ("carla@acme.test", "acme")


def test_a_missing_link_raises_does_not_exist(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MeetingLink.DoesNotExist):
        link_for_pass(404)


def test_it_reads_a_sessions_clients_and_registrations_as_the_orm_does(session: Session, org) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.meetings.models import Registration
    from sessiondesk.meetings.reads import clients_of, registrations_of
    from sessiondesk.scheduling.models import Client

    later = Client.objects.create(org=org, name="Zed Zero", email="zed@example.com")
    session.clients.add(later)
    orm = list(session.clients.order_by("pk"))
    assert [values(c) for c in clients_of(session.pk)] == [values(c) for c in orm]
    assert len(orm) == 2
    assert registrations_of(session.pk) == []
    Registration.objects.create(
        session=session, client=later, state="registered", join_url="https://z/w/1?tk=a"
    )
    [orm_row] = Registration.objects.filter(session=session)
    [row] = registrations_of(session.pk)
    assert values(row) == values(orm_row)


def test_it_reads_the_active_join_links_of_sessions(session: Session, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.meetings.reads import active_join_urls
    from tests.support.sessions import make_session

    other = make_session(consultant, lesson, title="Other")
    empty = make_session(consultant, lesson, title="Empty")
    MeetingLink.objects.filter(session=session).update(state="active", join_url="https://z/j/1")
    MeetingLink.objects.filter(session=other).update(state="pending", join_url="https://z/j/2")
    MeetingLink.objects.filter(session=empty).update(state="active", join_url="")
    ids = [session.pk, other.pk, empty.pk]
    orm = MeetingLink.objects.filter(session__in=ids, state="active").exclude(join_url="")
    expected = [(link.session_id, link.provider, link.join_url) for link in orm]
    assert active_join_urls(ids) == expected
    assert expected == [(session.pk, MeetingLink.objects.get(session=session).provider, "https://z/j/1")]
    assert active_join_urls([]) == []
