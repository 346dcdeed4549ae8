"""Server floor: what gunicorn, set up as ``sessiondesk serve`` sets it up, costs per request on its
own, serving a WSGI application that does nothing.

The application answers the requests ``booking_latency.py``'s clients send (the same clients, the
same bodies and headers) with the statuses they expect, without Django or a database. So
``served_cpu_ms_per_request`` is the part of ``booking_latency.py``'s ``served_cpu_ms_per_booking``
that is the HTTP server's alone: accepting, parsing, handing the request to a thread, writing the
answer. Prints one JSON object last: per set-up (``<processes>x<threads>x<clients>``),
``rps``, ``served_cpu_ms_per_request`` (the web processes' CPU from /proc ÷ requests) and
``client_cpu_ms_per_request``.

    .venv/bin/python bench/server_floor.py [--requests 8000] [--setups 1x1x1,2x4x16]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from _common import PYTHON, free_port, wait_for
from booking_latency import drive

from sessiondesk.ops.management.commands.serve import batch_policy, pinned_cpus, worker_class


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Reads the body and answers as SessionDesk would: 201 to an API booking, 303 to a booking form,
    a page with a CSRF cookie to a GET."""
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


def run(processes: int, threads: int, clients: int, requests: int) -> dict:
    """gunicorn with serve's worker class and configuration (each process kept on a CPU and, with
    ``WEB_SCHED_BATCH``, under the batch policy, as serve sets them), ``clients`` booking back to back
    ``requests`` times each."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sessiondesk-floor-") as home:
        env = {
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parent),
            "SESSIONDESK_HOME": home,
            "SESSIONDESK_WEB_CPUS": ",".join(str(cpu) for cpu in pinned_cpus("auto", processes)),
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
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=8000, help="requests in all, shared by the clients")
    parser.add_argument("--setups", default="1x1x1,2x4x16", help="processes x threads x clients, ...")
    args = parser.parse_args()
    results: dict = {}
    for setup in args.setups.split(","):
        processes, threads, clients = (int(part) for part in setup.split("x"))
        results[setup] = run(processes, threads, clients, max(1, args.requests // clients))
        print(f"{setup}: {results[setup]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
