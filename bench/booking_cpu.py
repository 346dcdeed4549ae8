"""Booking CPU: what one booking costs the web process in CPU time, in-process, without a server.

On a fresh instance per backend (the same organisation as ``booking_latency.py``), one process
loads the app as ``sessiondesk serve`` does (``sessiondesk.wsgi``: everything imported, long-lived
objects frozen out of the garbage collector's sight), then books through Django's request handler
with a test client that enforces CSRF: ``--bookings`` API bookings (``POST /api/v1/sessions/``,
token auth) and as many public ones (the booking form, a new client each, sent urlencoded as a
browser sends it), after a warm-up.
CPU is the process's CPU time (``time.process_time``) around each request; queries are counted on
one booking of each kind. Prints one JSON object last: per backend, ``api_cpu_ms``,
``public_cpu_ms`` (medians), their means, the queries, ``cpu_ms_per_booking``, the mean of
the two kinds (``booking_latency.py`` alternates them), and ``calibration_s``: the CPU seconds of
``for i in range(10_000_000): total += i`` in the same process just before, the machine's speed
(from 0.5 to over 1.3 s on the same kind of machine, on different days), so that figures from
different days can be set side by side.

``booking_latency.py`` runs the same measurement on its own instance, in the same run.

    .venv/bin/python bench/booking_cpu.py [--bookings 200] [--backends sqlite,postgresql]
"""

import argparse
import json
import sys

from _common import analyze, database, django_run, migrate

# The two kinds of booking, as this script and booking_instructions.py make them, in a process that
# has loaded the app as served (format fields: seed, clients, first_day).
BOOKINGS = """
import datetime as dt, os, statistics, time
from urllib.parse import urlencode
from sessiondesk.wsgi import application  # noqa: F401  (loads the app, then gc.freeze(), as served)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
seed = {seed}
N = {clients}
base = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days={first_day})
token = {{"HTTP_AUTHORIZATION": "Bearer " + seed["token"]}}
FORM = "application/x-www-form-urlencoded"

def slot(k):  # 20 a day, one an hour, as booking_latency.py books
    return base + dt.timedelta(days=k // 20, hours=k % 20)

def api(client, k):
    start = slot(k)
    body = {{"title": f"In-process {{k}}", "session_type": seed["lesson"], "consultant": seed["consultants"][0],
             "start": start.isoformat(), "end": (start + dt.timedelta(hours=1)).isoformat(), "is_online": False}}
    response = client.post("/api/v1/sessions/", json.dumps(body), content_type="application/json", **token)
    assert response.status_code == 201, (response.status_code, response.content[:300])

def public(client, k):
    path = f"/book/bench/cal-{{N}}/details/"
    start = slot(k).strftime("%Y-%m-%dT%H:%M:%SZ")
    form = {{"start": start, "tz": "UTC", "name": f"Client {{k}}", "email": f"inprocess-{{k}}@bench.test",
             "csrfmiddlewaretoken": client.cookies["csrftoken"].value}}
    # As a browser sends the booking form (and booking_latency.py's clients): urlencoded, not the
    # multipart that Django's test client sends by default, whose parsing costs a tenth as much again.
    response = client.post(path, urlencode(form), content_type=FORM, HTTP_REFERER="http://testserver" + path)
    assert response.status_code == 303, (response.status_code, response.content.decode()[-3000:])
"""

MEASURE = (
    BOOKINGS
    + """
BOOKINGS, WARM = {bookings}, {warm}

def measure(book, client):
    cpu, system = [], 0.0
    for k in range(WARM + BOOKINGS):
        began, times = time.process_time(), os.times()
        book(client, k)
        if k >= WARM:
            cpu.append((time.process_time() - began) * 1000)
            system += os.times().system - times.system
    with CaptureQueriesContext(connection) as captured:
        book(client, WARM + BOOKINGS)
    return cpu, len(captured.captured_queries), system * 1000 / BOOKINGS

def calibration():  # the machine's speed: the CPU seconds of the loop docs/performance.md quotes
    began, total = time.process_time(), 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - began, 2)

calibrated = calibration()
api_client = Client(enforce_csrf_checks=True)
public_client = Client(enforce_csrf_checks=True)
public_client.get(f"/book/bench/cal-{{N}}/")
api_cpu, api_queries, api_system = measure(api, api_client)
base += dt.timedelta(days=(WARM + BOOKINGS) // 20 + 1)
public_cpu, public_queries, public_system = measure(public, public_client)
out = {{
    "api_cpu_ms": round(statistics.median(api_cpu), 2),
    "api_cpu_ms_mean": round(statistics.fmean(api_cpu), 2),
    "api_queries": api_queries,
    "api_system_cpu_ms_mean": round(api_system, 2),
    "public_cpu_ms": round(statistics.median(public_cpu), 2),
    "public_cpu_ms_mean": round(statistics.fmean(public_cpu), 2),
    "public_queries": public_queries,
    "public_system_cpu_ms_mean": round(public_system, 2),
    "bookings_each": BOOKINGS,
    "calibration_s": calibrated,
}}
out["cpu_ms_per_booking"] = round((out["api_cpu_ms_mean"] + out["public_cpu_ms_mean"]) / 2, 2)
print(json.dumps(out))
"""
)


def measure(env: dict[str, str], seed: dict, clients: int, bookings: int, first_day: int = 200) -> dict:
    """CPU per booking in one process on the instance ``env`` seeded by ``booking_latency.SEED``;
    it books from ``first_day`` days ahead, away from the benchmark's own slots."""
    code = MEASURE.format(
        seed=repr(seed), clients=clients, bookings=bookings, warm=max(10, bookings // 10), first_day=first_day
    )
    return django_run({**env, "LOG_LEVEL": "WARNING"}, code)


def main() -> None:
    from booking_latency import SEED

    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict = {}
    for backend in args.backends.split(","):
        with database(backend) as env:
            migrate(env)
            seed = django_run(env, SEED.format(clients=1))
            analyze(env)
            results[backend] = measure(env, seed, 1, args.bookings)
        print(f"{backend}: {results[backend]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
