"""Sync drain: a backlog of online Zoom sessions across many hosts of one Zoom account, drained by
worker processes against an emulator limited to R requests per second for that account.

The backlog is written while no worker runs (sessions and their pending meeting links, as
``session_changed`` leaves them); then ``--processes`` × ``--concurrency`` workers start, paced at
``--pace`` calls per second (``ZOOM_ACCOUNT_CALLS_PER_SECOND``; by default 0.975 R, just under the
limit). Throughput is the emulator's count
of successful Zoom calls over the time from the first call to the last; 429s and every other
status come from the emulator's request log; duplicates and missing meetings are checked one by one
against the emulator's meetings (one per session, each with the id the link stored);
``worker_cpu_ms_per_create`` is the worker processes' CPU time (from /proc, start-up included) ÷ the
meetings created. Prints one JSON object last.

``--rate 60`` is a Zoom account on the Business plan (60 Medium calls a second, meeting creates
among them).

    .venv/bin/python bench/sync_drain.py [--sessions 5000] [--hosts 100] [--rate 10] [--pace 0.975 R]
                                         [--processes 2] [--concurrency 4] [--backend postgresql]
"""

import argparse
import collections
import subprocess
import sys
import time

from _common import PYTHON, cpu_seconds, database, django_run
from _zoombench import dump, emulator, live_meetings, rate_limit, requests, seed, workers, zoom_env

BACKLOG = """
import datetime as dt
from sessiondesk.accounts.models import Member
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session
hosts = list(Member.objects.filter(pk__in={consultants}).select_related("org"))
base = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
sessions = []
for k in range({sessions}):
    host = hosts[k % len(hosts)]
    start = base + dt.timedelta(hours=k // len(hosts))
    sessions.append(Session(org=host.org, title=f"Drain {{k}}", session_type_id={lesson}, consultant=host,
                            start=start, end=start + dt.timedelta(minutes=45), is_online=True, provider="zoom"))
made = Session.objects.bulk_create(sessions, batch_size=500)
MeetingLink.objects.bulk_create([MeetingLink(session=s, org_id=s.org_id, provider="zoom", desired_version=1) for s in made],
                                batch_size=500)
print(json.dumps({{"sessions": len(made)}}))
"""

PROGRESS = """
from sessiondesk.meetings.models import MeetingLink
links = MeetingLink.objects.all()
print(json.dumps({"active": links.filter(state="active").count(), "total": links.count(),
                  "blocked": links.filter(state="blocked").count()}))
"""

LINKS = """
from sessiondesk.meetings.models import CallAttempt, MeetingLink
rows = list(MeetingLink.objects.values_list("session__title", "external_id", "state"))
print(json.dumps({"links": rows, "failed_attempts": CallAttempt.objects.exclude(outcome="ok").count()}))
"""


def drain(args: argparse.Namespace) -> dict:
    with emulator() as zoom, database(args.backend) as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=args.pace)
        subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
        made = seed(env, zoom, hosts=args.hosts)
        django_run(
            env,
            BACKLOG.format(consultants=made["consultants"], sessions=args.sessions, lesson=made["lesson"]),
        )
        rate_limit(zoom, args.rate)
        zoom.delete("/_emulator/requests").raise_for_status()
        began = time.monotonic()
        with workers(env, args.processes, args.concurrency) as procs:
            deadline = began + args.timeout
            while time.monotonic() < deadline:
                time.sleep(5)
                progress = django_run(env, PROGRESS)
                print(f"{time.monotonic() - began:.0f} s: {progress}", file=sys.stderr)
                if progress["active"] + progress["blocked"] == progress["total"]:
                    break
            worker_cpu = sum(cpu_seconds(p.pid) for p in procs)
        wall = time.monotonic() - began
        calls = requests(zoom, path_prefix="/v2/")
        meetings = live_meetings(zoom)
        links = django_run(env, LINKS)
    ok = [c for c in calls if 200 <= c["status"] < 300]
    creates = sum(1 for c in ok if c["method"] == "POST" and c["status"] == 201)
    span = max(c["time"] for c in ok) - min(c["time"] for c in ok) if len(ok) > 1 else 0.0
    throughput = (len(ok) - 1) / span if span else 0.0
    statuses = collections.Counter(str(c["status"]) for c in calls)
    by_topic = collections.Counter(m["topic"] for m in meetings)
    ids = {str(m["id"]): m["topic"] for m in meetings}
    stored = [row for row in links["links"] if row[2] == "active" and ids.get(row[1]) == row[0]]
    titles = {row[0] for row in links["links"]}
    return {
        "backend": args.backend,
        "sessions": args.sessions,
        "hosts": args.hosts,
        "rate_limit_per_s": args.rate,
        "pace_per_s": args.pace,
        "workers": f"{args.processes}x{args.concurrency}",
        "zoom_calls": len(calls),
        "statuses": dict(statuses),
        "throughput_per_s": round(throughput, 2),
        "throughput_over_limit": round(throughput / args.rate, 3),
        "share_429": round(statuses.get("429", 0) / len(calls), 4) if calls else 0.0,
        "failures": len(links["links"]) - len(stored),
        "failed_attempts": links["failed_attempts"],
        "duplicates": sum(n - 1 for n in by_topic.values() if n > 1),
        "orphans": sum(1 for topic in by_topic if topic not in titles),
        "missing": sum(1 for title in titles if title not in by_topic),
        "drain_seconds": round(wall, 1),
        "worker_cpu_ms_per_create": round(worker_cpu * 1000 / creates, 2) if creates else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument(
        "--rate", type=int, default=10, help="the emulator's per-second limit for the account"
    )
    parser.add_argument("--pace", type=float, default=None, help="ZOOM_ACCOUNT_CALLS_PER_SECOND (0.975 R)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--backend", default="postgresql")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    if args.pace is None:
        args.pace = round(0.975 * args.rate, 3)
    dump(drain(args))


if __name__ == "__main__":
    main()
