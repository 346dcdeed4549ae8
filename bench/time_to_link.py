"""Time to link: from a committed booking of an online Zoom session to its join URL stored in the
database, minus the latency the emulator adds to the create call.

One booking at a time on an otherwise idle instance (pauses between bookings), through the real
scheduling action. SQLite: the worker runs as a thread of the booking process (the in-process
wake-up). PostgreSQL: the worker is a separate ``sessiondesk worker`` process woken by
LISTEN/NOTIFY. The join URL is watched every millisecond. Prints per-backend figures, then one
JSON object last: median and p99 in ms, per backend.

    .venv/bin/python bench/time_to_link.py [--bookings 60] [--latency-ms 100] [--backends sqlite,postgresql]
"""

import argparse
import json
import subprocess
import sys
import time

from _common import PYTHON, ROOT, database, percentile
from _zoombench import dump, emulator, latency, requests, seed, workers, zoom_env

MEASURE = """
import datetime as dt, json, statistics, sys, threading, time
import django
django.setup()
from django.db import close_old_connections
from sessiondesk.accounts.models import Member
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.worker.loop import run_in_thread
from sessiondesk.scheduling.actions import SessionDraft, schedule_session
from sessiondesk.scheduling.models import SessionType

bookings, latency_ms, in_process, consultant_id, lesson_id = (int(sys.argv[1]), float(sys.argv[2]),
    sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5]))
stop = threading.Event()
if in_process:
    run_in_thread(stop)
consultant = Member.objects.select_related("org", "user").get(pk=consultant_id)
lesson = SessionType.objects.get(pk=lesson_id)
base = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
times, missing = [], 0
time.sleep(1.0)  # the worker(s) settle into their idle wait
for k in range(bookings):
    start = base + dt.timedelta(hours=k)
    draft = SessionDraft(title=f"Link {k}", start=start, end=start + dt.timedelta(minutes=45),
                         session_type=lesson, consultant=consultant, is_online=True, provider="zoom")
    session = schedule_session(consultant.org, draft, actor=consultant)  # commits on return
    committed = time.perf_counter()
    link = MeetingLink.objects.filter(session_id=session.pk, provider="zoom").exclude(join_url="")
    while not link.exists():
        if time.perf_counter() - committed > 30:
            missing += 1
            break
        time.sleep(0.001)
    else:
        times.append((time.perf_counter() - committed) * 1000 - latency_ms)
    time.sleep(0.25)  # idle between bookings
stop.set()
print(json.dumps({"times_ms": times, "missing": missing}))
"""


def measure(backend: str, bookings: int, latency_ms: int) -> dict:
    with emulator() as zoom, database(backend) as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=0)
        subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
        made = seed(env, zoom, hosts=1)
        latency(zoom, latency_ms, path="/v2/users/*/meetings", methods=["POST"])
        in_process = backend == "sqlite"
        args = [str(bookings), str(latency_ms), "1" if in_process else "0"]
        args += [str(made["consultants"][0]), str(made["lesson"])]
        with workers(env, 0 if in_process else 1, 1):
            done = subprocess.run(
                [PYTHON, "-c", MEASURE, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
        if done.returncode != 0:
            raise SystemExit(f"the measuring process failed:\n{done.stderr}")
        out = json.loads(done.stdout.strip().splitlines()[-1])
        creates = requests(zoom, method="POST", path_prefix="/v2/users/")
    times = out["times_ms"]
    return {
        "worker": "thread of the booking process" if in_process else "separate process (LISTEN/NOTIFY)",
        "bookings": bookings,
        "linked": len(times),
        "missing": out["missing"],
        "zoom_creates": len(creates),
        "injected_latency_ms": latency_ms,
        "median_ms": round(percentile(times, 0.5), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "min_ms": round(min(times), 1) if times else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict = {"bookings": args.bookings, "injected_latency_ms": args.latency_ms}
    for backend in args.backends.split(","):
        started = time.monotonic()
        results[backend] = measure(backend, args.bookings, args.latency_ms)
        print(f"{backend} ({time.monotonic() - started:.0f} s): {results[backend]}", file=sys.stderr)
    dump(results)


if __name__ == "__main__":
    main()
