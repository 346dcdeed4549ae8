"""The booking flows. Each owns its transaction (durable: never inside another); views, the API and
the public pages call these.

Every change bumps the session's meeting link (``meetings.desired.session_changed``) and queues the
emails (``notifications.actions.session_event``) in the same transaction, so a change and its side
effects commit together or not at all.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.related import add_to_new, prepare_add_to_new, remember
from sessiondesk.lib.rows import Prepared, insert, prepare, write
from sessiondesk.meetings import desired, providers
from sessiondesk.notifications import actions as notify
from sessiondesk.scheduling import reads, validation
from sessiondesk.scheduling.availability import slot_check
from sessiondesk.scheduling.errors import HostMissing, InvalidBooking, SlotTaken
from sessiondesk.scheduling.models import (
    BookedVia,
    Calendar,
    CalendarKind,
    Client,
    Provider,
    Series,
    Session,
    SessionStatus,
    SessionType,
)
from sessiondesk.scheduling.recurrence import Repeat, occurrences, shift_wall_clock

THIS = "this"
FOLLOWING = "following"


@dataclass
class SessionDraft:
    title: str
    start: dt.datetime
    end: dt.datetime
    session_type: SessionType
    consultant: Member
    clients: list[Client] = field(default_factory=list)
    co_hosts: list[Member] = field(default_factory=list)
    is_online: bool = True
    provider: str | None = None  # None: the session type's default
    custom_meeting_url: str = ""
    location: str = ""
    agenda: str = ""
    calendar: Calendar | None = None


@dataclass
class SessionChanges:
    """Fields to change; ``None`` means leave as it is."""

    title: str | None = None
    agenda: str | None = None
    session_type: SessionType | None = None
    consultant: Member | None = None
    clients: list[Client] | None = None
    co_hosts: list[Member] | None = None
    is_online: bool | None = None
    provider: str | None = None
    custom_meeting_url: str | None = None
    location: str | None = None


def _row_locks() -> bool:
    """Whether the database locks rows. SQLite does not (``select_for_update`` is a plain SELECT there),
    and needs not: its IMMEDIATE transactions already serialise writers."""
    return bool(connection.features.has_select_for_update)


def _lock(members: list[Member]) -> None:
    """Serialise bookings per member: row locks on PostgreSQL, nothing more to do on SQLite."""
    if _row_locks():
        reads.lock_members([m.pk for m in members])


def _lock_calendar(calendar: Calendar) -> None:
    """``_lock`` for every member of a calendar, in one query."""
    if _row_locks():
        reads.lock_calendar_members(calendar.pk)


def _ensure_free(members: list[Member], start: dt.datetime, end: dt.datetime, exclude: list[int]) -> None:
    clash_id = reads.first_clash([m.pk for m in members], start, end, exclude)
    if clash_id is None:
        return
    # Only a refusal needs the clashing session's details (names for the message).
    clash = (
        Session.objects.select_related("consultant__user").prefetch_related("co_hosts__user").get(pk=clash_id)
    )
    busy = [m for m in [clash.consultant, *clash.co_hosts.all()] if m in members]
    name = busy[0].name if busy else "A member"
    local = timezone.localtime(clash.start, _tz(busy[0] if busy else members[0]))
    raise SlotTaken(
        f"{name} already has a session at that time ({clash.title}, {local:%a %d %b %H:%M %Z}).", "start"
    )


def _tz(member: Member) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(member.timezone)


def _provider(draft: SessionDraft) -> str:
    if not draft.is_online:
        return Provider.NONE
    return draft.provider if draft.provider is not None else draft.session_type.default_provider


def _validate_draft(org: Organization, draft: SessionDraft) -> str:
    validation.check_times(draft.start, draft.end)
    validation.check_host(org, draft.consultant)
    validation.check_members(org, draft.co_hosts)
    validation.check_clients(org, draft.clients)
    validation.check_related(org, draft.session_type, draft.calendar)
    if not draft.title.strip():
        raise InvalidBooking("Give the session a title.", "title")
    provider = _provider(draft)
    validation.check_meeting(draft.is_online, provider, draft.custom_meeting_url)
    return provider


def check_hosting(actor: Member | None, consultant: Member, is_online: bool, provider: str) -> None:
    """The rule of every entry point: a member saving an online session needs someone who can host
    its meeting (the provider decides who can). A client booking on a public page is never refused:
    the meeting waits until the consultant connects."""
    if actor is None or not is_online:
        return
    gap = providers.hosting_gap(provider, actor, consultant)
    if gap is not None:
        raise HostMissing(gap.message, provider=provider, actor_can_connect=gap.actor_can_connect)


def schedule_session(
    org: Organization,
    draft: SessionDraft,
    *,
    actor: Member | None,
    via: str = BookedVia.STAFF,
    repeat: Repeat | None = None,
    host_later: bool = False,
) -> Session:
    """Schedule a session (or a weekly series); returns the first occurrence.

    The returned session carries its clients and co-hosts (``session.clients.all()`` reads no
    database), so a response or a confirmation needs no second read. ``host_later``: the meeting
    may wait for its host to connect even though a member saves it (the demo's seed).
    """
    provider = _validate_draft(org, draft)
    if not host_later:
        try:
            check_hosting(actor, draft.consultant, draft.is_online, provider)
        except HostMissing:
            # A page may send the person to connect an account and save on their return: refuse a
            # clash now, not after that round trip. (Checked again under the locks when saving.)
            _ensure_all_free(draft, repeat)
            raise
    prepared = None if repeat else _prepare(org, draft, provider, actor=actor, via=via)
    with transaction.atomic(durable=True):
        everyone = [draft.consultant, *draft.co_hosts]
        _lock(everyone)
        return _insert(
            org, draft, provider, actor=actor, via=via, repeat=repeat, checked=False, prepared=prepared
        )


def _starts(draft: SessionDraft, repeat: Repeat | None) -> list[dt.datetime]:
    return occurrences(draft.start, draft.consultant.timezone, repeat) if repeat else [draft.start]


def _ensure_all_free(draft: SessionDraft, repeat: Repeat | None) -> None:
    duration = draft.end - draft.start
    for start in _starts(draft, repeat):
        _ensure_free([draft.consultant, *draft.co_hosts], start, start + duration, exclude=[])


@dataclass
class _Prepared:
    """A single session (no series) and its "booked" emails, made before the booking's transaction
    for ``draft``: inside it they are only written, so the locks are held that much less. A booking
    that ends up with other people than ``draft``'s (a round-robin host, a client added meanwhile)
    makes them inside instead, as a series does."""

    draft: SessionDraft
    session: Session
    # Their rows too, each value converted for the database (``lib.rows.prepare``): the session and
    # its attendees, written first; then its emails and audit entry.
    rows: list[Prepared]
    then: list[Prepared]


def _new_session(
    org: Organization,
    draft: SessionDraft,
    provider: str,
    *,
    actor: Member | None,
    via: str,
    start: dt.datetime,
    series: Series | None = None,
    index: int = 0,
) -> Session:
    return Session(
        org=org,
        title=draft.title.strip(),
        agenda=draft.agenda,
        session_type=draft.session_type,
        calendar=draft.calendar,
        consultant=draft.consultant,
        start=start,
        end=start + (draft.end - draft.start),
        is_online=draft.is_online,
        location=draft.location,
        provider=provider,
        custom_meeting_url=draft.custom_meeting_url if provider == Provider.CUSTOM else "",
        booked_by=actor,
        booked_via=via,
        series=series,
        series_index=index if series else None,
    )


def _prepare(
    org: Organization, draft: SessionDraft, provider: str, *, actor: Member | None, via: str
) -> _Prepared:
    session = _new_session(org, draft, provider, actor=actor, via=via, start=draft.start)
    attendees = [
        prepare_add_to_new(session, "clients", draft.clients),
        prepare_add_to_new(session, "co_hosts", draft.co_hosts),
    ]
    return _Prepared(
        draft,
        session,
        rows=[prepare([session]), *(rows for rows in attendees if rows is not None)],
        then=[
            prepare(notify.booked_emails(session, draft.clients, draft.co_hosts)),
            audit.prepare(
                org,
                actor,
                "session.scheduled",
                session,
                actor_label="" if actor else "public booking",
                occurrences=1,
            ),
        ],
    )


def _write_prepared(prepared: _Prepared, *, checked: bool) -> Session:
    """``_insert`` for a session made before the transaction: the clash check (unless ``checked``),
    then its rows written as they were made."""
    draft, session = prepared.draft, prepared.session
    if not checked:
        _ensure_free([draft.consultant, *draft.co_hosts], session.start, session.end, exclude=[])
    for rows in prepared.rows:
        write(rows)
    _written(session, draft)
    for rows in prepared.then:
        write(rows)
    return session


def _insert(
    org: Organization,
    draft: SessionDraft,
    provider: str,
    *,
    actor: Member | None,
    via: str,
    repeat: Repeat | None = None,
    checked: bool,
    prepared: _Prepared | None = None,
) -> Session:
    """Write a validated draft; call inside a transaction holding the locks of everyone on it.

    ``checked``: the caller has just found every member on the draft free for its one occurrence
    (the public page's slot check, which also honours buffers), so the clash check would repeat it.
    ``prepared``: this draft's session and emails, made before the transaction (``_prepare``).
    """
    if prepared is not None and (prepared.draft is not draft or repeat):
        raise ValueError("A prepared session is written for its own draft, and only for one occurrence.")
    if prepared is not None:
        return _write_prepared(prepared, checked=checked)
    starts = _starts(draft, repeat)
    duration = draft.end - draft.start
    everyone = [draft.consultant, *draft.co_hosts]
    series = (
        Series.objects.create(org=org, every_weeks=repeat.every_weeks, count=repeat.count, until=repeat.until)
        if repeat
        else None
    )
    sessions = []
    for index, start in enumerate(starts):
        if not (checked and len(starts) == 1):
            _ensure_free(everyone, start, start + duration, exclude=[])
        session = _new_session(
            org, draft, provider, actor=actor, via=via, start=start, series=series, index=index
        )
        insert([session])  # every booking writes one: SQL built once
        # A new session has no attendees yet: add them without reading the (empty) current set.
        add_to_new(session, "clients", draft.clients)
        add_to_new(session, "co_hosts", draft.co_hosts)
        _written(session, draft)
        sessions.append(session)
    first = sessions[0]
    notify.session_event(first, "booked")
    audit.record(
        org,
        actor,
        "session.scheduled",
        first,
        actor_label="" if actor else "public booking",
        occurrences=len(sessions),
    )
    return first


def _written(session: Session, draft: SessionDraft) -> None:
    """For a session this transaction has just written with ``draft``'s people: its attendees
    remembered on it, and its meeting wanted (``desired.session_created``)."""
    _remember(session, "clients", draft.clients)
    _remember(session, "co_hosts", draft.co_hosts)
    desired.session_created(session)


def _remember(session: Session, relation: str, objects: list[Any]) -> None:
    """Fill the many-to-many cache of a session this transaction just wrote, as ``prefetch_related``
    would (in the models' order, by name), so reading its attendees back costs no query."""
    remember(session, relation, sorted(objects, key=lambda o: (o.name, o.pk)))


def _targets(session: Session, scope: str) -> list[Session]:
    if scope not in (THIS, FOLLOWING):
        raise InvalidBooking("Scope must be 'this' or 'following'.", "scope")
    if scope == THIS or session.series_id is None:
        return [session]
    return list(
        Session.objects.select_for_update()
        .filter(
            series_id=session.series_id,
            series_index__gte=session.series_index,
            status=SessionStatus.SCHEDULED,
        )
        .select_related("consultant__user")
        .order_by("series_index")
    )


def _fresh(session: Session) -> Session:
    fresh = Session.objects.select_for_update().select_related("org", "consultant__user").get(pk=session.pk)
    if fresh.status == SessionStatus.CANCELLED:
        raise InvalidBooking("This session is cancelled; schedule a new one instead.")
    return fresh


def reschedule_session(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime | None = None,
    actor: Member | None,
    scope: str = THIS,
    actor_label: str = "",
    consultant: Member | None = None,
) -> Session:
    """Move a session (or it and the following occurrences, by the same wall-clock shift).

    ``consultant``: hand it to another host in the same step (the calendar's drag to another
    consultant's column); the new host and the co-hosts must be free at the new time, and the new
    host must be able to host its meeting. Either everything changes or nothing does."""
    with transaction.atomic(durable=True):
        session = _fresh(session)
        end = end or start + session.duration
        validation.check_times(start, end)
        targets = _targets(session, scope)
        host = session.consultant if consultant is None else consultant
        new_host = host.pk != session.consultant_id
        tz_name = session.consultant.timezone
        wall_delta = start.astimezone(_tz(session.consultant)).replace(
            tzinfo=None
        ) - session.start.astimezone(_tz(session.consultant)).replace(tzinfo=None)
        duration = end - start
        if wall_delta == dt.timedelta(0) and duration == session.duration and not new_host:
            return session
        co_hosts = list(session.co_hosts.all())
        if new_host:
            _check_new_host(session, host, co_hosts, actor)
        everyone = [host, *co_hosts]
        _lock(everyone)
        excluded = [t.pk for t in targets]
        for target in targets:
            previous = target.start
            target.start = (
                start if target.pk == session.pk else shift_wall_clock(target.start, tz_name, wall_delta)
            )
            target.end = target.start + duration
            target.consultant = host
            validation.check_times(target.start, target.end)
            _ensure_free(everyone, target.start, target.end, exclude=excluded)
            target.save(update_fields=["start", "end", "consultant", "updated_at"])
            desired.session_changed(target)
            notify.session_event(target, "rescheduled", previous_start=previous)
        audit.record(
            session.org,
            actor,
            "session.rescheduled",
            session,
            actor_label=actor_label,
            start=start.isoformat(),
            scope=scope,
            occurrences=len(targets),
        )
        if new_host:
            audit.record(session.org, actor, "session.updated", session, fields=["consultant"], scope=scope)
    session.refresh_from_db()
    return session


def _check_new_host(session: Session, host: Member, co_hosts: list[Member], actor: Member | None) -> None:
    validation.check_host(session.org, host)
    if any(m.pk == host.pk for m in co_hosts):
        raise InvalidBooking(f"{host.name} is already on this session as a co-host.", "consultant")
    check_hosting(actor, host, session.is_online, session.provider)


NOTIFY_FIELDS = {"title", "consultant", "is_online", "provider", "custom_meeting_url", "location", "clients"}


def update_session(
    session: Session, changes: SessionChanges, *, actor: Member | None, scope: str = THIS
) -> Session:
    """Rename, reassign, change attendees or the meeting provider. A save that changes nothing
    writes nothing, bumps nothing and sends nothing."""
    with transaction.atomic(durable=True):
        session = _fresh(session)
        org = session.org
        targets = _targets(session, scope)
        changed_any: set[str] = set()
        for target in targets:
            changed = _apply(org, target, changes, actor)
            if changed:
                desired.session_changed(target)
                if changed & NOTIFY_FIELDS:
                    notify.session_event(target, "updated")
            changed_any |= changed
        if changed_any:
            audit.record(org, actor, "session.updated", session, fields=sorted(changed_any), scope=scope)
    session.refresh_from_db()
    return session


def _apply(org: Organization, session: Session, changes: SessionChanges, actor: Member | None) -> set[str]:
    changed: set[str] = set()
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is None or f.name in ("clients", "co_hosts"):
            continue
        if getattr(session, f.name) != value:
            setattr(session, f.name, value.strip() if isinstance(value, str) and f.name == "title" else value)
            changed.add(f.name)
    if not session.title:
        raise InvalidBooking("Give the session a title.", "title")
    validation.check_host(org, session.consultant)
    validation.check_related(org, session.session_type, session.calendar)
    if not session.is_online:
        session.provider = Provider.NONE
    if session.provider != Provider.CUSTOM:
        session.custom_meeting_url = ""
    validation.check_meeting(session.is_online, session.provider, session.custom_meeting_url)
    if changed & {"consultant", "is_online", "provider"}:
        check_hosting(actor, session.consultant, session.is_online, session.provider)
    if "consultant" in changed or changes.co_hosts is not None:
        co_hosts = changes.co_hosts if changes.co_hosts is not None else list(session.co_hosts.all())
        validation.check_members(org, co_hosts)
        everyone = [session.consultant, *co_hosts]
        _lock(everyone)
        _ensure_free(everyone, session.start, session.end, exclude=[session.pk])
    if changed:
        session.save()
    changed |= _set_m2m(org, session, "clients", changes.clients)
    changed |= _set_m2m(org, session, "co_hosts", changes.co_hosts)
    return changed


def _set_m2m(org: Organization, session: Session, name: str, values: list[Any] | None) -> set[str]:
    if values is None:
        return set()
    if name == "clients":
        validation.check_clients(org, values)
    else:
        validation.check_members(org, values)
    manager = getattr(session, name)
    if {v.pk for v in manager.all()} == {v.pk for v in values}:
        return set()
    manager.set(values)
    return {name}


def cancel_session(
    session: Session, *, actor: Member | None, reason: str = "", scope: str = THIS, actor_label: str = ""
) -> Session:
    """Cancel a session (or it and the following occurrences). Cancelling twice changes nothing."""
    with transaction.atomic(durable=True):
        session = Session.objects.select_for_update().select_related("org").get(pk=session.pk)
        if session.status == SessionStatus.CANCELLED:
            return session
        targets = _targets(session, scope)
        now = timezone.now()
        for target in targets:
            target.status = SessionStatus.CANCELLED
            target.cancelled_at = now
            target.cancel_reason = reason[:300]
            target.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
            desired.session_changed(target)
            notify.session_event(target, "cancelled")
        audit.record(
            session.org,
            actor,
            "session.cancelled",
            session,
            actor_label=actor_label,
            reason=reason,
            scope=scope,
            occurrences=len(targets),
        )
    session.refresh_from_db()
    return session


def pick_round_robin(candidates: list[Member]) -> Member:
    """The free member with the fewest upcoming sessions; ties go to the one booked least recently."""
    now = timezone.now()
    stats = {
        row["pk"]: row
        for row in Member.objects.filter(pk__in=[m.pk for m in candidates])
        .annotate(
            upcoming=Count(
                "hosted_sessions",
                filter=Q(hosted_sessions__start__gte=now, hosted_sessions__status=SessionStatus.SCHEDULED),
            ),
            last_booked=Max("hosted_sessions__created_at"),
        )
        .values("pk", "upcoming", "last_booked")
    }
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)

    def key(member: Member) -> tuple[int, dt.datetime, int]:
        row = stats[member.pk]
        return (row["upcoming"], row["last_booked"] or epoch, member.pk)

    return min(candidates, key=key)


def _public_client(org: Organization, new: Client) -> Client:
    """The organisation's client with ``new``'s email, or ``new`` (the visitor's details) added when
    there is none. As ``get_or_create``, without its savepoint: a booking that adds the same email
    meanwhile wins, and its client is the one booked."""
    client = reads.client_by_email(org.pk, new.email)
    if client is not None:
        return client
    if insert([new], unless=["org_id", "email"]):
        return new
    added = reads.client_by_email(org.pk, new.email)
    if added is None:  # added and deleted since
        raise IntegrityError(f"The client {new.email} was added and deleted during this booking.")
    return added


def _public_draft(
    calendar: Calendar, start: dt.datetime, host: Member, co_hosts: list[Member], client: Client, notes: str
) -> SessionDraft:
    session_type = calendar.session_type
    return SessionDraft(
        title=session_type.name,
        start=start,
        end=start + dt.timedelta(minutes=session_type.duration_minutes),
        session_type=session_type,
        consultant=host,
        co_hosts=list(co_hosts),
        clients=[client],
        is_online=session_type.is_online,
        # The calendar's own link (a personal room), when it has one, before the type's meeting.
        provider=Provider.CUSTOM if calendar.custom_meeting_url else None,
        custom_meeting_url=calendar.custom_meeting_url,
        calendar=calendar,
        agenda=notes,
    )


def _hosts(calendar: Calendar, free: list[Member]) -> tuple[Member, list[Member]]:
    """The host and co-hosts among the members ``free`` for a slot; for round robin, chosen by
    ``pick_round_robin`` (which reads), so call that under the booking's locks."""
    if calendar.kind == CalendarKind.COLLECTIVE:
        return free[0], free[1:]
    if calendar.kind == CalendarKind.ROUND_ROBIN:
        return pick_round_robin(free), []
    return free[0], []


def book_public(
    calendar: Calendar,
    *,
    start: dt.datetime,
    name: str,
    email: str,
    timezone_name: str,
    phone: str = "",
    notes: str = "",
    admit: Callable[[], None] | None = None,
) -> Session:
    """A client books a slot on a public page. A slot taken meanwhile raises SlotTaken.

    ``admit`` runs first in the booking's transaction and may raise to turn the booking away: what it
    writes (the page's rate-limit count) commits with the booking, or is undone with it."""
    if not name.strip():
        raise InvalidBooking("Please enter your name.", "name")
    validation.validate_client_timezone(timezone_name)
    org = calendar.org
    check = slot_check(calendar, start)  # what bookings do not change, read before taking the locks
    visitor = Client(
        org=org,
        email=email.strip().lower(),
        name=name.strip(),
        timezone=timezone_name,
        phone=phone,
        notes=notes,
    )
    prepared = None
    if check.members and calendar.kind != CalendarKind.ROUND_ROBIN:
        # The session and its emails, made before the locks for the hosts the page offers and a new
        # client; used if that is who is booked (a returning client's are made under the locks).
        expected = _public_draft(calendar, start, *_hosts(calendar, check.members), visitor, notes)
        prepared = _prepare(org, expected, _provider(expected), actor=None, via=BookedVia.PUBLIC)
    with transaction.atomic(durable=True):
        if admit is not None:
            admit()
        _lock_calendar(calendar)
        members = check.free_members()
        if not members:
            raise SlotTaken("Sorry, that time was just taken. Please pick another time.", "start")
        host, co_hosts = _hosts(calendar, members)
        draft = _public_draft(calendar, start, host, co_hosts, _public_client(org, visitor), notes)
        provider = _validate_draft(org, draft)
        # The drafts compare field by field, models by id: a visitor added just now is the very
        # client prepared for, while a client already on record is not (their emails word the
        # client's stored name and time zone, not what was typed).
        if prepared is not None and draft == prepared.draft:
            draft = prepared.draft
        else:
            prepared = None
        # free_members has just found host and co-hosts free (buffers included), under their locks.
        return _insert(
            org, draft, provider, actor=None, via=BookedVia.PUBLIC, checked=True, prepared=prepared
        )
