"""Chaos: random churn over a few dozen sessions while worker passes die at every instant that
matters and Zoom fails; once things settle, Zoom holds exactly one matching meeting per live session.

A worker "dies" by raising ``WorkerDied`` (a BaseException nothing in SessionDesk catches) from
the HTTP transport: before a Zoom call leaves, or after Zoom has carried it out and answered but
before SessionDesk read the answer (a death during the call leaves one of those two states; the
emulator's "after" faults add calls that Zoom carried out while the answer was lost). Like SIGKILL, nothing after that point runs: what was
committed stays, an open transaction rolls back, and the dead worker's leases stay taken until
they expire (here: expired by hand, as the clock would). ``bench/chaos.py`` does the same with
real worker processes killed by SIGKILL against PostgreSQL.

The run is driven by one seed (``CHAOS_SEED=<n>`` replays a failure); the seed is in every
failure message.
"""

import datetime as dt
import os
import random
from collections import Counter
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.meetings.reconciler import reconcile_due
from sessiondesk.scheduling.models import Provider, Session, SessionStatus, SessionType
from tests.integrations.zoom.chaos_audit import Held, Wanted, compare
from tests.integrations.zoom.meeting_fixtures import live_meetings, unpaced  # noqa: F401
from tests.support.sessions import change, zoom_session
from tests.support.zoom import connect

SEEDS = [int(os.environ["CHAOS_SEED"])] if os.environ.get("CHAOS_SEED") else [20261129, 7]
SESSIONS = 24
ROUNDS = 60
CARLA = "carla@zoom.acme.test"
DEV = "dev@zoom.acme.test"


class WorkerDied(BaseException):
    """The process is gone: no handler runs, nothing more is written."""


class Dying(httpx.BaseTransport):
    """The emulator in-process, with a worker that may die around any Zoom API call."""

    def __init__(self, app: Any, rng: random.Random) -> None:
        self.inner = httpx.WSGITransport(app=app)
        self.rng = rng
        self.share = 0.0  # chance that a given call is the worker's last
        self.kills: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.share and request.url.path.startswith("/v2/") and self.rng.random() < self.share:
            self.share = 0.0  # one death per pass
            if self.rng.random() < 0.4:
                self.kills["before the call"] += 1
                raise WorkerDied
            response = self.inner.handle_request(request)  # Zoom acts (unless a fault says otherwise)
            response.read()
            self.kills[f"after Zoom answered {request.method}"] += 1
            raise WorkerDied
        return self.inner.handle_request(request)


class Churn:
    """Random scheduling changes, as people make them."""

    def __init__(self, rng: random.Random, consultants: list[Member], lesson: SessionType) -> None:
        self.rng = rng
        self.consultants = consultants
        self.lesson = lesson
        self.sessions: list[Session] = []
        self.done: Counter[str] = Counter()

    def schedule(self) -> None:
        tag = f"S{len(self.sessions):03d}"
        start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(
            days=self.rng.randint(2, 20), hours=self.rng.randint(0, 12)
        )
        session = zoom_session(
            self.rng.choice(self.consultants),
            self.lesson,
            title=f"{tag} Lesson",
            agenda=f"Agenda of {tag}",
            start=start,
            end=start + dt.timedelta(minutes=self.rng.choice([30, 45, 60])),
        )
        self.sessions.append(session)
        self.done["schedule"] += 1

    def step(self) -> None:
        live = [s for s in self.sessions if s.status == SessionStatus.SCHEDULED]
        if not live or self.rng.random() < 0.1:
            self.schedule()
            return
        session = self.rng.choice(live)
        tag = session.title.split(" ", 1)[0]
        operation = self.rng.choices(
            ["reschedule", "rename", "reassign", "cancel", "agenda", "unchanged"], [5, 4, 4, 1, 2, 1]
        )[0]
        if operation == "reschedule":
            start = session.start + dt.timedelta(hours=self.rng.randint(-24, 48))
            minutes = self.rng.choice([30, 45, 60, 90])
            change(session, start=start, end=start + dt.timedelta(minutes=minutes))
        elif operation == "rename":
            change(session, title=f"{tag} Lesson {self.rng.randint(1, 999)}")
        elif operation == "reassign":
            others = [c for c in self.consultants if c.pk != session.consultant_id]
            change(session, consultant=self.rng.choice(others))
        elif operation == "cancel":
            change(session, status=SessionStatus.CANCELLED)
        elif operation == "agenda":
            change(session, agenda=f"Agenda of {tag}, version {self.rng.randint(1, 999)}")
        else:
            change(session)
        self.done[operation] += 1


def expire_leases(owner: str) -> None:
    """The dead worker's lease runs out (WORKER_LEASE_SECONDS later)."""
    MeetingLink.objects.filter(lease_owner=owner).update(lease_until=timezone.now() - dt.timedelta(seconds=1))


def time_passes() -> None:
    """Backoff waits are over."""
    MeetingLink.objects.filter(state__in=[LinkState.PENDING, LinkState.WAITING]).update(
        next_attempt_at=timezone.now()
    )


def worker_pass(owner: str) -> bool:
    """One pass of a worker; False when it died."""
    try:
        reconcile_due(100, owner)
    except WorkerDied:
        expire_leases(owner)
        return False
    return True


def settle() -> int:
    """Faults are off and workers run until nothing is left to do; returns how many passes it took."""
    for n in range(1, 100):
        time_passes()
        if reconcile_due(100, f"settle-{n}") == 0:
            return n
    raise AssertionError("the links never settled")


def audit(zoom: Any, users: dict[int, str]) -> Any:
    wanted = []
    for session in Session.objects.filter(
        status=SessionStatus.SCHEDULED, is_online=True, provider=Provider.ZOOM
    ):
        link = MeetingLink.objects.get(session=session, provider="zoom")
        wanted.append(
            Wanted(
                tag=session.title.split(" ", 1)[0],
                meeting_id=link.external_id,
                topic=session.title,
                start=session.start.timestamp(),
                duration=int(session.duration.total_seconds()) // 60,
                agenda=session.agenda,
                host_id=users[session.consultant_id],
            )
        )
    held = [
        Held(str(m.id), m.topic, m.start_time, m.duration, m.agenda, m.host_id) for m in live_meetings(zoom)
    ]
    return compare(wanted, held)


@pytest.mark.parametrize("seed", SEEDS)
def test_it_leaves_exactly_one_matching_meeting_per_live_session_whatever_dies_and_fails(  # type: ignore[no-untyped-def]
    zoom, consultant, consultant2, lesson, settings, seed
) -> None:
    rng = random.Random(seed)
    settings.ZOOM_DAILY_MEETING_LIMIT = 100_000
    assert zoom.http.put("/_emulator/ratelimits", json={"enabled": False}).status_code == 200
    connect(zoom.http, consultant, CARLA)
    connect(zoom.http, consultant2, DEV)
    users = {consultant.pk: zoom.users[CARLA], consultant2.pk: zoom.users[DEV]}
    dying = Dying(zoom.app, rng)
    churn = Churn(rng, [consultant, consultant2], lesson)
    faults = Counter[str]()

    def inject(kind: str, **spec: Any) -> None:
        body = {"kind": kind, "path": "/v2/*", "seed": rng.randint(0, 2**31), **spec}
        assert zoom.http.post("/_emulator/faults", json=body).status_code == 201
        faults[kind if kind != "error" else f"{spec['status']}"] += 1

    with client.use_transport(dying):
        for _ in range(SESSIONS):
            churn.schedule()
        # Steady faults on every API call: 5xx before and after Zoom acted, timeouts likewise.
        inject("error", status=503, probability=0.06)
        inject("error", status=502, probability=0.04, phase="after")
        inject("timeout", probability=0.04)
        inject("timeout", probability=0.05, phase="after")
        for turn in range(ROUNDS):
            for _ in range(rng.randint(0, 4)):
                churn.step()
            if rng.random() < 0.1:
                inject("rate_limit", count=rng.randint(3, 12))  # a 429 storm
            dying.share = rng.choice([0.0, 0.1, 0.3, 0.6])
            worker_pass(f"worker-{turn}")
            dying.share = 0.0
            if rng.random() < 0.5:
                time_passes()
        assert zoom.http.delete("/_emulator/faults").status_code == 204
        passes = settle()

    result = audit(zoom, users)
    story = (
        f"seed={seed} (replay: CHAOS_SEED={seed}); operations={dict(churn.done)}; "
        f"kills={dict(dying.kills)}; faults={dict(faults)}; settle passes={passes}; {result}"
    )
    assert result.counts() == {"missing": 0, "duplicate": 0, "orphaned": 0, "stale": 0}, story
    assert sum(dying.kills.values()) >= 5, story  # the run did kill workers around calls
    links = MeetingLink.objects.filter(provider="zoom")
    live = {s.pk for s in churn.sessions if s.status == SessionStatus.SCHEDULED}
    states = Counter(
        (link.session_id in live, link.state, link.is_dirty, link.create_intent) for link in links
    )
    assert states == Counter(
        {
            (True, LinkState.ACTIVE, False, ""): len(live),
            (False, LinkState.DELETED, False, ""): len(links) - len(live),
        }
    ), story
