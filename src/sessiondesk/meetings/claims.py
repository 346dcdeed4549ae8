"""Leases on meeting links: a compare-and-swap UPDATE decides who works on a link, on any database."""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sessiondesk.meetings import logbook
from sessiondesk.meetings.models import LinkState, MeetingLink

CLAIMABLE = [LinkState.PENDING, LinkState.WAITING]


def _due(now: dt.datetime) -> QuerySet[MeetingLink]:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return MeetingLink.objects.filter(free, state__in=CLAIMABLE, next_attempt_at__lte=now)


# A candidate as read before the claim: (id, session id, lease owner, lease end).
Candidate = tuple[int, int, str, dt.datetime | None]


def _cas(candidate: Candidate, owner: str, now: dt.datetime) -> bool:
    link_id, session_id, previous, expired = candidate
    lease = dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    # Only from the owner it was read with, so a takeover is reported against the right worker.
    won = (
        _due(now).filter(id=link_id, lease_owner=previous).update(lease_until=now + lease, lease_owner=owner)
    )
    if won and previous and previous != owner and expired is not None:
        logbook.taken_over(link_id, session_id, previous, expired)
    return won == 1


def claim(owner: str, limit: int = 1, now: dt.datetime | None = None) -> list[int]:
    """Lease up to ``limit`` due links for ``owner`` and return their ids.

    A crashed owner's lease simply expires and the link becomes due again (the log names the
    takeover). On PostgreSQL the candidates are picked with SKIP LOCKED so concurrent workers
    spread over different rows instead of racing for the same one; the CAS UPDATE is what makes
    the claim safe everywhere.
    """
    now = now or timezone.now()
    due = (
        _due(now)
        .order_by("next_attempt_at", "id")
        .values_list("id", "session_id", "lease_owner", "lease_until")
    )
    if connection.vendor == "postgresql":
        with transaction.atomic():
            candidates = list(due.select_for_update(skip_locked=True)[:limit])
            return [c[0] for c in candidates if _cas(c, owner, now)]
    claimed: list[int] = []
    for candidate in due[: limit * 4]:
        if _cas(candidate, owner, now):
            claimed.append(candidate[0])
            if len(claimed) == limit:
                break
    return claimed


def release(link_id: int, owner: str, **fields: object) -> int:
    """Write ``fields`` and drop the lease, only if ``owner`` still holds it."""
    return MeetingLink.objects.filter(id=link_id, lease_owner=owner).update(
        lease_until=None, lease_owner="", **fields
    )
