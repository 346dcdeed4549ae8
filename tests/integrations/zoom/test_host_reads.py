"""The host decision's reads, written as SQL, against the ORM queries they stand for."""

from django.db.models import Model, Q

from sessiondesk.integrations.zoom.meetings import host_reads
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from tests.support.sessions import make_session


def values(instance: Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def connection(member, kind=ConnectionKind.PERSONAL, status=ConnectionStatus.ACTIVE, user="u"):  # type: ignore[no-untyped-def]
    return ZoomConnection.objects.create(
        org=member.org, member=member, kind=kind, status=status, zoom_user_id=f"{user}-{member.pk}-{status}",
        zoom_account_id="acct", zoom_email=f"{user}@zoom.test", granted_scopes="meeting:write:meeting",
    )  # fmt: skip


def test_it_reads_the_live_connections_as_the_orm_does(
    owner, admin, consultant, consultant2, outsider
) -> None:  # type: ignore[no-untyped-def]
    org = connection(admin, kind=ConnectionKind.ORGANIZATION, user="org")
    carla = connection(consultant, user="carla")
    connection(consultant, status=ConnectionStatus.REVOKED, user="old")
    connection(consultant2, user="dev")  # not among the members asked for
    connection(outsider, user="rita")  # another organisation
    members = (consultant.pk, owner.pk)
    live = ZoomConnection.objects.exclude(status=ConnectionStatus.REVOKED).select_related("member__user")
    orm = live.filter(
        Q(kind=ConnectionKind.ORGANIZATION) | Q(kind=ConnectionKind.PERSONAL, member_id__in=members),
        org_id=owner.org_id,
    ).order_by("pk")
    read = sorted(host_reads.live_connections(owner.org_id, members), key=lambda c: c.pk)
    assert [c.pk for c in read] == [c.pk for c in orm] == [org.pk, carla.pk]
    for mine, theirs in zip(read, orm, strict=True):
        assert values(mine) == values(theirs)
        assert values(mine.member) == values(theirs.member)
        assert values(mine.member.user) == values(theirs.member.user)


def test_a_connection_whose_member_left_reads_without_one(owner, admin) -> None:  # type: ignore[no-untyped-def]
    org = connection(admin, kind=ConnectionKind.ORGANIZATION, user="org")
    ZoomConnection.objects.filter(pk=org.pk).update(member=None)
    [read] = host_reads.live_connections(owner.org_id, (owner.pk,))
    assert (read.pk, read.member_id, read.member) == (org.pk, None, None)


def test_it_reads_a_sessions_co_hosts_as_the_orm_does(consultant, consultant2, owner, lesson) -> None:  # type: ignore[no-untyped-def]
    session = make_session(consultant, lesson)
    assert host_reads.co_host_ids(session.pk) == ()
    session.co_hosts.add(owner, consultant2)
    assert host_reads.co_host_ids(session.pk) == tuple(sorted(session.co_hosts.values_list("pk", flat=True)))
    assert set(host_reads.co_host_ids(session.pk)) == {owner.pk, consultant2.pk}
