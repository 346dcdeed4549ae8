"""The demo organisation seeded on the first ``sessiondesk up``: every role, every calendar kind."""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.accounts.models import Member, Organization, Role
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Calendar,
    CalendarKind,
    Client,
    Provider,
    SessionType,
)
from sessiondesk.scheduling.recurrence import Repeat

DEMO_PASSWORD = "sessiondesk-demo"
DEMO_PEOPLE = [
    # email, name, role, time zone
    ("owner@brightside.test", "Olivia Owens", Role.OWNER, "America/New_York"),
    ("carla@brightside.test", "Carla Mendes", Role.CONSULTANT, "America/New_York"),
    ("dev@brightside.test", "Dev Patel", Role.CONSULTANT, "Europe/London"),
    ("sam@brightside.test", "Sam Rivera", Role.STAFF, "America/New_York"),
]
DEMO_CLIENTS = [
    ("Stu Nakamura", "stu@example.test", "Asia/Tokyo", "Grade 11, physics and maths"),
    ("Priya Shah", "priya@example.test", "America/Chicago", "SAT preparation"),
    ("Leo Martin", "leo@example.test", "Europe/Paris", "Career coaching"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    return [(email, name, role.label) for email, name, role, _ in DEMO_PEOPLE]


def _weekday_hours(member: Member, start: int = 9, end: int = 17) -> None:
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=member, weekday=day, start_time=dt.time(start), end_time=dt.time(end))
        for day in range(5)
    )


def _workday(member: Member, nth: int, hour: int) -> dt.datetime:
    """The ``nth`` working day after today (1 = the next one), at ``hour`` local time."""
    tz = zoneinfo.ZoneInfo(member.timezone)
    day = timezone.now().astimezone(tz).date()
    while nth:
        day += dt.timedelta(days=1)
        nth -= day.weekday() < 5
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def seed_demo() -> Organization:
    """The organisation and its people in one transaction, then its sessions through the booking
    flow (each its own transaction, as when a person books)."""
    with transaction.atomic():
        owner, members, clients = _people()
    org = owner.org
    carla, dev = members["carla@brightside.test"], members["dev@brightside.test"]
    lesson = SessionType.objects.get(org=org, name="Lesson")
    consultation = SessionType.objects.get(org=org, name="Consultation")
    weekly = Repeat(every_weeks=1, count=8)
    _session(org, "Physics lesson", lesson, carla, [clients[0]], _workday(carla, 1, 10), owner, weekly)
    _session(org, "SAT practice", lesson, carla, [clients[1]], _workday(carla, 2, 14), owner)
    _session(org, "Career check-in", consultation, dev, [clients[2]], _workday(dev, 1, 15), dev)
    _session(org, "Essay review", lesson, dev, [clients[1]], _workday(dev, 3, 16), owner)
    return org


def _people() -> tuple[Member, dict[str, Member], list[Client]]:
    email, name, _, tz = DEMO_PEOPLE[0]
    owner = create_organization(
        name="Brightside Tutoring",
        slug="brightside",
        owner_email=email,
        owner_name=name,
        password=DEMO_PASSWORD,
        timezone=tz,
    )
    org = owner.org
    # The demo shows SessionDesk's Zoom side: its online sessions are Zoom meetings. They wait for a
    # host until someone connects Zoom (the bundled emulator is seeded for it), then carry on.
    SessionType.objects.filter(org=org, is_online=True).update(default_provider=Provider.ZOOM)
    members = {email: owner}
    for email, name, role, tz in DEMO_PEOPLE[1:]:
        members[email] = add_member(
            org, email=email, name=name, role=role, password=DEMO_PASSWORD, timezone=tz
        )
    carla, dev = members["carla@brightside.test"], members["dev@brightside.test"]
    for consultant in (owner, carla, dev):
        _weekday_hours(consultant)
    clients = [
        Client.objects.create(org=org, name=n, email=e, timezone=z, notes=notes)
        for n, e, z, notes in DEMO_CLIENTS
    ]
    lesson = SessionType.objects.get(org=org, name="Lesson")
    consultation = SessionType.objects.get(org=org, name="Consultation")
    interview = SessionType.objects.get(org=org, name="Interview")
    _calendar(org, "Maths with Carla", "carla-maths", CalendarKind.PERSONAL, lesson, [carla])
    _calendar(org, "Free consultation", "consultation", CalendarKind.ROUND_ROBIN, consultation, [carla, dev])
    _calendar(
        org, "Admissions interview", "admissions-interview", CalendarKind.COLLECTIVE, interview, [owner, dev]
    )
    return owner, members, clients


def _calendar(
    org: Organization, name: str, slug: str, kind: str, stype: SessionType, members: list[Member]
) -> None:
    calendar = Calendar.objects.create(
        org=org, name=name, slug=slug, kind=kind, session_type=stype, min_notice_minutes=60
    )
    calendar.members.set(members)


def _session(
    org: Organization,
    title: str,
    stype: SessionType,
    host: Member,
    clients: list[Client],
    start: dt.datetime,
    actor: Member,
    repeat: Repeat | None = None,
) -> None:
    draft = actions.SessionDraft(
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=stype.duration_minutes),
        session_type=stype,
        consultant=host,
        clients=clients,
        is_online=True,
    )
    # The demo shows a meeting waiting for its host until Zoom is connected.
    actions.schedule_session(org, draft, actor=actor, repeat=repeat, host_later=True)
