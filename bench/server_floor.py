"""Server floor: what gunicorn, set up as ``sessiondesk serve`` sets it up, costs per request on its
own, serving a WSGI application that does nothing; and, with ``--work-ms``, the ``efficiency``
(``booking_latency.py``'s measure) that the same server and clients reach for an application that
does a fixed amount of plain Python work a request, with no Django, no database and no lock.

The application answers the requests ``booking_latency.py``'s clients send (the same clients, the
same bodies and headers) with the statuses they expect, without Django or a database. So
``served_cpu_ms_per_request`` is the part of ``booking_latency.py``'s ``served_cpu_ms_per_booking``
that is the HTTP server's alone: accepting, parsing, handing the request to a thread, writing the
answer. Prints one JSON object last: per set-up (``<processes>x<threads>x<clients>``),
``rps``, ``served_cpu_ms_per_request`` (the web processes' CPU from /proc ÷ requests) and
``client_cpu_ms_per_request``. With ``--work-ms M``, every request first does about M ms of work
(``work``: building, encoding and decoding rows, as a view does), and each set-up also prints
``work_cpu_ms`` (that work measured in-process, alone, before and after the run) and ``efficiency`` =
``rps`` ÷ (cores ÷ (``work_cpu_ms`` + ``client_cpu_ms_per_request``)): the share of the machine a
server reaches when all it adds to the work is the floor and the sharing of two cores.

    .venv/bin/python bench/server_floor.py [--requests 8000] [--setups 1x1x1,2x4x16] [--work-ms 2.2]
"""

import argparse
import fcntl
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from _common import PYTHON, free_port, wait_for
from booking_latency import drive

from sessiondesk.ops.management.commands.serve import batch_policy, pinned_cpus, worker_class

WORK_UNITS = int(os.environ.get("FLOOR_WORK_UNITS") or 0)
# How many of those units each request does holding one lock shared by every web process (a file
# lock, behind one lock a process, as SQLite's writers queue): the share of a booking's work that
# holds SQLite's write lock.
LOCKED_UNITS = int(os.environ.get("FLOOR_LOCKED_UNITS") or 0)
LOCK_FILE = os.environ.get("FLOOR_LOCK_FILE", "")
_in_process = threading.Lock()


def work(units: int) -> int:
    """``units`` times: 60 rows built as dicts, encoded to JSON and decoded again."""
    size = 0
    for unit in range(units):
        rows = [
            {"id": i, "title": f"Session {unit}-{i}", "start": i * 3600, "online": i % 2 == 0}
            for i in range(60)
        ]
        size += len(json.loads(json.dumps(rows)))
    return size


def work_cpu_ms(units: int, calls: int = 100, batches: int = 7) -> float:
    """The CPU one ``work(units)`` takes in this process, alone (ms: the median of ``batches``
    batches of ``calls``, after one batch to warm up)."""
    means = []
    for _ in range(batches + 1):
        began = time.process_time()
        for _ in range(calls):
            work(units)
        means.append((time.process_time() - began) * 1000 / calls)
    return statistics.median(means[1:])


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Reads the body and answers as SessionDesk would: 201 to an API booking, 303 to a booking form,
    a page with a CSRF cookie to a GET; does ``work`` first for a booking."""
    if WORK_UNITS and environ["REQUEST_METHOD"] == "POST":
        work(WORK_UNITS - LOCKED_UNITS)
        if LOCKED_UNITS:
            with _in_process, open(LOCK_FILE, "a") as held:
                fcntl.flock(held, fcntl.LOCK_EX)
                work(LOCKED_UNITS)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if environ["REQUEST_METHOD"] == "GET":
        start_response("200 OK", [("Content-Type", "text/html"), ("Set-Cookie", "csrftoken=floor; Path=/")])
        return [b"<!doctype html><p>floor</p>"]
    if environ["PATH_INFO"].startswith("/api/"):
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps({"id": 1, "received": len(body)}).encode()]
    start_response("303 See Other", [("Location", "/book/done/"), ("Content-Type", "text/html")])
    return [b""]


def _as_serve_schedules() -> None:
    """In the server's process before gunicorn starts: serve's scheduling policy, unless
    ``WEB_SCHED_BATCH=false`` turns it off as it does for serve."""
    if os.environ.get("WEB_SCHED_BATCH") != "false":
        batch_policy()


def _serves_worker() -> str:
    """serve's worker class, as ``WEB_WORKER`` chooses it (``gthread`` for gunicorn's own)."""
    return worker_class(os.environ.get("WEB_WORKER", "auto"))


def run(processes: int, threads: int, clients: int, requests: int, units: int = 0, locked: int = 0) -> dict:
    """gunicorn with serve's worker class and configuration (each process kept on a CPU and, with
    ``WEB_SCHED_BATCH``, under the batch policy, as serve sets them), ``clients`` booking back to back
    ``requests`` times each."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sessiondesk-floor-") as home:
        env = {
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parent),
            "SESSIONDESK_HOME": home,
            "SESSIONDESK_WEB_CPUS": ",".join(
                str(cpu) for cpu in pinned_cpus(os.environ.get("WEB_CPU_AFFINITY", "auto"), processes)
            ),
            "FLOOR_WORK_UNITS": str(units),
            "FLOOR_LOCKED_UNITS": str(locked),
            "FLOOR_LOCK_FILE": str(Path(home) / "lock"),
            "SESSIONDESK_KEEPALIVE_REQUESTS": os.environ.get("WEB_KEEPALIVE_REQUESTS", "20"),
        }
        argv = [PYTHON, "-m", "gunicorn", "server_floor:application"]
        argv += ["--config", "python:sessiondesk.ops.gunicorn_config", "--bind", f"127.0.0.1:{port}"]
        argv += ["--workers", str(processes), "--threads", str(threads), "--worker-class", _serves_worker()]
        argv += ["--log-level", "warning", "--no-control-socket"]
        server = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_as_serve_schedules,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(url + "/", "gunicorn")
            seed = {"token": "floor", "consultants": list(range(2 * clients)), "lesson": 1}
            result = drive(url, seed, clients, requests, server_pid=server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    done = result["requests"]
    return {
        "rps": result["rps"],
        "errors": result["errors"],
        "served_cpu_ms_per_request": round(result["server_cpu_s"] * 1000 / done, 3),
        "client_cpu_ms_per_request": round(result["client_cpu_s"] * 1000 / done, 3),
        "cores_busy": round((result["server_cpu_s"] + result["client_cpu_s"]) * result["rps"] / done, 2),
    }


def with_work(processes: int, threads: int, clients: int, requests: int, units: int, locked: int = 0) -> dict:
    """``run`` with ``units`` of work a booking, and the efficiency it reached against that work's
    in-process cost (measured before and after the run, the mean taken)."""
    before = work_cpu_ms(units)
    result = run(processes, threads, clients, requests, units, locked)
    after = work_cpu_ms(units)
    work_ms = (before + after) / 2
    cores = os.cpu_count() or 1
    ceiling = cores / ((work_ms + result["client_cpu_ms_per_request"]) / 1000)
    return result | {
        "work_cpu_ms": round(work_ms, 3),
        "work_cpu_ms_before_after": [round(before, 3), round(after, 3)],
        "ceiling_rps": round(ceiling, 1),
        "efficiency": round(result["rps"] / ceiling, 3),
    }


def units_for(ms: float) -> int:
    """How many units of ``work`` take about ``ms`` of CPU here."""
    return max(1, round(ms / work_cpu_ms(10) * 10))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=8000, help="requests in all, shared by the clients")
    parser.add_argument("--setups", default="1x1x1,2x4x16", help="processes x threads x clients, ...")
    parser.add_argument("--work-ms", type=float, default=0, help="plain Python work a booking, in ms of CPU")
    parser.add_argument(
        "--locked-share", type=float, default=0, help="the share of that work done under one lock"
    )
    args = parser.parse_args()
    units = units_for(args.work_ms) if args.work_ms else 0
    locked = round(units * args.locked_share)
    results: dict = {}
    for setup in args.setups.split(","):
        processes, threads, clients = (int(part) for part in setup.split("x"))
        requests = max(1, args.requests // clients)
        results[setup] = (
            with_work(processes, threads, clients, requests, units, locked)
            if units
            else run(processes, threads, clients, requests)
        )
        print(f"{setup}: {results[setup]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
