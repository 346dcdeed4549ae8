"""API economy: the Zoom calls made for a scripted session lifecycle, against the fewest possible.

Through the real scheduling actions, with a live worker (a separate process on PostgreSQL, a
thread of the scripting process on SQLite) and the default settle time: book an online Zoom
session, make 5 quick edits in a row, save it 3 times without changing anything, reschedule it,
cancel it; each step waits until the worker has settled. The fewest calls possible: 1 create, 1
update for the 5 edits, 0 for the no-op saves, 1 update for the reschedule, 1 delete. Calls are
counted from the emulator's request log per step; reads by the periodic sweep (``GET
/v2/meetings/{id}``, which looks for meetings deleted inside Zoom) are reported apart.
``attempt_rows`` counts the call records (``CallAttempt``) written for the same calls: one per
call, so it equals ``calls``. Prints one JSON object last.

    .venv/bin/python bench/api_economy.py [--backends postgresql,sqlite] [--rounds 5]
"""

import argparse
import json
import subprocess
import sys

from _common import PYTHON, ROOT, database
from _zoombench import dump, emulator, seed, workers, zoom_env

MINIMUM = {"create": 1, "quick_edits": 1, "no_op_saves": 0, "reschedule": 1, "cancel": 1}

SCRIPT = """
import datetime as dt, json, sys, threading, time
import django
django.setup()
import httpx
from sessiondesk.accounts.models import Member
from sessiondesk.meetings.models import CallAttempt, MeetingLink
from sessiondesk.worker.loop import run_in_thread
from sessiondesk.scheduling.actions import (SessionChanges, SessionDraft, cancel_session, reschedule_session,
    schedule_session, update_session)
from sessiondesk.scheduling.models import SessionType

zoom_url, in_process, consultant_id, lesson_id, rounds = (sys.argv[1], sys.argv[2] == "1", int(sys.argv[3]),
    int(sys.argv[4]), int(sys.argv[5]))
zoom = httpx.Client(base_url=zoom_url)
stop = threading.Event()
if in_process:
    run_in_thread(stop)
consultant = Member.objects.select_related("org", "user").get(pk=consultant_id)
lesson = SessionType.objects.get(pk=lesson_id)


def settled(session, state="active"):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        link = MeetingLink.objects.get(session_id=session.pk, provider="zoom")
        if link.state == state and link.applied_version == link.desired_version:
            return
        time.sleep(0.05)
    raise SystemExit(f"the link did not settle: {link.state} {link.desired_version}/{link.applied_version}")


def step(name, action, state="active", quiet=3.0):
    since = zoom.get("/_emulator/requests").json()["requests"]
    last = since[-1]["id"] if since else 0
    last_row = CallAttempt.objects.order_by("-id").values_list("id", flat=True).first() or 0
    action()
    settled(session, state)
    time.sleep(quiet)  # anything still coming would show up now
    made = zoom.get("/_emulator/requests", params={"since_id": last}).json()["requests"]
    # GET /v2/meetings/{id} is the periodic sweep looking for meetings deleted inside Zoom, not the sync.
    sweep = [r for r in made if r["method"] == "GET" and r["path"].startswith("/v2/meetings/")]
    sync = [f"{r['method']} {r['status']}" for r in made if r["path"].startswith("/v2/") and r not in sweep]
    # The same calls as recorded: the sweep's reads ("meetings.get") and token calls ("oauth.*") apart.
    rows = CallAttempt.objects.filter(id__gt=last_row).exclude(operation="meetings.get")
    return sync, len(sweep), rows.exclude(operation__startswith="oauth.").count()


results = []
for r in range(rounds):
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3 + r)
    draft = SessionDraft(title="Economy", start=start, end=start + dt.timedelta(minutes=45), session_type=lesson,
                         consultant=consultant, is_online=True, provider="zoom", agenda="Plan")
    session = None

    def create():
        global session
        session = schedule_session(consultant.org, draft, actor=consultant)

    def quick_edits():
        for k, changes in enumerate([SessionChanges(title="Economy 1"), SessionChanges(agenda="Plan 2"),
                                     SessionChanges(title="Economy 3"), SessionChanges(agenda="Plan 4"),
                                     SessionChanges(title="Economy 5")]):
            update_session(session, changes, actor=consultant)

    def no_op_saves():
        update_session(session, SessionChanges(title="Economy 5"), actor=consultant)
        update_session(session, SessionChanges(agenda="Plan 4"), actor=consultant)
        reschedule_session(session, start=start, actor=consultant)

    def reschedule():
        reschedule_session(session, start=start + dt.timedelta(hours=2), actor=consultant)

    def cancel():
        cancel_session(session, actor=consultant, reason="bench")

    results.append({"create": step("create", create), "quick_edits": step("quick_edits", quick_edits),
                    "no_op_saves": step("no_op_saves", no_op_saves), "reschedule": step("reschedule", reschedule),
                    "cancel": step("cancel", cancel, state="deleted")})
stop.set()
print(json.dumps(results))
"""


def run(backend: str, rounds: int) -> dict:
    with emulator() as zoom, database(backend) as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=10)
        subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
        made = seed(env, zoom, hosts=1)
        in_process = backend == "sqlite"
        args = [str(zoom.base_url), "1" if in_process else "0", str(made["consultants"][0])]
        args += [str(made["lesson"]), str(rounds)]
        with workers(env, 0 if in_process else 1, 2):
            done = subprocess.run(
                [PYTHON, "-c", SCRIPT, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
        if done.returncode != 0:
            raise SystemExit(f"the lifecycle script failed:\n{done.stderr}")
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    steps = {name: [len(row[name][0]) for row in rows] for name in MINIMUM}
    sweep_reads = sum(row[name][1] for row in rows for name in MINIMUM)
    made_calls = sum(sum(counts) for counts in steps.values())
    attempt_rows = sum(row[name][2] for row in rows for name in MINIMUM)
    return {
        "rounds": rounds,
        "calls_per_step": {name: max(counts) for name, counts in steps.items()},
        "calls": per_round(made_calls, rounds),
        "attempt_rows": per_round(attempt_rows, rounds),
        "minimum": sum(MINIMUM.values()),
        "equal": all(all(c == MINIMUM[name] for c in counts) for name, counts in steps.items()),
        "sweep_reads": sweep_reads,
        "first_round": {name: calls for name, (calls, _, _) in rows[0].items()},
    }


def per_round(total: int, rounds: int) -> float:
    return total // rounds if total % rounds == 0 else round(total / rounds, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results: dict = {"minimum_per_step": MINIMUM}
    for backend in args.backends.split(","):
        results[backend] = run(backend, args.rounds)
        print(f"{backend}: {results[backend]}", file=sys.stderr)
    dump(results)


if __name__ == "__main__":
    main()
