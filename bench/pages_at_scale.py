"""The pages used every day, at the size SessionDesk is built for: 500 consultants, 20,000 clients,
240,000 sessions over a year (ten months past, two ahead: weekly series and single sessions, 5 %
cancelled, online ones on Zoom with meeting links in every state), 60,000 audit entries and 10,000
synced Zoom users (``sessiondesk.ops.scale_data``).

Each database gets a fresh instance (SQLite file; a throw-away PostgreSQL database, analysed after
the load as autovacuum would); a child process seeds it with bulk inserts (the time is printed),
then renders every page of ``scale_data.DAILY_PAGES`` in-process with Django's test client, signed
in as the owner or as a consultant with 480 sessions: two warm-up requests (the connection closed
between them, as after a request), then ``--rounds`` timed ones. Per page: median and p95 ms, bytes of the answer,
and queries (counted on one extra request). A page that answers 404 (not built in this version) is
skipped with a note. The last line is one JSON object ``{"sqlite": {page: {...}}, "postgresql": ...}``.

    .venv/bin/python bench/pages_at_scale.py [--scale 1.0] [--db sqlite,postgresql] [--rounds 15]

``--scale 0.1`` seeds a tenth of the people (each consultant keeps 480 sessions).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from _common import PYTHON, database, migrate, percentile


def measure(client: Any, path: str, rounds: int) -> dict[str, Any] | None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path)
    if first.status_code == 404:
        return None
    if first.status_code != 200:
        raise SystemExit(f"{path} answered {first.status_code}: {first.content[:500]!r}")
    # As a server does after each request; on SQLite closing also gathers the planner's statistics.
    connection.close()
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    query_count = len(queries)  # read now: the log is emptied when the next request starts
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "kb": round(len(answer.content) / 1024, 1),
        "queries": query_count,
    }


def child(scale: float, rounds: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from sessiondesk.ops import scale_data

    started = time.perf_counter()
    size = scale_data.Size().scaled(scale)
    seeded = scale_data.seed(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does a minute after a bulk load
            cursor.execute("ANALYZE")
    print(f"  seeded in {time.perf_counter() - started:.0f} s: {seeded.counts}", flush=True)
    clients = {"owner": Client(), "consultant": Client(), "visitor": Client()}
    clients["owner"].force_login(seeded.owner.user)
    clients["consultant"].force_login(seeded.consultant.user)
    results: dict[str, Any] = {}
    for name, who, url in scale_data.DAILY_PAGES:
        path = url(seeded)
        figures = measure(clients[who], path, rounds)
        label = f"{name} ({who})" if who != "visitor" else name
        if figures is None:
            print(f"  {label}: skipped, {path} answers 404 (not built in this version)", flush=True)
            continue
        results[label] = figures
        print(
            f"  {label:42} {figures['median_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms"
            f"  {figures['kb']:7.1f} KB  {figures['queries']:3} queries",
            flush=True,
        )
    print(json.dumps({"seed_seconds": round(time.perf_counter() - started), "pages": results}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size (default 1)")
    parser.add_argument("--db", default="sqlite,postgresql", help="databases, comma-separated")
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.rounds)
        return
    results: dict[str, Any] = {}
    for kind in args.db.split(","):
        print(f"{kind}:", flush=True)
        with database(kind) as env:
            env["RATE_LIMIT_BOOKING"] = "1000000/3600"
            env.setdefault("LOG_LEVEL", "ERROR")  # not a line per request
            migrate(env)
            command = [PYTHON, __file__, "--child", "--scale", str(args.scale), "--rounds", str(args.rounds)]
            done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
            lines = done.stdout.strip().splitlines()
            print("\n".join(lines[:-1]), flush=True)
            if done.returncode != 0:
                raise SystemExit(f"{kind}: the measuring process failed")
            results[kind] = json.loads(lines[-1])["pages"]
    print(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
