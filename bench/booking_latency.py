"""Booking latency: N concurrent clients create sessions through the API and the public booking page.

Serves the app with ``sessiondesk serve`` (its defaults, or ``--workers`` processes × ``--threads``)
on SQLite and on PostgreSQL; prints per-backend figures, then one JSON object last: p50/p99 latency
in ms, requests per second, errors.

Per backend it also prints what a booking costs in CPU: ``cpu_ms_per_booking``, measured in-process
on the same instance before the server starts and again after its clients finish (``booking_cpu.py``:
the mean of an API and a public booking; the two measures are in ``cpu_ms_per_booking_before_after``,
and their mean is used, so that a machine whose speed drifts during the run moves
``efficiency`` less); ``served_cpu_ms_per_booking``, the web processes' CPU time (from /proc) over the
back-to-back run ÷ its bookings; ``client_cpu_ms_per_booking``, this script's own CPU over the
back-to-back run ÷ its bookings (its clients share the cores with the server); and ``efficiency``,
the back-to-back throughput ÷ (cores ÷ (server cost + client cost)), the share of what the machine
allows for the code's own cost that the server reaches. On PostgreSQL, ``db_cpu_ms_per_booking`` is
the database server's own CPU (its processes serving the benchmark's database, from /proc) over the
same run ÷ its bookings: it shares the same cores but is not in ``efficiency``'s ceiling;
``efficiency_with_db`` counts it in (the machine's whole cost of a booking: web, database, clients).
``cores_busy`` is the CPU all of them used over the run ÷ its wall time: below the cores, the server
waited on something other than CPU (SQLite's one writer at a time); near them, a served booking cost
more CPU than the in-process one (``served_cpu_ms_per_booking``).

Last, the in-process measurement runs once more while the clients book back to back through the
server again: ``cpu_ms_per_booking_under_load`` is what a booking's own code costs, with no server in
between, while it shares the cores with such a run. Set against ``served_cpu_ms_per_booking``, it
tells what the server path adds from what sharing the cores costs the code itself
(docs/performance.md, "Eleventh round").

With ``--loop-clients``, the back-to-back clients are coroutines of one thread (``_loop_clients``)
instead of threads: the same requests, at about a fifth of the clients' CPU a booking
(docs/performance.md, thirteenth round).

With ``BENCH_PROFILE`` set (see ``_common.profile``), the web processes are sampled with py-spy for
``--profile-seconds`` from the moment the clients start booking back to back.

First the clients book back to back (a closed loop: each sends its next booking as soon as the last
is answered), which measures how many bookings a second the server can take; latency is then about
clients ÷ throughput. Then, for each of ``--rates`` (default 20,40), they book paced (an open loop):
together they offer that many bookings a second, each client at its own steady interval, and a
booking's latency counts from when it was due, so a server falling behind shows in the figures
instead of slowing the clients down. Those runs are under ``<backend>_paced``.

With ``--zoom-latency-ms 0,400`` it also runs, for each value, with online Zoom sessions booked:
every consultant is a Zoom host (the emulator, in its own process, adding that many ms to every
Zoom call) and a worker process makes the meetings while the bookings go on. The keys
``<backend>_zoom_<ms>ms`` hold those runs, with the meetings made during them; booking latency
should not move with Zoom's latency, since no request waits for Zoom.

    .venv/bin/python bench/booking_latency.py [--clients 16] [--requests 20] [--workers N] [--threads N]
                                              [--backends sqlite,postgresql] [--rates 20,40] [--zoom-latency-ms 0,400]
                                              [--loop-clients]
"""

import argparse
import datetime as dt
import functools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import _loop_clients
import booking_cpu
import httpx
from _common import (
    analyze,
    cpu_seconds,
    database,
    database_cpu_seconds,
    django_run,
    migrate,
    profile,
    serve,
    summary,
)
from _zoombench import connect_members, emulator, latency, requests, workers, zoom_env

SEED = """
import datetime as dt
from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.accounts.tokens import create_token
from sessiondesk.scheduling.models import AvailabilityRule, Calendar, SessionType
N = {clients}
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
org = owner.org
lesson = SessionType.objects.get(org=org, name="Lesson")
consultants = []
for i in range(2 * N):
    m = add_member(org, email=f"c{{i}}@bench.test", name=f"Consultant {{i}}", role="consultant",
                   password=None, timezone="UTC")
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=m, weekday=d, start_time=dt.time(0), end_time=dt.time(23, 59)) for d in range(7))
    consultants.append(m.pk)
    if i >= N:
        cal = Calendar.objects.create(org=org, name=f"Cal {{i}}", slug=f"cal-{{i}}", session_type=lesson,
                                      min_notice_minutes=0, max_days_ahead=365, slot_interval_minutes=60)
        cal.members.set([m])
_, token = create_token(owner, "bench")
print(json.dumps({{"token": token, "consultants": consultants, "lesson": lesson.pk}}))
"""


def slot(k: int) -> dt.datetime:
    """The ``k``-th booking of a client: 20 a day (one an hour), from the day after tomorrow."""
    base = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=2 + k // 20, hours=k % 20)


def api_body(seed: dict, index: int, k: int) -> dict:
    """The ``k``-th API booking of client ``index``."""
    start = slot(k)
    return {
        "title": f"Bench {index}-{k}",
        "session_type": seed["lesson"],
        "consultant": seed["consultants"][index],
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        "is_online": bool(seed.get("zoom")),
        **({"provider": "zoom"} if seed.get("zoom") else {}),
    }


def public_form(n: int, index: int, k: int, csrf_token: str) -> tuple[str, dict[str, str]]:
    """The page and form of the ``k``-th public booking of client ``index`` (of ``n``)."""
    form = {
        "start": slot(k).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tz": "UTC",
        "name": f"Client {index}",
        "email": f"client{index}-{k}@bench.test",
        "csrfmiddlewaretoken": csrf_token,
    }
    return f"/book/bench/cal-{n + index}/details/", form


def api_booking(client: httpx.Client, seed: dict, index: int, k: int) -> int:
    response = client.post(
        "/api/v1/sessions/",
        json=api_body(seed, index, k),
        headers={"Authorization": f"Bearer {seed['token']}"},
    )
    return response.status_code


def public_booking(client: httpx.Client, n: int, index: int, k: int) -> int:
    path, form = public_form(n, index, k, client.cookies.get("csrftoken", ""))
    response = client.post(path, data=form, headers={"Referer": str(client.base_url) + path})
    return response.status_code


def drive(
    url: str,
    seed: dict,
    clients: int,
    requests: int,
    rate: float = 0,
    first: int = 0,
    server_pid: int = 0,
    env: dict[str, str] | None = None,
    on_start: Callable[[], None] | None = None,
    until: threading.Event | None = None,
) -> dict:
    """``clients`` threads make ``requests`` bookings each, the ``first``-th booking of each client
    onwards; back to back, or with ``rate`` (bookings a second, all clients together) paced; with
    ``until``, each stops early once it is set. With ``server_pid``, also the CPU seconds the clients
    and the server spent on those bookings, and with the instance's ``env`` the database server's."""
    interval = clients / rate if rate else 0.0
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    began_at: list[float] = []  # when the warmed-up clients start booking, together
    cpu_at: list[float] = []  # the CPU seconds spent until then (``_cpu_now``)

    def start() -> None:
        cpu_at.extend(_cpu_now(server_pid, env))
        began_at.append(time.perf_counter())
        if on_start:
            on_start()

    barrier = threading.Barrier(clients, action=start)

    def run(index: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            # Warm-up, not measured: every web process imports, compiles templates and builds the
            # API schema on its first requests.
            for _ in range(3):
                client.get(f"/book/bench/cal-{clients + index}/")
                client.get("/api/v1/me", headers={"Authorization": f"Bearer {seed['token']}"})
            barrier.wait()
            # Paced clients start evenly spread over one interval.
            due = time.perf_counter() + interval * index / clients
            for k in range(first, first + requests):
                if until is not None and until.is_set():
                    break
                if interval:
                    time.sleep(max(0.0, due - time.perf_counter()))
                    began = due
                    due += interval
                else:
                    began = time.perf_counter()
                if k % 2 == 0:
                    status = api_booking(client, seed, index, k)
                    ok = status == 201
                else:
                    status = public_booking(client, clients, index, k)
                    ok = status == 303
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    (latencies.append(elapsed) if ok else errors.append(status))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = summary(latencies, len(errors), time.perf_counter() - began_at[0])
    result |= _cpu_since(cpu_at, server_pid, env)
    if errors:
        result["error_statuses"] = sorted(set(errors))
    return result


def drive_loop(
    url: str,
    seed: dict,
    clients: int,
    requests: int,
    server_pid: int,
    env: dict[str, str],
    on_start: Callable[[], None],
) -> dict:
    """``drive``'s back-to-back run with the clients as coroutines of one thread (``_loop_clients``)."""
    cpu_at: list[float] = []

    def start() -> None:
        cpu_at.extend(_cpu_now(server_pid, env))
        on_start()

    result = _loop_clients.drive(url, seed, clients, requests, api_body, public_form, start)
    return result | _cpu_since(cpu_at, server_pid, env)


def _cpu_now(server_pid: int, env: dict[str, str] | None) -> list[float]:
    """The CPU seconds this process (the clients), the server and the database server spent so far."""
    server = cpu_seconds(server_pid) if server_pid else 0.0
    return [time.process_time(), server, database_cpu_seconds(env) if env else 0.0]


def _cpu_since(at: list[float], server_pid: int, env: dict[str, str] | None) -> dict:
    """What each spent since ``_cpu_now`` gave ``at``: the clients' and the server's with
    ``server_pid``, the database server's with the instance's ``env``."""
    spent = {}
    if server_pid:
        spent["client_cpu_s"] = round(time.process_time() - at[0], 3)
        spent["server_cpu_s"] = round(cpu_seconds(server_pid) - at[1], 3)
    if env:
        spent["db_cpu_s"] = round(database_cpu_seconds(env) - at[2], 3)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="web processes (default: serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (default: serve's)")
    parser.add_argument("--cpu-bookings", type=int, default=200, help="in-process bookings of each kind")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rates", default="20,40", help='paced runs at these bookings/s ("" for none)')
    parser.add_argument(
        "--profile-seconds", type=float, default=8, help="with BENCH_PROFILE: how long to sample the server"
    )
    parser.add_argument("--zoom-latency-ms", default="", help="e.g. 0,400: also book Zoom sessions")
    parser.add_argument("--loop-clients", action="store_true", help="back-to-back clients in one thread")
    args = parser.parse_args()
    results: dict = {
        "clients": args.clients,
        "requests_per_client": args.requests,
        "web_processes": args.workers or "serve's default",
        "threads_per_process": args.threads or "serve's default",
        "cores": os.cpu_count(),
    }
    for backend in args.backends.split(","):
        with database(backend) as env:
            migrate(env)
            seed = django_run(env, SEED.format(clients=args.clients))
            analyze(env)
            in_process = booking_cpu.measure(env, seed, args.clients, args.cpu_bookings)
            analyze(env)
            with serve(env, args.workers, args.threads) as (url, server_pid):
                spies: list[subprocess.Popen | None] = []
                sample = functools.partial(
                    _sample, spies, server_pid, f"serve-{backend}", args.profile_seconds
                )
                if args.loop_clients:
                    run = drive_loop(url, seed, args.clients, args.requests, server_pid, env, sample)
                else:
                    run = drive(
                        url,
                        seed,
                        args.clients,
                        args.requests,
                        server_pid=server_pid,
                        env=env,
                        on_start=sample,
                    )
                for spy in spies:
                    if spy:
                        spy.wait()
                # Measured again once the clients have finished, further ahead: a machine whose speed
                # drifts during the run moves both measures alike, and their mean is the cost.
                again = booking_cpu.measure(env, seed, args.clients, args.cpu_bookings, first_day=300)
                results[backend] = run | costs(run, in_process, again)
                rates = [float(v) for v in args.rates.split(",") if v.strip()]
                if rates:
                    results[f"{backend}_paced"] = {}
                for round_, rate in enumerate(rates, start=1):
                    paced = drive(url, seed, args.clients, args.requests, rate, first=round_ * args.requests)
                    paced["offered_rps"] = rate
                    results[f"{backend}_paced"][f"{rate:g}"] = paced
                    print(f"{backend} paced at {rate:g}/s: {paced}", file=sys.stderr)
                first = (len(rates) + 1) * args.requests
                loaded = under_load(url, seed, args.clients, first, args.cpu_bookings, env)
                results[backend]["cpu_ms_per_booking_under_load"] = loaded["cpu_ms_per_booking"]
        print(f"{backend}: {results[backend]}", file=sys.stderr)
        for ms in [int(v) for v in args.zoom_latency_ms.split(",") if v.strip()]:
            key = f"{backend}_zoom_{ms}ms"
            results[key] = with_zoom(backend, args, ms)
            print(f"{key}: {results[key]}", file=sys.stderr)
    print(json.dumps(results))


def _sample(spies: list[subprocess.Popen | None], pid: int, name: str, seconds: float) -> None:
    spies.append(profile(pid, name, seconds))


def costs(run: dict, before: dict, after: dict) -> dict:
    """CPU per booking of the back-to-back ``run`` and the efficiency it reached; the in-process cost
    is the mean of the measures ``before`` and ``after`` the run."""
    in_process = {
        key: round((before[key] + after[key]) / 2, 2)
        for key in ("cpu_ms_per_booking", "api_cpu_ms", "public_cpu_ms")
    }
    bookings, cores = run["requests"], os.cpu_count() or 1
    server_ms, client_ms = in_process["cpu_ms_per_booking"], run["client_cpu_s"] * 1000 / bookings
    db_ms = run["db_cpu_s"] * 1000 / bookings
    ceiling = cores / ((server_ms + client_ms) / 1000)
    seconds = bookings / run["rps"]
    database = (
        {
            "db_cpu_ms_per_booking": round(db_ms, 2),
            "efficiency_with_db": round(run["rps"] / (cores / ((server_ms + client_ms + db_ms) / 1000)), 3),
        }
        if db_ms
        else {}
    )
    return database | {
        "cpu_ms_per_booking": server_ms,
        "cpu_ms_per_booking_before_after": [before["cpu_ms_per_booking"], after["cpu_ms_per_booking"]],
        "calibration_s_before_after": [before["calibration_s"], after["calibration_s"]],
        "api_cpu_ms": in_process["api_cpu_ms"],
        "public_cpu_ms": in_process["public_cpu_ms"],
        "served_cpu_ms_per_booking": round(run["server_cpu_s"] * 1000 / bookings, 2),
        "client_cpu_ms_per_booking": round(client_ms, 2),
        "cores_busy": round((run["server_cpu_s"] + run["client_cpu_s"] + run["db_cpu_s"]) / seconds, 2),
        "ceiling_rps": round(ceiling, 1),
        "efficiency": round(run["rps"] / ceiling, 3),
    }


def under_load(
    url: str, seed: dict, clients: int, first: int, cpu_bookings: int, env: dict[str, str]
) -> dict:
    """The in-process measurement (``booking_cpu``) run while the clients book back to back through
    the server, from their ``first``-th booking on, until it ends."""
    measured: dict = {}
    done = threading.Event()

    def in_process() -> None:
        try:
            measured.update(booking_cpu.measure(env, seed, clients, cpu_bookings, first_day=250))
        finally:
            done.set()

    thread = threading.Thread(target=in_process)
    # At most as many bookings as keep every client's slots before the in-process ones (day 250).
    run = drive(url, seed, clients, 20 * 240 - first, first=first, on_start=thread.start, until=done)
    thread.join()
    if not measured or run["errors"]:
        raise SystemExit(f"the measurement under load failed: {run}")
    return measured


ZOOM_SESSIONS = """
from sessiondesk.scheduling.models import SessionType
SessionType.objects.filter(pk={lesson}).update(is_online=True, default_provider="zoom")
print(json.dumps({{}}))
"""

LINKS = """
from sessiondesk.meetings.models import MeetingLink
print(json.dumps({"links": MeetingLink.objects.count(), "active": MeetingLink.objects.filter(state="active").count()}))
"""


def with_zoom(backend: str, args: argparse.Namespace, ms: int) -> dict:
    """The same run with online Zoom sessions, the emulator adding ``ms`` to every Zoom call and a
    worker process making the meetings meanwhile."""
    with emulator() as zoom, database(backend) as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=0)
        migrate(env)
        seed = django_run(env, SEED.format(clients=args.clients))
        django_run(env, ZOOM_SESSIONS.format(lesson=seed["lesson"]))
        connect_members(env, zoom, [f"c{i}@bench.test" for i in range(2 * args.clients)])
        latency(zoom, ms)
        seed["zoom"] = True
        with workers(env, 1, 4), serve(env, args.workers, args.threads) as (url, _):
            result = drive(url, seed, args.clients, args.requests)
        result["zoom_creates"] = len(requests(zoom, method="POST", path_prefix="/v2/users/", status="201"))
        result.update(django_run(env, LINKS))
    return result


if __name__ == "__main__":
    main()
