import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from sessiondesk.meetings import claims
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session


def test_it_leases_a_due_link_to_one_owner(session: Session) -> None:
    link = MeetingLink.objects.get(session=session)
    assert claims.claim("a", 5) == [link.pk]
    assert claims.claim("b", 5) == []
    link.refresh_from_db()
    assert link.lease_owner == "a"
    assert link.lease_until > timezone.now()


def test_it_reclaims_a_link_whose_lease_expired(session: Session) -> None:
    claims.claim("crashed", 1)
    MeetingLink.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert len(claims.claim("b", 1)) == 1
    assert MeetingLink.objects.get().lease_owner == "b"


def test_it_skips_links_not_yet_due(session: Session) -> None:
    MeetingLink.objects.update(next_attempt_at=timezone.now() + dt.timedelta(minutes=1))
    assert claims.claim("a", 1) == []


def test_it_skips_blocked_and_settled_links(session: Session) -> None:
    MeetingLink.objects.update(state="blocked")
    assert claims.claim("a", 1) == []
    MeetingLink.objects.update(state="active")
    assert claims.claim("a", 1) == []


def test_it_release_needs_the_lease(session: Session) -> None:
    [link_id] = claims.claim("a", 1)
    assert claims.release(link_id, "b") == 0
    assert claims.release(link_id, "a") == 1
    assert MeetingLink.objects.get().lease_owner == ""


@pytest.mark.django_db(transaction=True)
def test_it_gives_each_link_to_exactly_one_of_many_concurrent_claimers(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    from tests.support.sessions import make_session

    ids = {make_session(consultant, lesson, title=f"S{i}").meeting_links.get().pk for i in range(6)}
    barrier = threading.Barrier(4)
    won: dict[str, list[int]] = {}

    def claimer(name: str) -> None:
        try:
            barrier.wait()
            won[name] = claims.claim(name, 6)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [link_id for links in won.values() for link_id in links]
    assert sorted(claimed) == sorted(ids)
    owners = {link.pk: link.lease_owner for link in MeetingLink.objects.all()}
    assert all(link_id in won[owners[link_id]] for link_id in ids)


def test_its_statements_pick_and_lease_the_links_the_orm_would(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    from tests.support.sessions import make_session

    links = [make_session(consultant, lesson, title=f"S{i}").meeting_links.get() for i in range(7)]
    now = timezone.now()
    later, leased, expired, blocked, waiting = links[1], links[2], links[3], links[4], links[5]
    MeetingLink.objects.filter(pk=later.pk).update(next_attempt_at=now + dt.timedelta(minutes=1))
    MeetingLink.objects.filter(pk=leased.pk).update(
        lease_owner="x", lease_until=now + dt.timedelta(minutes=1)
    )
    MeetingLink.objects.filter(pk=expired.pk).update(
        lease_owner="y", lease_until=now - dt.timedelta(seconds=1)
    )
    MeetingLink.objects.filter(pk=blocked.pk).update(state="blocked")
    MeetingLink.objects.filter(pk=waiting.pk).update(
        state="waiting", next_attempt_at=now - dt.timedelta(days=1)
    )
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = MeetingLink.objects.filter(free, state__in=claims.CLAIMABLE, next_attempt_at__lte=now)
    orm = list(
        due.order_by("next_attempt_at", "id").values_list("id", "session_id", "lease_owner", "lease_until")
    )
    assert [row[0] for row in orm] == [waiting.pk, links[0].pk, expired.pk, links[6].pk]
    assert claims._candidates(now, 10, lock=False) == orm
    assert claims._candidates(now, 2, lock=False) == orm[:2]
    assert claims.claim("z", 10, now=now) == [row[0] for row in orm]
    owners = dict(MeetingLink.objects.values_list("id", "lease_owner"))
    assert owners == {
        **{link.pk: "z" for link in (links[0], expired, waiting, links[6])},
        later.pk: "",
        leased.pk: "x",
        blocked.pk: "",
    }
    until = now + dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    assert set(MeetingLink.objects.filter(lease_owner="z").values_list("lease_until", flat=True)) == {until}
