"""Importing sessions, with the checks of the booking flows (``scheduling.validation``): known
consultant, session type and clients, times in the future and at most 12 hours long, the meeting
settings, the consultant's availability when they have set any, and no clash with a session they
already have or with another row of the file.

A session is the same session when its external id was imported before, or, without an id, when
its consultant has a session starting at the same moment. Imported sessions send no emails (a term's
timetable would mail every client at once); their meetings come through the normal sync
(``meetings.desired.sessions_imported``), never from inside the import.
"""

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.digits import is_digits
from sessiondesk.meetings import desired
from sessiondesk.scheduling import validation

# The booking flows' own lock of the members (row locks on PostgreSQL), taken in the same order.
from sessiondesk.scheduling.actions import _lock as lock_members
from sessiondesk.scheduling.errors import BookingError
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Client,
    DateOverride,
    Provider,
    Series,
    Session,
    SessionClient,
    SessionCoHost,
    SessionStatus,
    SessionType,
)
from sessiondesk.scheduling.recurrence import Repeat, localize, occurrences
from sessiondesk.transfer import plan as p
from sessiondesk.transfer.csvfile import Table
from sessiondesk.transfer.models import ImportedRecord

KIND = "sessions"
BATCH = 1000
ONLINE_WORDS = {"online", "yes", "true", "1", "y", "video", "zoom", "remote"}
IN_PERSON_WORDS = {"in person", "in-person", "inperson", "no", "false", "0", "n", "offline", "on site"}
CANCELLED_WORDS = {"cancelled", "canceled", "rejected"}
Busy = tuple[dt.datetime, dt.datetime, str, int]  # start, end, what (a title or "line N"), session id or 0


@dataclass
class Context:
    """Everything the rows are checked against, read once."""

    org: Organization
    hosts: dict[str, Member]
    types: dict[str, SessionType]
    clients: dict[str, int]
    imported: dict[str, int]
    busy: dict[int, list[Busy]] = field(default_factory=lambda: defaultdict(list))
    by_start: dict[tuple[int, dt.datetime], tuple[int, str]] = field(default_factory=dict)
    rules: dict[int, dict[int, list[tuple[dt.time | None, dt.time | None]]]] = field(default_factory=dict)
    overrides: dict[int, dict[dt.date, list[tuple[dt.time | None, dt.time | None]]]] = field(
        default_factory=dict
    )


def parse_moment(value: str, tz_name: str, what: str = "start") -> dt.datetime:
    """An ISO 8601 date and time; one without an offset is a wall-clock time in ``tz_name``."""
    if not value:
        raise p.Refused(f"No {what}.")
    try:
        moment = dt.datetime.fromisoformat(value.replace(" UTC", "Z"))
    except ValueError:
        raise p.Refused(
            f"“{value}” is not a date and time; write it as 2026-03-04 15:00 (or 2026-03-04T15:00:00Z)."
        ) from None
    if timezone.is_naive(moment):
        moment = localize(moment, zoneinfo.ZoneInfo(tz_name))
    return moment.astimezone(dt.UTC)


def _emails(value: str) -> list[str]:
    return [e for e in re.split(r"[\s,;|]+", value.strip().lower()) if e]


def _context(org: Organization, lock: bool) -> Context:
    hosts = {m.user.email.lower(): m for m in Member.objects.filter(org=org).select_related("user", "org")}
    if lock:
        lock_members([m for m in hosts.values() if m.is_active])
    return Context(
        org=org,
        hosts=hosts,
        types={t.name.lower(): t for t in SessionType.objects.filter(org=org)},
        clients=dict(
            Client.objects.filter(org=org).annotate(lower=Lower("email")).values_list("lower", "pk")
        ),
        imported=dict(
            ImportedRecord.objects.filter(
                org=org, kind=KIND, object_id__in=Session.objects.filter(org=org).values("pk")
            ).values_list("external_id", "object_id")
        ),
    )


def _load_calendar(ctx: Context, first: dt.datetime, last: dt.datetime) -> None:
    """The sessions (busy time), availability and date overrides of the period the file covers."""
    sessions = Session.objects.filter(org=ctx.org, start__lt=last, end__gt=first)
    for pk, consultant_id, start, end, title, status in sessions.values_list(
        "pk", "consultant_id", "start", "end", "title", "status"
    ):
        ctx.by_start[(consultant_id, start)] = (pk, status)
        if status == SessionStatus.SCHEDULED:
            ctx.busy[consultant_id].append((start, end, title, pk))
    co_hosted = SessionCoHost.objects.filter(
        session__in=sessions.filter(status=SessionStatus.SCHEDULED)
    ).values_list("member_id", "session__start", "session__end", "session__title", "session_id")
    for member_id, start, end, title, pk in co_hosted:
        ctx.busy[member_id].append((start, end, title, pk))
    for member_id, weekday, start_time, end_time in AvailabilityRule.objects.filter(
        member__org=ctx.org
    ).values_list("member_id", "weekday", "start_time", "end_time"):
        ctx.rules.setdefault(member_id, defaultdict(list))[weekday].append((start_time, end_time))
    for member_id, date, opens, closes in DateOverride.objects.filter(
        member__org=ctx.org,
        date__gte=(first - dt.timedelta(days=1)).date(),
        date__lte=(last + dt.timedelta(days=1)).date(),
    ).values_list("member_id", "date", "start_time", "end_time"):
        ctx.overrides.setdefault(member_id, defaultdict(list))[date].append((opens, closes))


@dataclass
class Draft:
    line: int
    values: dict[str, Any]
    consultant: Member
    starts: list[dt.datetime]
    duration: dt.timedelta
    clients: list[int]
    external_id: str
    repeat: Repeat | None
    given: set[str] = field(default_factory=set)  # the fields the file gives (not defaults)


def _draft(ctx: Context, line: int, cells: dict[str, str], mapping: dict[str, str]) -> Draft:
    cell = lambda name: p.cell(cells, mapping, name)  # noqa: E731
    address = cell("consultant").lower()
    if not address:
        raise p.Refused("No consultant email.")
    consultant = ctx.hosts.get(address)
    if consultant is None:
        raise p.Refused(f"Unknown consultant {address}: nobody in this organisation has that email.")
    type_name = cell("session_type")
    if not type_name:
        raise p.Refused("No session type.")
    session_type = ctx.types.get(type_name.lower())
    if session_type is None:
        known = ", ".join(t.name for t in ctx.types.values())
        raise p.Refused(f"Unknown session type “{type_name}”; this organisation has: {known}.")
    tz_name = cell("timezone")
    tz_name = p.zone(tz_name) if tz_name else consultant.timezone
    start_text = cell("start") or " ".join(filter(None, [cell("date"), cell("time")]))
    start = parse_moment(start_text, tz_name)
    if cell("end"):
        end = parse_moment(cell("end"), tz_name, "end")
    elif cell("duration"):
        if not is_digits(cell("duration")):
            raise p.Refused(f"The duration “{cell('duration')}” is not a number of minutes.")
        end = start + dt.timedelta(minutes=int(cell("duration")))
    else:
        end = start + dt.timedelta(minutes=session_type.duration_minutes)
    where = cell("where").lower()
    if where and where not in ONLINE_WORDS | IN_PERSON_WORDS:
        raise p.Refused(f"“{cell('where')}” is neither online nor in person.")
    is_online = session_type.is_online if not where else where in ONLINE_WORDS
    provider = _provider(cell("provider"), session_type) if is_online else Provider.NONE
    meeting_url = cell("meeting_url")
    if meeting_url and is_online and not cell("provider"):
        provider = Provider.CUSTOM
    title = p.text(cell("title") or session_type.name, "title", 200)
    custom_url = meeting_url if provider == Provider.CUSTOM else ""
    values: dict[str, Any] = {
        "title": title,
        "agenda": cell("agenda"),
        "session_type": session_type,
        "is_online": is_online,
        "location": p.text(cell("location"), "place", 300),
        "provider": provider,
        "custom_meeting_url": custom_url,
    }
    clients = []
    for address in _emails(cell("clients")):
        if address not in ctx.clients:
            raise p.Refused(f"Unknown client {address}; import the clients first.")
        clients.append(ctx.clients[address])
    repeat = _repeat(cell("repeat_count"), cell("every_weeks"))
    try:
        validation.check_host(ctx.org, consultant)
        # A row in the past may be a session imported before (unchanged); new ones are refused below.
        validation.check_times(start, end, allow_past=True)
        validation.check_meeting(is_online, provider, custom_url)
        starts = occurrences(start, consultant.timezone, repeat) if repeat else [start]
    except BookingError as error:
        raise p.Refused(error.message) from None
    given = {name for name in ("title", "agenda", "location") if cell(name)}
    return Draft(line, values, consultant, starts, end - start, clients, cell("external_id"), repeat, given)


def _provider(value: str, session_type: SessionType) -> str:
    if not value:
        return session_type.default_provider
    for name, label in Provider.choices:
        if value.lower() in (name, label.lower()):
            return name
    raise p.Refused(f"Unknown online meeting “{value}”; use Zoom, Custom link or No online meeting.")


def _repeat(count: str, every: str) -> Repeat | None:
    if not count or count == "1":
        return None
    if not is_digits(count) or (every and not is_digits(every)):
        raise p.Refused("The weekly repeat must be a number of sessions (and every how many weeks).")
    return Repeat(every_weeks=int(every or 1), count=int(count))


def _outside_availability(ctx: Context, member: Member, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether a member who has set weekly availability is not available for the whole session.
    A member who has set none is taken as available (the staff pages book them the same way)."""
    rules = ctx.rules.get(member.pk)
    if not rules:
        return False
    tz = zoneinfo.ZoneInfo(member.timezone)
    local = start.astimezone(tz)
    day = local.date()
    for spans in (ctx.overrides.get(member.pk, {}).get(day), None):
        windows = spans if spans is not None else rules.get(day.weekday(), [])
        for window_start, window_end in windows:
            if window_start is None or window_end is None:
                continue
            opens = localize(dt.datetime.combine(day, window_start), tz)
            closes = localize(dt.datetime.combine(day, window_end), tz)
            if opens <= start and end <= closes:
                return False
        if spans is not None:
            return True
    return True


def _clash(ctx: Context, member: Member, start: dt.datetime, end: dt.datetime, exclude: int) -> str | None:
    for busy_start, busy_end, what, pk in ctx.busy.get(member.pk, []):
        if busy_start < end and start < busy_end and (pk == 0 or pk != exclude):
            return what
    return None


def _raw_label(cells: dict[str, str], mapping: dict[str, str]) -> str:
    """A row as the file wrote it (title, consultant, start), for a row that could not be read."""
    names = ("title", "session_type", "consultant", "start", "date", "time")
    return ", ".join(filter(None, (p.cell(cells, mapping, name) for name in names)))


def _when(moment: dt.datetime, tz_name: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M %Z}"


def make_plan(org: Organization, table: Table, mapping: dict[str, str], *, lock: bool = False) -> p.Plan:
    plan = p.Plan(KIND)
    ctx = _context(org, lock)
    drafts: list[Draft | tuple[int, str, str, str]] = []
    for line, cells in table.rows:
        if p.cell(cells, mapping, "status").lower() in CANCELLED_WORDS:
            drafts.append((line, p.SKIP, "Cancelled in the file.", _raw_label(cells, mapping)))
            continue
        try:
            drafts.append(_draft(ctx, line, cells, mapping))
        except p.Refused as refusal:
            drafts.append((line, p.REJECT, str(refusal), _raw_label(cells, mapping)))
    starts = [s for d in drafts if isinstance(d, Draft) for s in d.starts]
    if starts:
        _load_calendar(ctx, min(starts) - dt.timedelta(hours=12), max(starts) + dt.timedelta(hours=12))
    seen_ids: dict[str, int] = {}
    matched: list[tuple[p.Row, Draft]] = []
    for draft in drafts:
        if isinstance(draft, tuple):
            plan.add(*draft)
        else:
            _plan_row(ctx, plan, draft, seen_ids, matched)
    _compare(matched)
    return plan


def _plan_row(
    ctx: Context, plan: p.Plan, draft: Draft, seen_ids: dict[str, int], matched: list[tuple[p.Row, Draft]]
) -> None:
    consultant, first = draft.consultant, draft.starts[0]
    label = f"{draft.values['title']}, {consultant.name}, {_when(first, consultant.timezone)}"
    if draft.external_id and draft.external_id in seen_ids:
        plan.add(draft.line, p.REJECT, f"The same external id as line {seen_ids[draft.external_id]}.", label)
        return
    if draft.external_id:
        seen_ids[draft.external_id] = draft.line
    target = ctx.imported.get(draft.external_id) if draft.external_id else None
    if target is None and (consultant.pk, first) in ctx.by_start:
        target, status = ctx.by_start[(consultant.pk, first)]
        if status == SessionStatus.CANCELLED:
            plan.add(
                draft.line, p.SKIP, "Already here, and cancelled; nothing changes.", label
            ).target = target
            return
    if target is not None:
        row = plan.add(draft.line, p.SKIP, "Already imported; nothing changes.", label)
        row.target = target
        matched.append((row, draft))
        return
    try:
        validation.check_times(first, first + draft.duration)
    except BookingError as error:
        plan.add(draft.line, p.REJECT, error.message, label)
        return
    for start in draft.starts:
        end = start + draft.duration
        clash = _clash(ctx, consultant, start, end, exclude=0)
        if clash is not None:
            when = _when(start, consultant.timezone)
            plan.add(
                draft.line, p.REJECT, f"{consultant.name} already has a session at {when} ({clash}).", label
            )
            return
        if _outside_availability(ctx, consultant, start, end):
            when = _when(start, consultant.timezone)
            plan.add(draft.line, p.REJECT, f"{when} is outside {consultant.name}'s availability.", label)
            return
    for start in draft.starts:
        ctx.busy[consultant.pk].append((start, start + draft.duration, f"line {draft.line}", 0))
    occurrences = f" ({len(draft.starts)} weekly sessions)" if len(draft.starts) > 1 else ""
    row = plan.add(draft.line, p.CREATE, f"New session{occurrences}.", label, **draft.values)
    row.values.update(
        consultant=consultant,
        starts=draft.starts,
        duration=draft.duration,
        clients=draft.clients,
        external_id=draft.external_id,
        repeat=draft.repeat,
    )


def _compare(matched: list[tuple[p.Row, Draft]]) -> None:
    """Turn the rows of sessions imported before into updates where the file changes them (times
    are changed in SessionDesk, where a move is checked and the people are told). One read for all."""
    ids = [row.target for row, _ in matched if row.target is not None]
    current: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for values in Session.objects.filter(pk__in=chunk).values(
            "pk", "title", "agenda", "location", "start", "end"
        ):
            current[values["pk"]] = {**values, "clients": set()}
        attending = SessionClient.objects.filter(session_id__in=chunk)
        for session_id, client_id in attending.values_list("session_id", "client_id"):
            current[session_id]["clients"].add(client_id)
    for row, draft in matched:
        session = current[row.target or 0]
        changed: dict[str, Any] = {}
        for name in ("title", "agenda", "location"):
            if name in draft.given and session[name] != draft.values[name]:
                changed[name] = draft.values[name]
        if draft.clients and session["clients"] != set(draft.clients):
            changed["clients"] = draft.clients
        if changed:
            row.action, row.reason, row.values = p.UPDATE, f"Changes {', '.join(sorted(changed))}.", changed
        if (session["start"], session["end"]) != (draft.starts[0], draft.starts[0] + draft.duration):
            row.reason = (row.reason + " " if changed else "Already imported. ") + (
                "Its time differs from the file's: times change in SessionDesk, where a move is checked."
            )


def apply(org: Organization, plan: p.Plan, actor: Member | None) -> None:
    rows = [row for row in plan.rows if row.action == p.CREATE]
    new: list[Session] = []
    owners: list[p.Row] = []
    for row in rows:
        values = dict(row.values)
        consultant, starts, duration = values.pop("consultant"), values.pop("starts"), values.pop("duration")
        values.pop("clients"), values.pop("external_id")
        repeat = values.pop("repeat")
        series = None
        if repeat is not None:
            series = Series.objects.create(org=org, every_weeks=repeat.every_weeks, count=repeat.count)
        for index, start in enumerate(starts):
            new.append(
                Session(
                    org=org,
                    consultant=consultant,
                    start=start,
                    end=start + duration,
                    booked_by=actor,
                    series=series,
                    series_index=index if series else None,
                    **values,
                )
            )
            owners.append(row)
    Session.objects.bulk_create(new, batch_size=BATCH)
    links = [
        SessionClient(session_id=session.pk, client_id=client_id)
        for session, row in zip(new, owners, strict=True)
        for client_id in row.values["clients"]
    ]
    SessionClient.objects.bulk_create(links, batch_size=BATCH)
    first: dict[int, int] = {}
    for session, row in zip(new, owners, strict=True):
        first.setdefault(id(row), session.pk)
    records = [
        ImportedRecord(org=org, kind=KIND, external_id=row.values["external_id"], object_id=first[id(row)])
        for row in rows
        if row.values["external_id"]
    ]
    ImportedRecord.objects.bulk_create(records, batch_size=BATCH)
    desired.sessions_imported(new)
    for row in plan.rows:
        if row.action == p.UPDATE:
            _update(row)


def _update(row: p.Row) -> None:
    session = Session.objects.get(pk=row.target or 0)
    values = dict(row.values)
    clients = values.pop("clients", None)
    for name, value in values.items():
        setattr(session, name, value)
    if values:
        session.save(update_fields=[*values, "updated_at"])
    if clients is not None:
        session.clients.set(clients)
    desired.session_changed(session)
