"""The one entry point scheduling calls: record, in its own transaction, that a session changed.

Nothing here talks to a provider. The reconciler (``meetings.reconciler``) later compares the
session as it is then with what was last applied and makes at most one call per net change, so
calling this for a save that changed nothing costs no provider call.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from sessiondesk.lib.related import remember
from sessiondesk.meetings import horizon, providers
from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling.models import Provider, Session, SessionStatus
from sessiondesk.worker import wakeup


def wanted_provider(session: Session) -> str | None:
    """The provider that should hold a meeting for this session right now, or None."""
    if session.status != SessionStatus.SCHEDULED or not session.is_online:
        return None
    if not session.provider or session.provider == Provider.NONE:
        return None
    return session.provider


def session_changed(session: Session) -> None:
    """Bump the desired version of the session's meeting links; call inside the changing transaction."""
    provider = wanted_provider(session)
    links = MeetingLink.objects.filter(session_id=session.pk)
    if provider is not None:
        _want(session, provider)
        links = links.exclude(provider=provider)
    # Links of other providers may hold a meeting (or a create in flight): the worker removes it.
    _bump(links.exclude(state=LinkState.DELETED, desired_version=F("applied_version")))
    _wake_workers()


def session_created(session: Session) -> None:
    """``session_changed`` for a session this transaction has just inserted: it has no links to bump
    and nobody else can have made one, so this is one insert when it wants a meeting, else nothing.
    The new link (or none) is left in the session's ``meeting_links`` cache, as ``prefetch_related``
    would, so showing the session's meeting block reads nothing back."""
    provider = wanted_provider(session)
    links = []
    if provider is not None:
        links.append(MeetingLink.objects.create(session=session, provider=provider, desired_version=1))
        _wake_workers()
    remember(session, "meeting_links", links)


def sessions_imported(sessions: list[Session]) -> int:
    """``session_created`` for many sessions an import has just inserted, in one insert.

    An imported timetable may hold a term of sessions: a meeting with an outside provider is created
    only when the session comes within the rolling horizon (``meetings.horizon``), so an import never
    floods a host's daily limit; until then its link waits, due on its creation date. Returns how many
    links were written."""
    now = timezone.now()
    days = dt.timedelta(days=settings.MEETING_HORIZON_DAYS)
    links = []
    for session in sessions:
        provider = wanted_provider(session)
        if provider is None:
            continue
        link = MeetingLink(
            session=session, org_id=session.org_id, provider=provider, desired_version=1, next_attempt_at=now
        )
        implementation = providers.get(provider)
        opens = session.start - days
        if implementation is not None and implementation.external and opens > now:
            link.state, link.waiting_for = LinkState.WAITING, WaitReason.HORIZON
            link.next_attempt_at, link.remedy = opens, horizon.REMEDY
        links.append(link)
    MeetingLink.objects.bulk_create(links, batch_size=1000)
    if links:
        _wake_workers()
    return len(links)


def _want(session: Session, provider: str) -> None:
    if _bump(MeetingLink.objects.filter(session_id=session.pk, provider=provider)):
        return
    try:
        # A savepoint, so a concurrent creator's win leaves the caller's transaction usable.
        with transaction.atomic():
            MeetingLink.objects.create(session=session, provider=provider, desired_version=1)
    except IntegrityError:
        _bump(MeetingLink.objects.filter(session_id=session.pk, provider=provider))


# A link that holds a meeting already: its changes may wait a moment, so that quick edits in a row
# (a person fixing a title, then the time) become one provider call instead of one each.
HOLDS_MEETING = Q(applied_payload__isnull=False) | ~Q(external_id="")


def _bump(links) -> int:  # type: ignore[no-untyped-def]
    now = timezone.now()
    settled = now + dt.timedelta(seconds=settings.MEETING_UPDATE_SETTLE_SECONDS)
    return links.update(
        desired_version=F("desired_version") + 1,
        state=LinkState.PENDING,
        attempts=0,
        # A new meeting is due at once (people wait for its join link); a change, once edits settle.
        next_attempt_at=Case(When(HOLDS_MEETING, then=Value(settled)), default=Value(now)),
        last_error="",
        remedy="",
    )


def _wake_workers() -> None:
    wakeup.notify()  # worker processes wake when this transaction commits
    transaction.on_commit(wakeup.wake)


def _due_now(links: QuerySet[MeetingLink]) -> int:
    count = links.update(
        state=LinkState.PENDING, attempts=0, next_attempt_at=timezone.now(), awaits_connection=False
    )
    if count:
        _wake_workers()
    return count


def resume_awaiting_connection(provider: str, sessions: QuerySet[Session]) -> int:
    """Make due again the ``provider`` links of ``sessions`` that stopped only because no account
    could host them; call in the transaction that connects one. The worker then finds the host
    anew: a link the new connection cannot host either is blocked again, with its remedy.

    A link in a worker's hands right now may have looked for its host before this connection
    existed; a new desired version makes the worker take it again instead of storing that answer
    (as for any change made during a call)."""
    links = MeetingLink.objects.filter(provider=provider, session__in=sessions)
    if _bump(links.exclude(lease_owner="")):
        _wake_workers()
    return _due_now(links.filter(state=LinkState.BLOCKED, awaits_connection=True))


def retry(session: Session) -> int:
    """Make a stopped or waiting link of the session due now (a person pressed Retry)."""
    provider = wanted_provider(session)
    if provider is None:
        return 0
    stuck = Q(state__in=[LinkState.BLOCKED, LinkState.WAITING]) | Q(state=LinkState.PENDING, attempts__gt=0)
    return _due_now(MeetingLink.objects.filter(stuck, session_id=session.pk, provider=provider))
