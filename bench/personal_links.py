"""Personal links: the Zoom calls made to give every client of every session their own join link,
against the fewest the design needs.

S sessions with one to four clients each (in turn) across H hosts, on a Pro-like emulator in its own
process; the worker runs inline (pass after pass until idle). Then a tenth of the sessions gain a
client, a tenth lose one and a tenth are rescheduled. Zoom calls are counted from the emulator's
request log per step. The fewest calls: per session one meeting create plus one registration call
(a single registration for one client, one batch call for two to thirty); one registration per added
client, one status call per removed client, one meeting PATCH per reschedule (registrants are kept).
Prints per backend, then one JSON object last.

    .venv/bin/python bench/personal_links.py [--sessions 200] [--hosts 20] [--backends sqlite,postgresql]
"""

import argparse
import json
import subprocess
import sys

from _common import PYTHON, ROOT, database
from _zoombench import dump, emulator, seed, zoom_env

SCRIPT = """
import datetime as dt, json, sys, time
import django
django.setup()
import httpx
from django.utils import timezone
from sessiondesk.accounts.models import Member
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import MeetingLink, Registration
from sessiondesk.meetings.reconciler import reconcile_due
from sessiondesk.scheduling.models import Client, Session, SessionType

zoom = httpx.Client(base_url=sys.argv[1], timeout=60)
hosts = list(Member.objects.filter(pk__in=json.loads(sys.argv[2])).select_related("org"))
lesson = SessionType.objects.get(pk=int(sys.argv[3]))
count = int(sys.argv[4])
org = hosts[0].org
start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
clients = [Client.objects.create(org=org, name=f"Client {i}", email=f"client{i}@bench.test") for i in range(count * 3)]
spare = iter(clients[count * 2 :])


def drain():
    while reconcile_due(50, "bench"):
        pass


def step(action):
    made = zoom.get("/_emulator/requests").json()["requests"]
    last = made[-1]["id"] if made else 0
    began = time.perf_counter()
    action()
    MeetingLink.objects.update(next_attempt_at=timezone.now())  # skip the settle time of edits
    drain()
    seconds = time.perf_counter() - began
    rows = zoom.get("/_emulator/requests", params={"since_id": last}).json()["requests"]
    kinds = {}
    for r in rows:
        if not r["path"].startswith("/v2/"):
            continue
        path = r["path"]
        kind = ("batch" if path.endswith("/batch_registrants") else "status" if path.endswith("/status")
                else "registrant" if path.endswith("/registrants") else "meeting")
        key = f"{r['method']} {kind}"
        kinds[key] = kinds.get(key, 0) + 1
    return {"calls": sum(kinds.values()), "by_kind": kinds, "seconds": round(seconds, 2)}


sessions = []
def book():
    for i in range(count):
        when = start + dt.timedelta(hours=i)
        s = Session.objects.create(org=org, title=f"Lesson {i}", session_type=lesson, consultant=hosts[i % len(hosts)],
                                   start=when, end=when + dt.timedelta(minutes=45), is_online=True, provider="zoom")
        s.clients.add(*clients[2 * i % (count * 2) : 2 * i % (count * 2) + 1 + i % 4])
        desired.session_changed(s)
        sessions.append(s)

def add():
    for s in sessions[::10]:
        s.clients.add(next(spare))
        desired.session_changed(s)

def remove():
    for s in sessions[5::10]:
        s.clients.remove(s.clients.order_by("pk").first())
        desired.session_changed(s)

def reschedule():
    for s in sessions[3::10]:
        s.start += dt.timedelta(days=1)
        s.end += dt.timedelta(days=1)
        s.save()
        desired.session_changed(s)

booked = step(book)
attendees = sum(s.clients.count() for s in sessions)
result = {"book": booked, "add_client": step(add), "remove_client": step(remove), "reschedule": step(reschedule),
          "attendees": attendees, "registered": Registration.objects.filter(state="registered").count(),
          "distinct_links": Registration.objects.exclude(join_url="").values("join_url").distinct().count()}
print(json.dumps(result))
"""


def run(backend: str, sessions: int, hosts: int) -> dict:
    with emulator() as zoom, database(backend) as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=0)
        subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
        made = seed(env, zoom, hosts=hosts)
        args = [str(zoom.base_url), json.dumps(made["consultants"]), str(made["lesson"]), str(sessions)]
        done = subprocess.run(
            [PYTHON, "-c", SCRIPT, *args], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"the script failed:\n{done.stderr}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    tenth = len(range(0, sessions, 10))
    minimum = {
        "book": 2 * sessions,
        "add_client": tenth,
        "remove_client": len(range(5, sessions, 10)),
        "reschedule": len(range(3, sessions, 10)),
    }
    return {
        "sessions": sessions,
        "attendees": row["attendees"],
        "registered": row["registered"],
        "distinct_links": row["distinct_links"],
        "zoom_calls_per_session": round(row["book"]["calls"] / sessions, 3),
        "calls": {name: row[name]["calls"] for name in minimum},
        "minimum": minimum,
        "at_minimum": all(row[name]["calls"] == minimum[name] for name in minimum),
        "by_kind": {name: row[name]["by_kind"] for name in minimum},
        "book_seconds": row["book"]["seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results = {}
    for backend in args.backends.split(","):
        results[backend] = run(backend, args.sessions, args.hosts)
        print(backend, json.dumps(results[backend]), file=sys.stderr)
    dump(results)


if __name__ == "__main__":
    main()
