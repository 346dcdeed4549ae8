"""An organisation the size SessionDesk is built for, written in bulk: consultants with weekly
hours, clients, a year of sessions (weekly series and single sessions, some cancelled, online
ones with meeting links in every state), audit entries and a synced Zoom directory.

``bench/pages_at_scale.py`` measures the pages on it; the query-count tests seed it small. The
rows are written with ``bulk_create`` and no booking rules run: the data is made to be read.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone

from sessiondesk.accounts.actions import create_organization
from sessiondesk.accounts.models import AuditEntry, Member, Organization, Role, User
from sessiondesk.api.paging import BY_START
from sessiondesk.integrations.zoom.directory.models import DirectoryUser, UserStatus
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection
from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    CalendarKind,
    Client,
    Provider,
    Series,
    Session,
    SessionClient,
    SessionStatus,
    SessionType,
)

BATCH = 2000
SLOTS_PER_WEEK = 10
WEEKS = 52
PAST_WEEKS = 43  # about ten months behind, two ahead
SERIES_WEEKS = 12


@dataclass
class Size:
    consultants: int = 500
    clients: int = 20_000
    sessions_per_consultant: int = 480
    zoom_users: int = 10_000
    audit_entries: int = 60_000
    team_members: int = 50  # the round-robin calendar's members

    def scaled(self, share: float) -> "Size":
        return Size(
            consultants=max(2, round(self.consultants * share)),
            clients=max(10, round(self.clients * share)),
            sessions_per_consultant=self.sessions_per_consultant,
            zoom_users=max(10, round(self.zoom_users * share)),
            audit_entries=max(10, round(self.audit_entries * share)),
            team_members=max(2, min(self.team_members, round(self.consultants * share))),
        )


@dataclass
class Seeded:
    """What the pages are measured on: the people and the objects whose pages are opened."""

    org: Organization
    owner: Member
    consultant: Member  # the first consultant: as many sessions as any
    session: Session  # an upcoming session of a weekly series, online on Zoom
    client: Client  # a client with as many sessions as any
    round_robin: Calendar
    collective: Calendar
    counts: dict[str, int] = field(default_factory=dict)


def seed(size: Size, *, slug: str = "scale", password: str = "scale-bench-password", seed: int = 1) -> Seeded:
    """Write the organisation; returns what the pages open. Deterministic for a given ``seed``."""
    rng = random.Random(seed)
    with transaction.atomic():
        owner = create_organization(
            name=f"Scale Tutoring ({slug})",
            slug=slug,
            owner_email=f"owner@{slug}.test",
            owner_name="Olga Owner",
            password=password,
            timezone="Europe/London",
        )
        org = owner.org
        consultants = _consultants(org, size, make_password(password))
        clients = _clients(org, size)
        types = list(SessionType.objects.filter(org=org, is_online=True).order_by("pk"))
        round_robin, collective = _calendars(org, consultants, size, types[0])
        sessions = _sessions(org, consultants, clients, types, rng, size, round_robin)
        _links(org, sessions, rng)
        _audit(org, owner, sessions, size)
        _directory(org, owner, consultants, size)
    first = consultants[0]
    upcoming = (
        Session.objects.filter(
            consultant=first, series__isnull=False, provider=Provider.ZOOM, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    assert upcoming is not None
    client = upcoming.clients.get()
    counts = {
        "consultants": len(consultants),
        "clients": len(clients),
        "sessions": Session.objects.filter(org=org).count(),
        "meeting_links": MeetingLink.objects.filter(org=org).count(),
        "audit_entries": AuditEntry.objects.filter(org=org).count(),
        "zoom_users": DirectoryUser.objects.filter(org=org).count(),
    }
    return Seeded(org, owner, first, upcoming, client, round_robin, collective, counts)


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _workday(days: int = 0) -> str:
    """``days`` on from tomorrow, or from the Monday after it when tomorrow is a Saturday or a Sunday:
    the seeded members work Monday to Friday, so a page of that day (or of the week from it) shows
    as much whatever day the benchmark runs."""
    day = timezone.localdate() + dt.timedelta(days=1)
    if day.weekday() >= 5:
        day += dt.timedelta(days=7 - day.weekday())
    return (day + dt.timedelta(days=days)).isoformat()


def _monday(days: int) -> str:
    """The Monday of the week ``days`` from today (the calendar's weeks start on Monday)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _twenty(seeded: Seeded) -> str:
    """The resource view's choice: the twenty consultants it shows at most."""
    ids = (
        Member.objects.filter(org=seeded.org, role=Role.CONSULTANT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return "&".join(f"consultants={pk}" for pk in ids[:20])


def _second_api_page(seeded: Seeded) -> str:
    fiftieth = Session.objects.filter(org=seeded.org).order_by("start", "pk")[49]
    return f"/api/v1/sessions/?cursor={BY_START.encode(fiftieth)}"


# The pages a day uses: (page, who is signed in, address). ``bench/pages_at_scale.py`` measures
# them; tests/ops/test_query_counts.py checks their query counts do not grow with the data.
DAILY_PAGES: list[tuple[str, str, Callable[[Seeded], str]]] = [
    ("booked sessions", "owner", lambda s: "/"),
    ("booked sessions", "consultant", lambda s: "/"),
    # The calendar: a small page, then the sessions of the visible range from its events feed.
    ("week", "owner", lambda s: f"/calendar/?view=week&date={_day(1)}"),
    ("week", "consultant", lambda s: f"/calendar/?view=week&date={_day(1)}"),
    ("week events", "consultant", lambda s: f"/calendar/events/?start={_monday(1)}&end={_monday(8)}"),
    ("day", "owner", lambda s: f"/calendar/?view=day&date={_workday()}"),
    ("day", "consultant", lambda s: f"/calendar/?view=day&date={_workday()}"),
    ("resource day", "owner", lambda s: f"/calendar/?view=consultants&date={_workday()}&{_twenty(s)}"),
    (
        "resource day events",
        "owner",
        lambda s: f"/calendar/events/?start={_workday()}&end={_workday(1)}&{_twenty(s)}",
    ),
    ("schedule a session", "owner", lambda s: "/sessions/new/"),
    ("client search", "owner", lambda s: "/pick/clients/?q=ada"),
    ("clients list", "owner", lambda s: "/clients/"),
    ("client detail", "owner", lambda s: f"/clients/{s.client.pk}/"),
    ("session detail", "owner", lambda s: f"/sessions/{s.session.pk}/"),
    ("session detail", "consultant", lambda s: f"/sessions/{s.session.pk}/"),
    ("integration health", "owner", lambda s: "/integrations/zoom/health/"),
    ("zoom users", "owner", lambda s: "/integrations/zoom/users/"),
    ("audit log", "owner", lambda s: "/audit/"),
    ("api sessions", "owner", lambda s: "/api/v1/sessions/"),
    ("api sessions", "consultant", lambda s: "/api/v1/sessions/"),
    ("api sessions, second page", "owner", _second_api_page),
    ("api clients", "owner", lambda s: "/api/v1/clients/"),
    ("api clients search", "owner", lambda s: "/api/v1/clients/?q=ada"),
    ("api zoom users", "owner", lambda s: "/api/v1/zoom/users/"),
    (
        "api slots, round robin",
        "owner",
        lambda s: f"/api/v1/calendars/{s.round_robin.pk}/slots?from={_workday()}&to={_workday(7)}",
    ),
    ("booking page, round robin", "visitor", lambda s: f"/book/{s.org.slug}/{s.round_robin.slug}/"),
    ("booking page, collective", "visitor", lambda s: f"/book/{s.org.slug}/{s.collective.slug}/"),
]


def _consultants(org: Organization, size: Size, password_hash: str) -> list[Member]:
    users = User.objects.bulk_create(
        [
            User(
                email=f"tutor{n:04d}@{org.slug}.test",
                name=f"Tutor {n:04d} {_SURNAMES[n % len(_SURNAMES)]}",
                timezone=org.timezone,
                password=password_hash,
            )
            for n in range(size.consultants)
        ],
        batch_size=BATCH,
    )
    if users and users[0].pk is None:  # SQLite before RETURNING, other backends without it
        users = list(User.objects.filter(email__endswith=f"@{org.slug}.test").exclude(memberships__org=org))
        users.sort(key=lambda u: u.email)
    Member.objects.bulk_create(
        [Member(org=org, user=u, role=Role.CONSULTANT) for u in users], batch_size=BATCH
    )
    members = list(
        Member.objects.filter(org=org, role=Role.CONSULTANT).select_related("user").order_by("user__email")
    )
    # Monday to Friday, 08:00 to 18:00 in their time zone.
    AvailabilityRule.objects.bulk_create(
        [
            AvailabilityRule(member=m, weekday=day, start_time=dt.time(8), end_time=dt.time(18))
            for m in members
            for day in range(5)
        ],
        batch_size=BATCH,
    )
    return members


def _clients(org: Organization, size: Size) -> list[Client]:
    Client.objects.bulk_create(
        [
            Client(
                org=org,
                name=f"{_FIRST[n % len(_FIRST)]} {_SURNAMES[(n // len(_FIRST)) % len(_SURNAMES)]} {n:05d}",
                email=f"client{n:05d}@example.test",
                timezone=org.timezone,
            )
            for n in range(size.clients)
        ],
        batch_size=BATCH,
    )
    return list(Client.objects.filter(org=org).order_by("pk"))


def _calendars(
    org: Organization, consultants: list[Member], size: Size, session_type: SessionType
) -> tuple[Calendar, Calendar]:
    round_robin = Calendar.objects.create(
        org=org, name="Any tutor", slug="any-tutor", kind=CalendarKind.ROUND_ROBIN, session_type=session_type
    )
    round_robin.members.set(consultants[: size.team_members])
    collective = Calendar.objects.create(
        org=org, name="Panel", slug="panel", kind=CalendarKind.COLLECTIVE, session_type=session_type
    )
    collective.members.set(consultants[:3])
    return round_robin, collective


def _sessions(
    org: Organization,
    consultants: list[Member],
    clients: list[Client],
    types: list[SessionType],
    rng: random.Random,
    size: Size,
    calendar: Calendar,
) -> list[Session]:
    """Each consultant teaches ten weekly slots; each slot is a run of twelve-week series and single
    sessions, every slot week with one client, dropping weeks evenly down to the wanted count."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0) - dt.timedelta(weeks=PAST_WEEKS)
    keep = size.sessions_per_consultant / (SLOTS_PER_WEEK * WEEKS)
    drafts: list[tuple[Session, Client, int | None]] = []
    series_keys: list[tuple[int, int, int]] = []
    for c_index, consultant in enumerate(consultants):
        kept = 0.0
        for slot in range(SLOTS_PER_WEEK):
            day, hour = slot % 5, 8 + (slot // 5) * 3 + c_index % 3
            for week in range(WEEKS):
                kept += keep
                if kept < 1:
                    continue
                kept -= 1
                block = week // SERIES_WEEKS
                in_series = (slot + block) % 3 != 0  # two runs in three are weekly series
                client = clients[(c_index * 97 + slot * 13 + block * 7) % len(clients)]
                if not in_series:
                    client = clients[rng.randrange(len(clients))]
                start = monday + dt.timedelta(weeks=week, days=day, hours=hour)
                kind = rng.random()
                provider = Provider.ZOOM if kind < 0.7 else Provider.CUSTOM if kind < 0.9 else Provider.NONE
                cancelled = rng.random() < 0.05
                session = Session(
                    org=org,
                    title=f"{_SUBJECTS[(c_index + slot) % len(_SUBJECTS)]} with {client.name.split()[0]}",
                    session_type=types[slot % len(types)],
                    calendar=calendar if c_index < size.team_members and slot == 0 else None,
                    consultant=consultant,
                    start=start,
                    end=start + dt.timedelta(minutes=60),
                    status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
                    cancelled_at=start - dt.timedelta(days=1) if cancelled else None,
                    is_online=provider != Provider.NONE,
                    location="" if provider != Provider.NONE else "Room 4",
                    provider=provider,
                    custom_meeting_url="https://meet.example.test/room"
                    if provider == Provider.CUSTOM
                    else "",
                    booked_by=consultant,
                    series_index=week % SERIES_WEEKS + 1 if in_series else None,
                )
                key = (c_index, slot, block)
                if in_series and (not series_keys or series_keys[-1] != key):
                    series_keys.append(key)
                drafts.append((session, client, len(series_keys) - 1 if in_series else None))
    series = Series.objects.bulk_create(
        [Series(org=org, every_weeks=1, count=SERIES_WEEKS) for _ in series_keys], batch_size=BATCH
    )
    if series and series[0].pk is None:
        series = list(Series.objects.filter(org=org).order_by("pk"))
    for session, _, series_at in drafts:
        if series_at is not None:
            session.series = series[series_at]
    sessions = Session.objects.bulk_create([d[0] for d in drafts], batch_size=BATCH)
    if sessions and sessions[0].pk is None:
        sessions = list(Session.objects.filter(org=org).select_related("consultant__user").order_by("pk"))
    SessionClient.objects.bulk_create(
        [SessionClient(session_id=s.pk, client_id=d[1].pk) for s, d in zip(sessions, drafts, strict=True)],
        batch_size=BATCH * 5,
    )
    return sessions


def _links(org: Organization, sessions: list[Session], rng: random.Random) -> None:
    """Past Zoom sessions have their meeting; upcoming ones are mostly made, some waiting or failed."""
    now = timezone.now()
    links = []
    for session in sessions:
        if session.provider != Provider.ZOOM:
            continue
        if session.status == SessionStatus.CANCELLED:
            links.append(
                MeetingLink(
                    session=session,
                    org_id=session.org_id,
                    provider="zoom",
                    state=LinkState.DELETED,
                    desired_version=2,
                    applied_version=2,
                )
            )
            continue
        roll = rng.random()
        state = LinkState.ACTIVE
        if session.start > now:
            state = (
                LinkState.PENDING
                if roll < 0.05
                else LinkState.BLOCKED
                if roll < 0.07
                else LinkState.WAITING
                if roll < 0.2
                else LinkState.ACTIVE
            )
        active = state == LinkState.ACTIVE
        links.append(
            MeetingLink(
                session=session,
                org_id=session.org_id,
                provider="zoom",
                state=state,
                desired_version=1,
                applied_version=1 if active else 0,
                external_id=str(80_000_000_000 + session.pk) if active else "",
                join_url=f"https://zoom.example.test/j/{80_000_000_000 + session.pk}" if active else "",
                passcode="k3y" if active else "",
                host_label=session.consultant.name if active else "",
                host_member=session.consultant if active else None,
                waiting_for=WaitReason.HORIZON if state == LinkState.WAITING else "",
                remedy="Tutor must connect Zoom" if state == LinkState.BLOCKED else "",
                last_error="Zoom said: the user does not exist" if state == LinkState.BLOCKED else "",
                next_attempt_at=session.start - dt.timedelta(days=14),
            )
        )
    MeetingLink.objects.bulk_create(links, batch_size=BATCH)
    # Written just now in bulk, but in life each link last changed around when its meeting was made.
    made = Least(F("next_attempt_at"), Value(now - dt.timedelta(days=1)))
    MeetingLink.objects.filter(org=org).update(created_at=made, updated_at=made)


def _audit(org: Organization, owner: Member, sessions: list[Session], size: Size) -> None:
    step = max(1, len(sessions) // size.audit_entries)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                org=org,
                actor=owner,
                actor_label=str(owner),
                action="session.scheduled",
                object_type="session",
                object_id=str(s.pk),
                object_repr=str(s)[:300],
                detail={},
                created_at=s.start - dt.timedelta(days=7),
            )
            for s in sessions[::step][: size.audit_entries]
        ],
        batch_size=BATCH,
    )


def _directory(org: Organization, owner: Member, consultants: list[Member], size: Size) -> None:
    # The organisation's Zoom account, as connected by the owner (no tokens: nothing calls Zoom here).
    ZoomConnection.objects.create(
        org=org,
        member=owner,
        kind=ConnectionKind.ORGANIZATION,
        zoom_user_id="zu-owner",
        zoom_account_id="scale-account",
        zoom_email=f"owner@{org.slug}.test",
        zoom_role="Owner",
    )
    DirectoryUser.objects.bulk_create(
        [
            DirectoryUser(
                org=org,
                zoom_account_id="scale-account",
                zoom_user_id=f"zu{n:06d}",
                email=f"zoom{n:06d}@{org.slug}.test",
                first_name=_FIRST[n % len(_FIRST)],
                last_name=_SURNAMES[n % len(_SURNAMES)],
                user_type=2 if n % 4 else 1,
                status=UserStatus.ACTIVE if n % 20 else UserStatus.INACTIVE,
                member=consultants[n] if n < len(consultants) else None,
            )
            for n in range(size.zoom_users)
        ],
        batch_size=BATCH,
    )


_FIRST = ["Ada", "Ben", "Chloe", "Dan", "Eve", "Farid", "Greta", "Hugo", "Iris", "Jun", "Kofi", "Lena"]
_SURNAMES = ["Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jones"]
_SUBJECTS = ["Algebra", "Chemistry", "French", "Physics", "Essay writing", "Biology", "Piano"]
