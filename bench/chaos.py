"""Chaos: hundreds of Zoom sessions churned (schedule, reschedule, rename, reassign, cancel) while
several real `sessiondesk worker` processes are killed with SIGKILL at random and restarted, and the
Zoom emulator, served over HTTP, injects 5xx errors, timeouts (before and after it acted) and 429
storms. Then the faults stop, the kills stop, the workers run until every link has settled, and each
live session is compared with what the emulator holds: missing, duplicate, orphaned and stale
meetings must all be 0.

Prints per-backend figures, then one JSON object last.

    .venv/bin/python bench/chaos.py [--sessions 300] [--hosts 30] [--operations 900] [--workers 3]
                                    [--threads 2] [--seed 1] [--drain 90] [--backends postgresql,sqlite]
"""

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
from _common import PYTHON, ROOT, database, django_run, free_port, migrate, wait_for

REDIRECT = "http://127.0.0.1/integrations/zoom/callback/"
USERS_PER_ACCOUNT = 5

SETUP = """
import datetime as dt
import httpx
from django.conf import settings
from django.utils import timezone
from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.meetings import desired
from sessiondesk.scheduling.models import Session, SessionType
import random
rng = random.Random({seed})
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
org = owner.org
lesson = SessionType.objects.get(org=org, name="Lesson")
hosts = [add_member(org, email=f"c{{i}}@bench.test", name=f"Consultant {{i}}", role="consultant",
                    password=None, timezone="UTC") for i in range({hosts})]
accounts = []
for a in range(0, {hosts}, {per_account}):
    users = [{{"email": f"c{{i}}@bench.test", "first_name": "Consultant", "last_name": str(i),
              "role": "owner" if i == a else "member"}} for i in range(a, min(a + {per_account}, {hosts}))]
    accounts.append({{"id": f"acct-{{a}}", "plan": "pro", "name": f"Account {{a}}", "users": users}})
app = {{"client_id": settings.ZOOM_CLIENT_ID, "client_secret": settings.ZOOM_CLIENT_SECRET, "type": "user",
       "name": "SessionDesk", "redirect_uris": ["{redirect}"], "scopes": scopes.registration_list("personal")}}
seeded = httpx.post(settings.ZOOM_OAUTH_URL + "/_emulator/seed", json={{"accounts": accounts, "apps": [app]}})
assert seeded.status_code in (200, 201), seeded.text
zoom_users = {{}}
for member in hosts:
    code = httpx.post(settings.ZOOM_OAUTH_URL + "/_emulator/oauth/authorize",
                      json={{"client_id": settings.ZOOM_CLIENT_ID, "user": member.user.email,
                            "redirect_uri": "{redirect}"}}).json()["code"]
    tokens = client.exchange_code(code, code_verifier="", redirect_uri="{redirect}", kind="personal")
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(
        org=org, member=member, kind="personal", zoom_user_id=me.id, zoom_account_id=me.account_id,
        zoom_email=me.email, granted_scopes=tokens.scope)
    ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))
    zoom_users[member.pk] = me.id
base = timezone.now().replace(second=0, microsecond=0)
for i in range({sessions}):
    start = base + dt.timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 12))
    session = Session.objects.create(
        org=org, title=f"S{{i:04d}} Lesson", agenda=f"Agenda of S{{i:04d}}", session_type=lesson,
        consultant=rng.choice(hosts), start=start, end=start + dt.timedelta(minutes=rng.choice([30, 45, 60])),
        is_online=True, provider="zoom")
    desired.session_changed(session)
print(json.dumps({{"hosts": [m.pk for m in hosts], "zoom_users": zoom_users}}))
"""

# The churn, as scheduling does it: each change saved with its desired-version bump in one transaction.
CHURN = """
import datetime as dt, random, time
from collections import Counter
from django.db import transaction
from sessiondesk.meetings import desired
from sessiondesk.scheduling.models import Session, SessionStatus
rng = random.Random({seed})
hosts = {hosts}
done = Counter()
ids = list(Session.objects.order_by("id").values_list("id", flat=True))
for _ in range({operations}):
    with transaction.atomic():
        session = Session.objects.select_for_update().get(id=rng.choice(ids))
        if session.status != SessionStatus.SCHEDULED:
            continue
        tag = session.title.split(" ", 1)[0]
        operation = rng.choices(["reschedule", "rename", "reassign", "cancel", "agenda", "unchanged"],
                                [5, 4, 4, 1, 2, 1])[0]
        if operation == "reschedule":
            session.start += dt.timedelta(hours=rng.randint(-24, 48))
            session.end = session.start + dt.timedelta(minutes=rng.choice([30, 45, 60, 90]))
        elif operation == "rename":
            session.title = f"{{tag}} Lesson {{rng.randint(1, 999)}}"
        elif operation == "reassign":
            session.consultant_id = rng.choice([h for h in hosts if h != session.consultant_id])
        elif operation == "cancel":
            session.status = SessionStatus.CANCELLED
        elif operation == "agenda":
            session.agenda = f"Agenda of {{tag}}, version {{rng.randint(1, 999)}}"
        session.save()
        desired.session_changed(session)
        done[operation] += 1
    time.sleep(rng.uniform(0, {pause}))
print(json.dumps(done))
"""

PENDING = """
from django.db.models import F, Q
from sessiondesk.meetings.models import MeetingLink
busy = MeetingLink.objects.filter(Q(state__in=["pending", "waiting"]) | ~Q(desired_version=F("applied_version")))
print(json.dumps({"pending": busy.count(), "blocked": MeetingLink.objects.filter(state="blocked").count()}))
"""

AUDIT = """
import sys, httpx
from django.conf import settings
sys.path.insert(0, {root!r})
from tests.integrations.zoom.chaos_audit import Held, Wanted, compare
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session
zoom_users = {zoom_users}
wanted = []
for session in Session.objects.filter(status="scheduled", is_online=True, provider="zoom"):
    link = MeetingLink.objects.filter(session=session, provider="zoom").first()
    wanted.append(Wanted(tag=session.title.split(" ", 1)[0], meeting_id=link.external_id if link else "",
        topic=session.title, start=session.start.timestamp(),
        duration=int(session.duration.total_seconds()) // 60, agenda=session.agenda,
        host_id=zoom_users[str(session.consultant_id)]))
state = httpx.get(settings.ZOOM_OAUTH_URL + "/_emulator/state", timeout=60).json()
held = [Held(str(m["id"]), m["topic"], m["start_time"], m["duration"], m["agenda"], m["host_id"])
        for m in state["meetings"] if m.get("deleted_at") is None]
audit = compare(wanted, held)
print(json.dumps({{"live_sessions": audit.sessions, "meetings": audit.meetings, **audit.counts(),
                  "examples": (audit.missing + audit.duplicate + audit.orphaned + audit.stale)[:5]}}))
"""


@contextlib.contextmanager
def emulator(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "zoom_emulator", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/_emulator/clock", "the Zoom emulator")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()  # a thread still holding an injected timeout keeps it from stopping
            proc.wait()


class Workers:
    """N `sessiondesk worker` processes; kill() takes one down with SIGKILL and starts a new one."""

    def __init__(self, env: dict[str, str], count: int, threads: int, log: Path) -> None:
        self.env, self.threads, self.log = env, threads, log.open("ab")
        self.procs = [self._start() for _ in range(count)]
        self.kills = 0

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, "-m", "sessiondesk", "worker", "--concurrency", str(self.threads)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )

    def kill(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.procs))
        victim = self.procs[index]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.kills += 1
        self.procs[index] = self._start()

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


STEADY_FAULTS = [
    {"kind": "error", "status": 503, "probability": 0.06},
    {"kind": "error", "status": 502, "probability": 0.04, "phase": "after"},
    {"kind": "timeout", "probability": 0.03},
    {"kind": "timeout", "probability": 0.04, "phase": "after"},
]


def run(backend: str, args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    with database(backend) as env:
        env.update(
            {
                "WORKER_LEASE_SECONDS": "10",
                "WORKER_POLL_SECONDS": "0.2",
                "ZOOM_HTTP_TIMEOUT": "1.5",
                "LOG_LEVEL": "WARNING",
            }
        )
        migrate(env)
        with emulator(env) as zoom:
            env["ZOOM_EMULATOR_URL"] = zoom
            control = httpx.Client(base_url=zoom + "/_emulator", timeout=30)
            assert control.patch("/settings", json={"timeout_fault_seconds": 3}).status_code == 200
            seeded = django_run(
                env,
                SETUP.format(
                    seed=args.seed,
                    hosts=args.hosts,
                    per_account=USERS_PER_ACCOUNT,
                    redirect=REDIRECT,
                    sessions=args.sessions,
                ),
            )
            log = Path(tempfile.mkdtemp(prefix="sessiondesk-chaos-")) / "workers.log"
            for fault in STEADY_FAULTS:
                body = {"path": "/v2/*", "seed": rng.randint(0, 2**31), **fault}
                assert control.post("/faults", json=body).status_code == 201
            churn = subprocess.Popen(
                [
                    PYTHON,
                    "-c",
                    "import django, json; django.setup()\n"
                    + CHURN.format(
                        seed=args.seed, hosts=seeded["hosts"], operations=args.operations, pause=0.05
                    ),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            workers = Workers(env, args.workers, args.threads, log)
            storms = 0
            began = time.monotonic()
            try:
                # Kill a worker every 0.5-3 s while the churn runs, and after it while the backlog
                # drains, until at most 5% of the sessions' links are left (or for --drain seconds).
                churned_at = None
                checked_at = time.monotonic()
                while True:
                    time.sleep(rng.uniform(0.5, 3.0))
                    workers.kill(rng)
                    if rng.random() < 0.15:
                        storm = {"kind": "rate_limit", "path": "/v2/*", "count": rng.randint(20, 80)}
                        assert control.post("/faults", json=storm).status_code == 201
                        storms += 1
                    if churned_at is None:
                        if churn.poll() is not None:
                            churned_at = time.monotonic()
                        continue
                    if time.monotonic() - churned_at > args.drain:
                        break
                    if time.monotonic() - checked_at > 5:
                        checked_at = time.monotonic()
                        if django_run(env, PENDING)["pending"] <= args.sessions // 20:
                            break
                operations = json.loads(churn.stdout.read().strip().splitlines()[-1])  # type: ignore[union-attr]
                hits = Counter()
                for fault in control.get("/faults").json()["faults"]:
                    name = str(fault["status"]) if fault["kind"] == "error" else fault["kind"]
                    hits[f"{name} {fault['phase']}" if fault["kind"] != "rate_limit" else "429"] += fault[
                        "hits"
                    ]
                assert control.delete("/faults").status_code == 204
                quiet_at = time.monotonic()
                while True:
                    left = django_run(env, PENDING)
                    if left["pending"] == 0:
                        break
                    if time.monotonic() - quiet_at > args.settle_timeout:
                        break
                    time.sleep(0.5)
                settle = time.monotonic() - quiet_at
            finally:
                workers.stop()
            audit = django_run(env, AUDIT.format(root=str(ROOT), zoom_users=json.dumps(seeded["zoom_users"])))
            calls = control.get("/requests", params={"path_prefix": "/v2/"}).json()["total"]
            return {
                "sessions": args.sessions,
                "hosts": args.hosts,
                "worker_processes": args.workers,
                "threads_per_worker": args.threads,
                "operations": sum(operations.values()),
                "operations_by_kind": operations,
                "kills": workers.kills,
                "faults_injected": sum(hits.values()),
                "faults_by_kind": dict(hits),
                "storms_429": storms,
                "zoom_calls": calls,
                "chaos_seconds": round(quiet_at - began, 1),
                "seconds_to_settle": round(settle, 1),
                "unsettled_links": left["pending"],
                "blocked_links": left["blocked"],
                **audit,
            }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=30)
    parser.add_argument("--operations", type=int, default=900)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain", type=float, default=90, help="most seconds of chaos after the churn")
    parser.add_argument("--settle-timeout", type=float, default=600)
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args()
    results: dict = {"seed": args.seed}
    for backend in args.backends.split(","):
        results[backend] = run(backend, args)
        print(f"{backend}: {json.dumps(results[backend])}", file=sys.stderr)
    bad = [
        b
        for b in args.backends.split(",")
        if any(results[b][k] for k in ("missing", "duplicate", "orphaned", "stale"))
    ]
    if bad:
        print(f"chaos found problems on {', '.join(bad)} (replay with --seed {args.seed})", file=sys.stderr)
    print(json.dumps(results))
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
